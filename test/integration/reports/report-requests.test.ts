import { Report } from '../../../src/reports/report.model';
import { useTestApp } from '../../helpers/app';
import { givenUser, PASSWORD } from '../../helpers/builders';
import { browser, formTokens } from '../../helpers/http';

// Pressing "generate" again (or three staff asking for the same year at once) must not queue the
// same work again while it is pending. No workers run here: the first report stays queued.
const t = useTestApp();

async function asStaff() {
  await givenUser('commission', { username: 'reporter' });
  const b = browser(t.app);
  await b.login('reporter', PASSWORD);
  return b;
}

async function ask(b: ReturnType<typeof browser>, year: string) {
  const page = await b.agent.get('/commission/reports').expect(200);
  const res = await b.agent.post('/commission/reports').type('form').send({ _csrf: formTokens(page.text).csrf, kind: 'year', year, month: '', quarter: '' });
  expect(res.status).toBe(303);
  return res.headers.location as string;
}

describe('report requests', () => {
  it('when the same year report is asked for three times while pending, then all three lead to one report and one job', async () => {
    const b = await asStaff();
    const first = await ask(b, '2025');
    const again = await Promise.all([ask(b, '2025'), ask(b, '2025')]);
    expect(again).toEqual([first, first]);
    expect(await Report.countDocuments({ label: '2025' })).toBe(1);
    expect(await t.ctx.queues.get('reports').getJobCounts('waiting', 'delayed', 'active')).toEqual({ waiting: 1, delayed: 0, active: 0 });
  });

  it('when another period is asked for, or the same one after the first is done, then that is a new report', async () => {
    const b = await asStaff();
    const first = await ask(b, '2025');
    expect(await ask(b, '2024')).not.toBe(first);
    await Report.updateOne({ _id: first.split('/').pop() }, { $set: { status: 'done' } });
    expect(await ask(b, '2025')).not.toBe(first);
    expect(await Report.countDocuments()).toBe(3);
  });
});
