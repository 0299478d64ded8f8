import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { declareSchedules } from '../../src/platform/jobs/schedules';
import { JOBS } from '../../src/registry';
import { useTestApp } from '../helpers/app';
import { givenUser } from '../helpers/builders';
import { browser } from '../helpers/http';

const t = useTestApp();

/** The app with its log lines kept, to read what it recorded. */
function loggedApp() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const app = createApp({ ...t.ctx, logger: pino({ level: 'info' }, sink) });
  const actions = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'queues.action');
  return { app, actions };
}

/** A board button's request, sent as the board's own page sends it (same origin). */
function press(b: ReturnType<typeof browser>, path: string) {
  return b.agent.put(`/admin/queues/api/queues/${path}`).set('Host', 'county.example').set('Origin', 'http://county.example');
}

beforeEach(async () => {
  // As a running worker leaves them, so /healthz speaks only of what the board changes.
  await declareSchedules(t.ctx, JOBS);
});

describe('the queue dashboard (/admin/queues)', () => {
  it('when commission staff open it, then they see every queue read-only, and pausing a queue or removing a schedule is refused and changes nothing', async () => {
    await givenUser('commission', { username: 'wang' });
    const { app, actions } = loggedApp();
    const staff = browser(app);
    await staff.login('wang');
    await staff.agent.get('/admin/queues').expect(200);
    const listed = await staff.agent.get('/admin/queues/api/queues').expect(200);
    expect(listed.body.queues.map((q: { name: string; readOnlyMode: boolean }) => [q.name, q.readOnlyMode]).sort()).toEqual(
      t.ctx.queues.all().map((q) => [q.name, true]).sort(),
    );

    expect((await press(staff, 'routing/pause')).status).toBe(403);
    expect((await press(staff, 'maintenance/job-schedulers/reconcile/remove')).status).toBe(403);
    expect(await t.ctx.queues.get('routing').isPaused()).toBe(false);
    expect(await t.ctx.queues.get('maintenance').getJobScheduler('reconcile')).toBeDefined();
    expect((await request(app).get('/healthz').expect(200)).body.status).toBe('ok');
    expect(actions()).toEqual([]);
  });

  it('when an administrator pauses a queue and removes a schedule, then both happen, each is logged with the administrator, and /healthz says degraded naming them', async () => {
    const admin = await givenUser('admin', { username: 'li-admin' });
    const { app, actions } = loggedApp();
    const b = browser(app);
    await b.login('li-admin');

    expect((await press(b, 'routing/pause')).status).toBe(200);
    expect((await press(b, 'maintenance/job-schedulers/reconcile/remove')).status).toBe(204);
    expect(await t.ctx.queues.get('routing').isPaused()).toBe(true);

    expect(actions().map((a) => [a.username, a.userId, a.role, a.method, a.action, a.status])).toEqual([
      ['li-admin', String(admin._id), 'admin', 'PUT', '/api/queues/routing/pause', 200],
      ['li-admin', String(admin._id), 'admin', 'PUT', '/api/queues/maintenance/job-schedulers/reconcile/remove', 204],
    ]);
    expect((await request(app).get('/healthz').expect(200)).body).toEqual({ status: 'degraded', mongo: 'up', redis: 'up', schedulesMissing: ['reconcile'], queuesPaused: ['routing'] });

    expect((await press(b, 'routing/resume')).status).toBe(200);
    await declareSchedules(t.ctx, JOBS);
    expect((await request(app).get('/healthz').expect(200)).body.status).toBe('ok');
  });
});
