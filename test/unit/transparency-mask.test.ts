import { MASK, maskPersonalData } from '../../src/transparency/mask';
import { channelGroup, OPEN_DATA_COLUMNS, openDataCsv, openDataJson, type OpenDataRow } from '../../src/transparency/open-data';
import { CHANNELS } from '../../src/cases/case.states';

describe('maskPersonalData', () => {
  it.each([
    ['mobile', '请联系邻居王某，电话13912345678。', `请联系邻居王某，电话${MASK}。`],
    ['mobile with +86 and separators', '手机 +86 139-1234-5678 或 139 1234 5678', `手机 ${MASK} 或 ${MASK}`],
    ['full-width mobile', '电话１３９１２３４５６７８', `电话${MASK}`],
    ['landline', '办公室 0571-88886666，传真(0571)8888-6666', `办公室 ${MASK}，传真${MASK}`],
    ['email', '发到 li.si@example.com 或 wang＠qq．com', `发到 ${MASK} 或 ${MASK}`],
    ['18-character ID number', '身份证号11010519491231002X已提交', `身份证号${MASK}已提交`],
    ['15-digit ID number', '老身份证110105491231002', `老身份证${MASK}`],
    ['other long digit runs', '银行卡6222020200112233445，门牌号88886666', `银行卡${MASK}，门牌号${MASK}`],
  ])('masks a %s', (_kind, text, masked) => {
    expect(maskPersonalData(text)).toBe(masked);
  });

  it('keeps dates, short numbers, amounts and plain text', () => {
    const text = '2026年3月2日在5号窗口排队2小时，收费120元，办事编号2026-0012。';
    expect(maskPersonalData(text)).toBe(text);
  });

  it("masks the filer's own name, phone and email given as terms, case-insensitively, and ignores one-letter terms", () => {
    expect(maskPersonalData('我是赵敏华，邮箱 Zhao.Minhua@Example.cn，找过张', ['赵敏华', 'zhao.minhua@example.cn', '张', null, ''])).toBe(`我是${MASK}，邮箱 ${MASK}，找过张`);
  });

  it("masks the filer's terms written with spaces, dots or dashes between the characters, and dotted phones (outside attack)", () => {
    expect(maskPersonalData('已回访王 小明，王　小明，王·小明，另一电话139.0000.1111', ['王小明'])).toBe(`已回访${MASK}，${MASK}，${MASK}，另一电话${MASK}`);
  });

  it('terms with regular-expression characters are taken literally', () => {
    expect(maskPersonalData('a+b (c) a.b', ['a+b', '(c)'])).toBe(`${MASK} ${MASK} a.b`);
  });
});

describe('open data', () => {
  it('groups channels so that no row tells a supervisor or a campaign apart from phone, visit or letter', () => {
    expect(Object.fromEntries(CHANNELS.map((c) => [c, channelGroup(c)]))).toEqual({
      web: 'online',
      open311: 'online',
      api: 'online',
      phone: 'commission',
      visit: 'commission',
      letter: 'commission',
      supervisor: 'commission',
      campaign: 'commission',
    });
  });

  const row: OpenDataRow = {
    case_number: '2026-000001',
    category_code: 'efficiency',
    category: '办事效率, "作风"',
    unit_code: 'WS01',
    unit: '县政务服务中心',
    series: 'window_service',
    channel_group: 'online',
    submitted_date: '2026-03-02',
    resolved_date: '2026-03-06',
    status: 'resolved',
    on_time: true,
    satisfaction: null,
  };

  it('writes the CSV with the documented header and quotes text that needs it', () => {
    const csv = openDataCsv([row]);
    const lines = csv.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe(OPEN_DATA_COLUMNS.join(','));
    expect(lines[1]).toBe('2026-000001,efficiency,"办事效率, ""作风""",WS01,县政务服务中心,window_service,online,2026-03-02,2026-03-06,resolved,true,');
  });

  it('writes the JSON with the licence, the year, the columns and typed values', () => {
    const json = JSON.parse(openDataJson([row], { year: 2026, generatedAt: new Date('2026-03-10T00:00:00Z') }));
    expect(json).toEqual({ licence: { name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' }, year: 2026, generatedAt: '2026-03-10T00:00:00.000Z', columns: [...OPEN_DATA_COLUMNS], cases: [row] });
  });
});
