import { Case } from '../../../src/cases/case.model';
import { SupervisionNotice, Watch } from '../../../src/escalation/escalation.models';
import { boardCsv } from '../../../src/escalation/board.service';
import { escalationSweepJob, sweepNow } from '../../../src/escalation/sweep.job';
import { escalateByHand } from '../../../src/escalation/escalation.service';
import { setPolicy } from '../../../src/escalation/policy.service';
import { reconcile } from '../../../src/platform/jobs/reconcile.job';
import { createMailer } from '../../../src/platform/mail/transport';
import { JOBS, registry } from '../../../src/registry';
import { useTestApp } from '../../helpers/app';
import { givenUser } from '../../helpers/builders';
import { apiAs, assignedCase, REPORT } from '../../helpers/cases';
import { jobFinished } from '../../helpers/jobs';
import { until } from '../../helpers/wait';

// Each finding of the outside test of escalation, kept found.
const t = useTestApp({ smtp: true, workers: true });
const at = (local: string) => t.ctx.clock.set(new Date(`${local}+08:00`));
beforeEach(() => at('2026-03-02T10:00:00'));
const levels = async (id: string) => (await Case.findById(id).lean())!.escalationEvents.map((e) => [e.level, !!e.manual]);

it('when the watch list missed a change (the listener never ran), then the reconciler refreshes it and the ladder steps again', async () => {
  const filed = await assignedCase(t.ctx, 'WS01');
  // As if the process died right after a change: the case carries the mark, its entry is gone.
  await Watch.deleteOne({ _id: filed.id });
  await Case.updateOne({ _id: filed.id }, { $set: { derivedStaleAt: new Date('2026-03-02T01:00:00Z') } });
  expect((await reconcile(t.ctx, JOBS))['refresh-derived']).toBe(1);
  const job = await jobFinished(t.ctx, 'maintenance', `derived-${filed.id}-${new Date('2026-03-02T01:00:00Z').getTime()}`);
  expect(job.state).toBe('completed');
  expect(await Watch.findById(filed.id).lean()).toMatchObject({ gone: false, deadlineDate: '2026-03-16' });
  expect((await Case.findById(filed.id).lean())!.derivedStaleAt).toBeNull();
  at('2026-03-17T10:00:00');
  expect((await sweepNow(t.ctx)).flatMap((r) => r.applied)).toContainEqual(expect.stringMatching(/:level:1$/));
});

it('when a question and a report arrive at once, then the watch list ends in step with the case', async () => {
  for (let i = 0; i < 4; i++) {
    const filed = await assignedCase(t.ctx, 'WS01');
    const unit = await apiAs(t.app, 'unit', 'WS01');
    await unit.post(`/cases/${filed.id}/sign`).expect(200);
    await Promise.all([unit.post(`/cases/${filed.id}/questions`, { text: '请补充发生时间。' }), unit.post(`/cases/${filed.id}/reports`, REPORT)]);
    const c = await Case.findById(filed.id).lean();
    const w = await Watch.findById(filed.id).lean();
    expect([c!.status, w?.gone ?? true]).toEqual(['responded', true]);
  }
});

it('when the commission supervises a case already reported, then it is refused and no numbered notice is left behind', async () => {
  const filed = await assignedCase(t.ctx, 'WS01');
  const unit = await apiAs(t.app, 'unit', 'WS01');
  await unit.post(`/cases/${filed.id}/sign`).expect(200);
  await unit.post(`/cases/${filed.id}/reports`, REPORT).expect(201);
  const staff = await givenUser('commission');
  await expect(escalateByHand(t.ctx, filed.id, 2, { kind: 'user', userId: staff._id, role: 'commission' })).rejects.toMatchObject({ status: 409 });
  expect(await SupervisionNotice.countDocuments()).toBe(0);
});

it('when the commission urges before the deadline, then the reminders and the automatic level 1 still come, and metrics count only the level reached', async () => {
  const filed = await assignedCase(t.ctx, 'WS01');
  const unit = await apiAs(t.app, 'unit', 'WS01');
  await unit.post(`/cases/${filed.id}/sign`).expect(200);
  const staff = await givenUser('commission');
  at('2026-03-04T10:00:00');
  await escalateByHand(t.ctx, filed.id, 1, { kind: 'user', userId: staff._id, role: 'commission' });
  at('2026-03-12T09:30:00');
  expect((await sweepNow(t.ctx))[0]!.applied).toEqual([expect.stringMatching(/:remind:2$/)]);
  at('2026-03-17T10:00:00');
  expect((await sweepNow(t.ctx))[0]!.applied).toEqual([expect.stringMatching(/:level:1$/)]);
  expect(await levels(filed.id)).toEqual([
    [1, true],
    [1, false],
  ]);
  const api = await apiAs(t.app, 'commission');
  const ws01 = (await Case.findById(filed.id).lean())!.assignedUnitId;
  const m = await api.get(`/units/${String(ws01)}/metrics?from=2026-03-01&to=2026-03-31`).expect(200);
  expect(m.body.escalations).toEqual({ level1: 1, level2: 0, level3: 0, manual: 1 });
});

it('when the commission supervises by hand while the automatic level 2 falls due, then one supervision notice is issued', async () => {
  const filed = await assignedCase(t.ctx, 'WS01');
  const staff = await givenUser('commission');
  at('2026-03-20T10:00:00'); // level 2 due (03-19)
  await Promise.allSettled([sweepNow(t.ctx), sweepNow(t.ctx), escalateByHand(t.ctx, filed.id, 2, { kind: 'user', userId: staff._id, role: 'commission' })]);
  expect(await SupervisionNotice.countDocuments({ caseId: filed.id })).toBe(1);
  expect((await levels(filed.id)).filter(([l]) => l === 2)).toHaveLength(1);
});

it('when the board is filtered with "all levels" (an empty level), then every level is listed', async () => {
  await assignedCase(t.ctx, 'WS01');
  at('2026-03-02T10:00:00');
  await assignedCase(t.ctx, 'LE01');
  at('2026-03-20T10:00:00');
  await sweepNow(t.ctx);
  const staff = await apiAs(t.app, 'commission');
  const all = await staff.get('/overdue?series=&unitId=&level=&sort=deadline').expect(200);
  expect(all.body.cases.map((r: { level: number }) => r.level)).toEqual([2, 2]);
});

it('when the administrator shortens the ladder, then the next sweep moves every due time', async () => {
  const filed = await assignedCase(t.ctx, 'WS01');
  at('2026-03-17T10:00:00');
  const ctx = { ...t.ctx, mailer: createMailer(t.ctx.config.SMTP_URL, t.ctx.config.MAIL_FROM), registry };
  await escalationSweepJob.handle(ctx, {}, undefined as never); // remembers the settings as seen
  await sweepNow(t.ctx); // level 1
  await setPolicy('normal', { level2AfterDays: 1, level3AfterDays: 5, reminderDays: [2, 1] });
  at('2026-03-18T10:00:00');
  // The sweep job rebuilds the watch list, then queues the case for the running workers.
  expect(await escalationSweepJob.handle(ctx, {}, undefined as never)).toMatchObject({ rebuilt: true, due: 1 });
  await until(async () => {
    const c = await Case.findById(filed.id).lean();
    return c!.escalationEvents.some((e) => e.level === 2) && c!.supervisionPending === null;
  });
});

it('when an exported value starts like a formula, then the CSV keeps it as text', () => {
  const row = { caseId: 'x', number: '=HYPERLINK("x")', unitId: 'u', unitCode: ' =1+1', unitName: { zh: '＝SUM(A1)', en: '' }, series: null, categoryCode: '\t@x', priority: null, status: 'assigned', deadlineDate: '2026-03-16', daysLeft: -2, overdue: true, level: 1, manual: false, problem: false, paused: false };
  const csv = boardCsv([row]);
  const line = csv.split('\r\n')[1]!;
  expect(line.startsWith('"\'=HYPERLINK(""x"")"')).toBe(true);
  expect(line).toContain('"\' =1+1"');
  expect(line).toContain('"\'＝SUM(A1)"');
  expect(line).toContain(',-2,');
});
