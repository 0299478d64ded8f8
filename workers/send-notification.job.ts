import { sendNotificationJob } from '../src/queues';
import { deliverNotification } from '../src/notifications/notification.service';
import { Notification } from '../src/notifications/notification.model';
import type { JobHandler } from './job';

export const sendNotificationHandler: JobHandler<{ notificationId: string }> = {
  definition: sendNotificationJob,
  handle: (ctx, { notificationId }) => deliverNotification(ctx, notificationId),
  // SMTP down longer than the retries last: the reconciler tries again every RECONCILE_EVERY_SECONDS.
  onGiveUp: async (_ctx, { notificationId }) => {
    await Notification.updateOne({ _id: notificationId, status: 'pending' }, { $set: { queued: false } });
  },
};
