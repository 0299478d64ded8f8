import type { JobHandler } from './job';
import { issueNoticeHandler } from './issue-notice.job';
import { reconcileHandler } from './reconcile.job';
import { routeCaseHandler } from './route-case.job';
import { sendNotificationHandler } from './send-notification.job';

// Every job the workers run; one place to see them all.
export const handlers: JobHandler<never>[] = [routeCaseHandler, issueNoticeHandler, sendNotificationHandler, reconcileHandler] as JobHandler<never>[];
