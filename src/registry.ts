import { caseMails } from './cases/case.events';
import type { CasePanel } from './cases/case.page';
import { duplicatesPanel, identityPanel, mailsPanel } from './cases/case.panels';
import { intakeMails } from './intake/mails';
import type { AnyJob, Registry } from './platform/jobs/define-job';
import { reconcileJob } from './platform/jobs/reconcile.job';
import { sendMailJob } from './platform/mail/outbox';
import type { MailDefinition } from './platform/mail/mail.kinds';
import { routeCaseJob } from './routing/route-case.job';
import { finishSplitJob } from './routing/finish-split.job';
import { issueNoticeJob } from './routing/issue-notice.job';
import { routingMails } from './routing/mails';
import { noticePanel, triagePanel } from './routing/routing.panels';
import { closeResolvedJob } from './rectification/close-resolved.job';
import { onCaseChange } from './cases/case.lifecycle';
import { refreshDerivedJob } from './cases/refresh-derived.job';
import { worklistRebuildJob } from './cases/worklist-rebuild.job';
import { escalationMails } from './escalation/mails';
import { evaluationMails } from './evaluation/mails';
import { calendarCheckJob, calendarMissingMail } from './calendar/calendar-check.job';
import { escalateCaseJob, escalationSweepJob, finishSupervisionJob } from './escalation/sweep.job';
import { refreshWatch } from './escalation/escalation.service';
import { escalationPanel } from './escalation/escalation.panels';
import { rectificationMails } from './rectification/mails';
import { bulletinMailsJob } from './bulletins/bulletin-mails.job';
import { bulletinMails } from './bulletins/mails';
import { generateReportJob } from './reports/report.job';
import { publishedBulletins } from './bulletins/bulletin.service';
import { usePublishedNotices } from './transparency/transparency.service';
import { handlingPanel, reviewPanel, unitActionsPanel } from './rectification/rectification.panels';
import { transparencyRefreshJob } from './transparency/refresh.job';
import { publishablePanel } from './transparency/transparency.panels';
import { noteCaseChanged } from './transparency/changes';
import { trackCase } from './oversight/counters.service';
import { oversightMails } from './oversight/mails';
import { monthMetricsJob } from './oversight/month-metrics.job';
import { rebuildCountersJob } from './oversight/rebuild-counters.job';

// The composition root: every job and mail kind the features declare, in one list each. Adding
// a job is one file in its feature and one line here; the workers register each job and its
// schedule from this list, and the reconciler asks each for its pending work.

export const JOBS: readonly AnyJob[] = [routeCaseJob, issueNoticeJob, finishSplitJob, closeResolvedJob, escalationSweepJob, escalateCaseJob, finishSupervisionJob, calendarCheckJob, refreshDerivedJob, worklistRebuildJob, transparencyRefreshJob, bulletinMailsJob, generateReportJob, rebuildCountersJob, monthMetricsJob, sendMailJob, reconcileJob];

export const MAILS = [...intakeMails, ...caseMails, ...routingMails, ...rectificationMails, ...escalationMails, ...evaluationMails, ...bulletinMails, ...oversightMails, calendarMissingMail] as readonly MailDefinition[];

export const registry: Registry = { jobs: JOBS, mails: MAILS };

/** Every queue a registered job uses (for producers and the queue dashboard). */
export const QUEUE_NAMES: readonly string[] = [...new Set(JOBS.map((j) => j.queue))];

/** The case page's panels, in the order they appear. */
export const CASE_PANELS: readonly CasePanel[] = [noticePanel, escalationPanel, handlingPanel, unitActionsPanel, reviewPanel, triagePanel, publishablePanel, duplicatesPanel, mailsPanel, identityPanel];

// Derived records kept in step with every change of a case: escalation's watch list.
onCaseChange(refreshWatch);

// The public page lists published typical-case notices (src/bulletins) through a seam in
// src/transparency/transparency.service.ts, so neither feature imports the other.
usePublishedNotices(async (limit) => (await publishedBulletins(limit)).map((b) => ({ id: b.id, number: b.number, title: b.title, issuedAt: b.issuedAt, url: `/public/bulletins/${b.id}` })));
// The dashboard's counters (src/oversight).
onCaseChange(trackCase);
// The public refresh patches the open data with the cases changed since it last ran (src/transparency/changes.ts).
onCaseChange(noteCaseChanged);
