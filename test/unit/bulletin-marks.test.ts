import { holdsMark } from '../../src/bulletins/bulletin.service';

const MARKS = ['赵敏华', '13912345678', 'zhao.minhua@example.cn'];

describe('holdsMark (the filer check on notice summaries)', () => {
  it.each([
    ['投诉人赵敏华反映', true],
    ['电话 139 1234 5678', true],
    ['电话 139-1234-5678', true],
    ['邮箱 ZHAO.MINHUA@EXAMPLE.CN', true],
    // Written around the check (outside attack): spaced, dotted, full-width.
    ['投诉人赵 敏华反映', true],
    ['投诉人赵　敏华反映', true],
    ['投诉人赵·敏华反映', true],
    ['电话１３９１２３４５６７８', true],
    ['电话 139.1234.5678', true],
    ['邮箱 zhao.minhua＠example.cn', true],
    ['县政务大厅窗口推诿企业开办申请', false],
    ['受理编号 2026-000139，1234 件', false],
  ])('when a summary reads %p, then it holds a mark: %p', (text, expected) => {
    expect(holdsMark(text, MARKS)).toBe(expected);
  });
});
