import { Case } from '../../src/cases/case.model';
import { fileComplaint } from '../../src/intake/filing.service';
import { REQUEUE_AFTER_MS } from '../../src/platform/jobs/enqueue';
import type { Queues } from '../../src/platform/jobs/queues';
import { reconcile } from '../../src/platform/jobs/reconcile.job';
import { Notification } from '../../src/platform/mail/notification.model';
import { JOBS } from '../../src/registry';
import { useTestApp } from '../helpers/app';

// A complaint and its receipt are saved as queued in the writes that record them, before their
// jobs are added (one write less each). A process that dies between the two leaves work that says
// queued with no job: the reconciler must find it by its age.
const t = useTestApp();

/** Queues that accept every job and keep none: the process died right after saving. */
const diedBeforeQueueing = { enqueue: async () => undefined } as unknown as Queues;

describe('work saved as queued whose job was never added', () => {
  it('when the process dies after saving a complaint and its receipt, then the reconciler queues both once they have waited long enough, and not before', async () => {
    const filed = await fileComplaint({ ...t.ctx, queues: diedBeforeQueueing }, { categoryCode: 'other', description: '保存后进程退出，任务没有入队的一件投诉。', email: 'filer@example.cn' }, { channel: 'web' });
    const receipt = await Notification.findOne({ caseId: filed.id, kind: 'complaint-receipt' }).lean();
    expect([(await Case.findById(filed.id).lean())?.routingQueued, receipt?.queued]).toEqual([true, true]);
    const routing = t.ctx.queues.get('routing');
    const notifications = t.ctx.queues.get('notifications');

    // Young work may still be on its way to the queue: left alone.
    await reconcile(t.ctx, JOBS);
    expect([await routing.getJob(`route-${filed.id}`), await notifications.getJob(`notify-${String(receipt!._id)}`)]).toEqual([undefined, undefined]);

    // A minute later (the case's time is the app's clock, the mail record's the database layer's).
    t.ctx.clock.advance(REQUEUE_AFTER_MS + 1000);
    await Notification.collection.updateOne({ _id: receipt!._id }, { $set: { createdAt: new Date(Date.now() - REQUEUE_AFTER_MS - 1000) } });
    const requeued = await reconcile(t.ctx, JOBS);
    expect([requeued['route-case'], requeued['send-notification']]).toEqual([1, 1]);
    expect([!!(await routing.getJob(`route-${filed.id}`)), !!(await notifications.getJob(`notify-${String(receipt!._id)}`))]).toEqual([true, true]);
  });
});
