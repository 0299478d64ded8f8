import mongoose, { Types } from 'mongoose';
import { Watch } from '../../../src/escalation/escalation.models';
import { overdueBoard, boardQuery } from '../../../src/escalation/board.service';
import { sweep } from '../../../src/escalation/sweep.job';
import { useTestApp } from '../../helpers/app';

// The sweep's cost must follow the due work, not every case ever filed. FerretDB's SQLite backend
// uses no secondary index (and reports no "documents examined"), so the design keeps the due work
// in its own small collection (the watch list: one document per case a unit has in hand) and
// never reads the cases collection to find it. This checks that on 100,000 cases with 100 due:
// what the sweep asks the database, of which collection, and how many documents come back.

// The history is dropped whole (emptying 100,000 documents one by one fails on FerretDB: too many
// SQL variables), and the indexes built again for the next file. Declared before useTestApp, so
// it runs while the connection is still open.
afterAll(async () => {
  await mongoose.connection.db!.collection('cases').drop();
  await Watch.collection.drop();
  await Promise.all(Object.values(mongoose.models).map((m) => m.createIndexes()));
});

const t = useTestApp({ seed: 'once' });
jest.setTimeout(180000);

const CASES = 100_000;
const OPEN = 1_000;
const DUE = 100;

beforeAll(async () => {
  const cases = mongoose.connection.db!.collection('cases');
  for (let b = 0; b < CASES / 5000; b++) {
    const docs = Array.from({ length: 5000 }, (_, i) => ({
      _id: new Types.ObjectId(),
      number: `2024-${String(b * 5000 + i).padStart(6, '0')}`,
      status: 'closed',
      channel: 'web',
      categoryCode: 'other',
      description: '历史案件，已办结归档。'.repeat(4),
      submittedAt: new Date('2024-06-01T02:00:00Z'),
      deadlineAt: new Date('2024-06-20T15:59:59Z'),
      timeline: [],
    }));
    await cases.insertMany(docs, { ordered: false });
  }
  const now = t.ctx.clock.now();
  const unitId = new Types.ObjectId();
  await Watch.insertMany(
    Array.from({ length: OPEN }, (_, i) => ({
      _id: new Types.ObjectId(),
      number: `2026-${String(i).padStart(6, '0')}`,
      unitId,
      series: 'window_service',
      categoryCode: 'other',
      priority: 'normal',
      status: 'acknowledged',
      deadlineDate: '2026-03-16',
      deadlineAt: new Date('2026-03-16T15:59:59.999Z'),
      // 100 due before now, the rest later.
      nextAt: new Date(now.getTime() + (i < DUE ? -(i + 1) : i + 1) * 60_000),
    })),
  );
});

function recordOperations() {
  const ops: { collection: string; method: string }[] = [];
  mongoose.set('debug', (collection: string, method: string) => ops.push({ collection, method }));
  return { ops, stop: () => mongoose.set('debug', false) };
}

it(`when ${CASES.toLocaleString('en')} cases exist and ${DUE} steps are due, then the sweep reads only the watch list and finds exactly the due ones`, async () => {
  expect(await mongoose.connection.db!.collection('cases').estimatedDocumentCount()).toBe(CASES);
  const rec = recordOperations();
  const result = await sweep(t.ctx);
  rec.stop();
  expect(result).toEqual({ due: DUE, queued: DUE });
  expect(rec.ops).toEqual([{ collection: 'escalation_watch', method: 'find' }]);
  // Everything the sweep can examine is the watch list: the open work, not the history.
  expect(await Watch.estimatedDocumentCount()).toBe(OPEN);
  const queued = await t.ctx.queues.get('escalation').getJobCounts('waiting');
  expect(queued.waiting).toBe(DUE);
});

it('when the overdue board is asked for, then it reads the watch list, not the cases', async () => {
  t.ctx.clock.set(new Date('2026-03-18T02:00:00Z')); // every watched deadline (03-16) has passed
  const rec = recordOperations();
  const rows = await overdueBoard(t.ctx, boardQuery.parse({}));
  rec.stop();
  expect(rows).toHaveLength(OPEN);
  expect(rec.ops.map((o) => o.collection)).not.toContain('cases');
});
