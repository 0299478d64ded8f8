import mongoose from 'mongoose';
import { Case } from '../../src/cases/case.model';
import { transition } from '../../src/cases/case.lifecycle';
import { SYSTEM, type Actor } from '../../src/cases/case.timeline';
import { syncWorklist } from '../../src/cases/worklist';
import { Worklist } from '../../src/cases/worklist.model';
import { worklistRebuildJob } from '../../src/cases/worklist-rebuild.job';
import { fileComplaint } from '../../src/intake/filing.service';
import type { JobContext } from '../../src/platform/jobs/define-job';
import { unitInbox } from '../../src/rectification/inbox';
import { triageQueue } from '../../src/routing/triage.service';
import { useTestApp } from '../helpers/app';
import { unitByCode } from '../helpers/builders';
import { FILER } from '../helpers/cases';

// The unit inbox and the triage queue read the worklist (open_cases), kept in step by the
// lifecycle gate, so their cost follows the open work and not every case ever filed (FerretDB's
// SQLite backend scans the whole collection on every find). These check that the lists still show
// exactly what the cases say, through a case's whole life, and after a repair.
const t = useTestApp();

// Monday 2026-03-02, 10:00 in the county.
beforeEach(() => t.ctx.clock.set(new Date('2026-03-02T02:00:00Z')));

const STAFF: Actor = { kind: 'user', userId: new mongoose.Types.ObjectId(), role: 'commission' };
const UNIT: Actor = { kind: 'user', userId: new mongoose.Types.ObjectId(), role: 'unit' };

async function file(unitCode: string, description: string) {
  const unit = await unitByCode(unitCode);
  return fileComplaint(t.ctx, { categoryCode: 'efficiency', unitId: String(unit._id), description, ...FILER }, { channel: 'web' });
}

async function assign(id: string, unitCode: string, deadlineDate: string) {
  const unit = await unitByCode(unitCode);
  return transition(t.ctx, id, 'assign', STAFF, {
    set: { assignedUnitId: unit._id, priority: 'normal', deadlineDays: 10, deadlineDate, deadlineAt: new Date(`${deadlineDate}T15:59:59.999Z`), signedAt: null },
    inc: { assignmentNo: 1 },
    addToSet: { unitHistory: unit._id },
    event: { unitId: unit._id },
  });
}

const inboxOf = async (unitCode: string) => unitInbox(t.ctx, (await unitByCode(unitCode))._id);

/** Every database operation run while fn runs, by collection. */
async function operations(fn: () => Promise<unknown>) {
  const ops: string[] = [];
  mongoose.set('debug', (collection: string, method: string) => ops.push(`${collection}.${method}`));
  try {
    await fn();
  } finally {
    mongoose.set('debug', false);
  }
  return ops;
}

it('when a complaint is filed, assigned, signed, reported, accepted and closed, then the triage queue and the inboxes show it where the case says, and the closed tab keeps it for the configured days', async () => {
  const filed = await file('WS01', '窗口推诿企业开办申请，要求限期整改。');

  const queue = await triageQueue();
  expect(queue).toEqual([expect.objectContaining({ id: filed.id, number: filed.number, status: 'submitted', description: '窗口推诿企业开办申请，要求限期整改。', routed: false, duplicates: 0 })]);
  expect((await inboxOf('WS01')).rows).toEqual([]);

  await assign(filed.id, 'WS01', '2026-03-16');
  expect(await triageQueue()).toEqual([]);
  let inbox = await inboxOf('WS01');
  // 2026-03-02 to 03-16: ten working days.
  expect(inbox.rows).toEqual([expect.objectContaining({ id: filed.id, status: 'assigned', deadlineDate: '2026-03-16', daysLeft: 10, signed: false, tabs: ['new'], channel: 'commission' })]);
  expect(inbox.counts).toMatchObject({ new: 1, in_hand: 0, closed: 0 });
  expect((await inboxOf('LE01')).rows).toEqual([]);

  await transition(t.ctx, filed.id, 'sign', UNIT, { set: { signedAt: t.ctx.clock.now() } });
  inbox = await inboxOf('WS01');
  expect(inbox.rows[0]).toMatchObject({ status: 'acknowledged', signed: true, tabs: ['in_hand'] });

  await transition(t.ctx, filed.id, 'report', UNIT);
  expect((await inboxOf('WS01')).rows[0]!.tabs).toEqual(['waiting']);
  await transition(t.ctx, filed.id, 'accept', STAFF);
  expect((await inboxOf('WS01')).rows[0]!.tabs).toEqual(['closed']);
  t.ctx.clock.set(new Date('2026-03-20T02:00:00Z'));
  await transition(t.ctx, filed.id, 'close', SYSTEM);
  inbox = await inboxOf('WS01');
  expect(inbox.rows).toEqual([expect.objectContaining({ id: filed.id, status: 'closed', tabs: ['closed'] })]);
  expect(inbox.counts.closed).toBe(1);

  // 29 days after closing it is still there; 31 days after, the nightly job has dropped it.
  t.ctx.clock.set(new Date('2026-04-18T02:00:00Z'));
  await worklistRebuildJob.handle(t.ctx as unknown as JobContext, {}, undefined as never);
  expect((await inboxOf('WS01')).counts.closed).toBe(1);
  t.ctx.clock.set(new Date('2026-04-20T02:00:00Z'));
  expect(await worklistRebuildJob.handle(t.ctx as unknown as JobContext, {}, undefined as never)).toEqual({ rows: 0, removed: 0, purged: 1 });
  expect((await inboxOf('WS01')).rows).toEqual([]);
  expect(await Case.countDocuments({ _id: filed.id, status: 'closed' })).toBe(1);
});

it('when a case is rejected from triage, then it leaves the queue, and the other open case about the same unit counts it no more as a possible duplicate', async () => {
  const a = await file('WS01', '窗口推诿企业开办申请。');
  const b = await file('WS01', '窗口再次推诿企业开办申请。');
  await file('LE01', '其他单位的问题。');
  const queue = await triageQueue();
  expect(queue.map((c) => [c.number, c.duplicates])).toEqual([
    [a.number, 1],
    [b.number, 1],
    [expect.any(String), 0],
  ]);
  await transition(t.ctx, a.id, 'reject', STAFF, { action: 'rejected', set: { rejection: { reason: 'duplicate', note: '', duplicateOf: b.number } } });
  expect((await triageQueue()).map((c) => [c.number, c.duplicates])).toEqual([
    [b.number, 0],
    [expect.any(String), 0],
  ]);
});

it('when the inbox and the triage queue are read, then they ask only the worklist and the reference data, never the cases', async () => {
  const filed = await file('WS01', '窗口推诿企业开办申请。');
  await file('WS01', '另一件。');
  await assign(filed.id, 'WS01', '2026-03-16');
  const ops = [...(await operations(() => inboxOf('WS01'))), ...(await operations(() => triageQueue()))];
  expect(ops).toContain('open_cases.find');
  expect(ops.filter((op) => op.startsWith('cases.'))).toEqual([]);
});

it('when worklist rows are lost, then the rebuild job writes them again from the cases, and leaves out cases long closed', async () => {
  const open = await file('WS01', '窗口推诿企业开办申请。');
  const assigned = await file('WS01', '另一件。');
  await assign(assigned.id, 'WS01', '2026-03-16');
  const before = { queue: await triageQueue(), inbox: await inboxOf('WS01') };
  await Worklist.deleteMany({});
  expect(await triageQueue()).toEqual([]);

  expect(await worklistRebuildJob.handle(t.ctx as unknown as JobContext, {}, undefined as never)).toEqual({ rows: 2, removed: 0, purged: 0 });
  expect(await triageQueue()).toEqual(before.queue);
  expect(await inboxOf('WS01')).toEqual(before.inbox);
  expect(before.queue.map((c) => c.id)).toEqual([open.id]);
});

it('when an older change of a case is written after a newer one, then the worklist keeps the newer', async () => {
  const filed = await file('WS01', '窗口推诿企业开办申请。');
  const submitted = await Case.findById(filed.id).lean();
  await assign(filed.id, 'WS01', '2026-03-16');
  await syncWorklist(submitted!); // a late refresh of the version before the assignment
  expect(await Worklist.findById(filed.id).lean()).toMatchObject({ status: 'assigned', version: 2 });
  expect(await triageQueue()).toEqual([]);
});
