import { Case } from '../../../src/cases/case.model';
import { CalendarYear } from '../../../src/calendar/calendar.model';
import { datasetYear } from '../../../src/calendar/dataset';
import { SHIPPED_YEARS } from '../../../src/calendar/holidays.data';
import { calendarCheckJob } from '../../../src/calendar/calendar-check.job';
import { Notice } from '../../../src/routing/notice.model';
import { sweepNow } from '../../../src/escalation/sweep.job';
import { Notification } from '../../../src/platform/mail/notification.model';
import { registry } from '../../../src/registry';
import { createMailer } from '../../../src/platform/mail/transport';
import { useTestApp } from '../../helpers/app';
import { givenUser } from '../../helpers/builders';
import { assignedCase } from '../../helpers/cases';
import { browser } from '../../helpers/http';
import { until } from '../../helpers/wait';

const t = useTestApp({ smtp: true, workers: true });
const at = (local: string) => t.ctx.clock.set(new Date(`${local}+08:00`));

describe('a year missing from the calendar', () => {
  it('when a deadline set in December runs into a year not entered, then it counts Monday to Friday, is marked provisional, and the ladder still steps in January', async () => {
    at('2026-12-24T10:00:00');
    const filed = await assignedCase(t.ctx, 'WS01'); // 10 working days: 12-25, 12-28..31, then 2027 Mon-Fri
    const c = await Case.findById(filed.id).lean();
    expect(c).toMatchObject({ deadlineDate: '2027-01-07', deadlineProvisional: true });
    expect(await Notice.findById(c!.noticeId).lean()).toMatchObject({ deadline: '2027-01-07', provisional: true });
    await givenUser('unit', { username: 'ws01', unitCode: 'WS01' });
    const unit = browser(t.app);
    await unit.login('ws01');
    const notice = await unit.agent.get(`/notices/${String(c!.noticeId)}`).expect(200);
    expect(notice.text).toContain('暂按周一至周五计算');
    expect((await unit.agent.get(`/unit/cases/${filed.id}`).expect(200)).text).toContain('暂定');
    at('2027-01-08T10:00:00');
    // The signing reminder is long past and skipped: the case is overdue, level 1 speaks.
    expect((await sweepNow(t.ctx))[0]!.applied).toEqual([expect.stringMatching(/:level:1$/)]);
  });

  it('when it is November and next year is not entered, then administrators see a banner and get one mail', async () => {
    at('2026-11-02T10:00:00');
    await givenUser('admin', { username: 'root' });
    const { User } = await import('../../../src/users/user.model');
    await User.updateOne({ username: 'root' }, { $set: { email: 'root@county.example' } });
    const admin = browser(t.app);
    await admin.login('root');
    const page = await admin.agent.get('/admin/units').expect(200);
    expect(page.text).toContain('2027 年工作日历尚未录入');
    const ctx = { ...t.ctx, mailer: createMailer(t.ctx.config.SMTP_URL, t.ctx.config.MAIL_FROM), registry };
    expect(await calendarCheckJob.handle(ctx, {}, undefined as never)).toEqual({ missing: [2027] });
    await calendarCheckJob.handle(ctx, {}, undefined as never);
    expect(await Notification.countDocuments({ kind: 'calendar-missing' })).toBe(1);
    const mail = await until(async () => t.smtp.mails.find((m) => m.to.includes('root@county.example')));
    expect(mail.subject).toContain('2027');
    at('2026-10-30T10:00:00');
    expect((await admin.agent.get('/admin/units').expect(200)).text).not.toContain('工作日历尚未录入');
  });

  it('when the administrator imports a year from the dataset after checking it, then it matches the State Council arrangement day for day', async () => {
    await CalendarYear.deleteOne({ year: 2025 });
    await givenUser('admin', { username: 'root' });
    const admin = browser(t.app);
    await admin.login('root');
    const page = await admin.agent.get('/admin/calendar/import?year=2025').expect(200);
    expect(page.text).toContain('2025-01-28 春节');
    const csrf = await admin.csrf('/admin/calendar/import?year=2025');
    await admin.agent.post('/admin/calendar/import').type('form').send({ _csrf: csrf, year: '2025', notice: '' }).expect(400);
    // No year, or one the dataset does not hold, is a bad form naming the year (it was a 404).
    expect((await admin.agent.post('/admin/calendar/import').type('form').send({ _csrf: csrf })).text).toContain('必填');
    await admin.agent.post('/admin/calendar/import').type('form').send({ _csrf: csrf }).expect(400);
    await admin.agent.post('/admin/calendar/import').type('form').send({ _csrf: csrf, year: '1999', notice: '国务院办公厅关于1999年部分节假日安排的通知' }).expect(400);
    expect(await CalendarYear.countDocuments({ year: 2025 })).toBe(0);
    await admin.agent
      .post('/admin/calendar/import')
      .type('form')
      .send({ _csrf: csrf, year: '2025', notice: '国务院办公厅关于2025年部分节假日安排的通知\n国办发明电〔2024〕12号 ……' })
      .expect(303);
    const stored = await CalendarYear.findOne({ year: 2025 }).lean();
    const shipped = SHIPPED_YEARS.find((y) => y.year === 2025)!;
    expect([...stored!.holidays].sort()).toEqual([...shipped.holidays].sort());
    expect([...stored!.workdays].sort()).toEqual([...shipped.workdays].sort());
    expect(stored!.source).toContain('国办发明电');
  });

  it('the dataset agrees with our shipped 2024-2026 arrangements day for day', () => {
    for (const y of SHIPPED_YEARS) {
      const d = datasetYear(y.year)!;
      expect([y.year, d.holidays.map((h) => h.date).sort()]).toEqual([y.year, [...y.holidays].sort()]);
      expect([y.year, [...d.workdays].sort()]).toEqual([y.year, [...y.workdays].sort()]);
    }
  });
});
