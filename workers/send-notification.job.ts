import { sendNotificationJob } from '../src/queues';
import { deliverNotification } from '../src/notifications/notification.service';
import type { JobHandler } from './job';

export const sendNotificationHandler: JobHandler<{ notificationId: string }> = {
  definition: sendNotificationJob,
  handle: (ctx, { notificationId }) => deliverNotification(ctx, notificationId),
};
