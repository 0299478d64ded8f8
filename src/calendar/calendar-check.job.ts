import { z } from 'zod';
import { countyDate } from '../clock';
import { defineJob } from '../platform/jobs/define-job';
import { defineMail } from '../platform/mail/mail.kinds';
import { mailLink, mailText } from '../i18n/mail-text';
import { requestMail } from '../platform/mail/outbox';
import { adminEmails } from '../users/user.service';
import { missingYears } from './calendar.service';

declare module '../platform/mail/mail.kinds' {
  interface MailKinds {
    'calendar-missing': { year: number };
  }
}

/**
 * Daily: from 1 November, asks the administrators (once per year) to enter next year's holiday
 * arrangement; and any day the current year is missing. Until it is entered, deadlines in that
 * year count Monday to Friday and are marked provisional.
 */
export const calendarCheckJob = defineJob<Record<string, never>>({
  name: 'calendar-check',
  queue: 'maintenance',
  payload: z.object({}).strict() as z.ZodType<Record<string, never>>,
  jobId: () => 'calendar-check',
  schedule: () => ({ pattern: '0 9 * * *' }),
  handle: async (ctx) => {
    const missing = await missingYears(countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY));
    for (const year of missing) await requestMail(ctx, { key: `calendar-missing:${year}`, kind: 'calendar-missing', data: { year } });
    return { missing };
  },
});

export const calendarMissingMail = defineMail('calendar-missing', async (n, { baseUrl }) => {
  const to = await adminEmails();
  if (!to.length) return null;
  return { to, ...mailText('calendar-missing', { year: n.data.year, url: mailLink(baseUrl, '/admin/calendar') }) };
});
