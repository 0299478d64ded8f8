import { mailText, unitGreeting } from '../../src/i18n/mail-text';
import { translator } from '../../src/i18n';

// Every mail is written by one helper from the locale files: zh-CN first, then English.
describe('mail text', () => {
  it('when a mail is written, then the subject and body read Chinese first, then English, with the link and signature under both', () => {
    const { subject, text } = mailText('report-submitted', { number: 'TS-2026-0001', n: 2 }, { link: { label: 'commissionCase', url: 'https://x.example/commission/cases/1' } });
    expect(subject).toBe('【整改报告待审核】TS-2026-0001 第2次 / Report 2 on TS-2026-0001');
    expect(text.split('\n')).toEqual([
      '承办单位报送了案件 TS-2026-0001 的第 2 次整改报告，请审核。',
      '—',
      'The unit submitted report 2 on case TS-2026-0001; please review it.',
      '',
      '案件页面 / Case page: https://x.example/commission/cases/1',
      '',
      '县纪委监委 / County Commission for Discipline Inspection and Supervision',
    ]);
  });

  it('when a variant is asked for, then both languages write that variant', () => {
    const { subject, text } = mailText('send-back-ruled', { number: 'TS-1', greeting: '' }, { context: 'rerouted' });
    expect(subject).toBe('【退单已改派】TS-1 / Re-routed: TS-1');
    expect(text).toContain('已改派其他单位办理');
    expect(text).toContain('was re-routed to another unit');
  });

  it('when a value reads differently per language, then each body gets its own', () => {
    const unit = { nameZh: '县水务局', nameEn: 'Water Bureau', head: { name: '李四' } };
    const { text } = mailText('listed-for-notice', (t, lang) => ({ number: 'TS-2', greeting: unitGreeting(t, lang, unit, true) }));
    expect(text).toContain('县水务局、李四：');
    expect(text).toContain('To Water Bureau, 李四:');
    expect(unitGreeting(translator('zh-CN'), 'zh-CN', unit)).toBe('县水务局：');
  });

  it('when user text holds interpolation markers, then it is shown as written, not expanded', () => {
    const { text } = mailText('sent-back', { number: 'TS-3', reasons: '{{number}} $t(mails.signature)', basis: '' });
    expect(text).toContain('理由：{{number}} $t(mails.signature)');
  });
});
