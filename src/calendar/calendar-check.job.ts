import { z } from 'zod';
import { countyDate } from '../clock';
import { defineJob } from '../platform/jobs/define-job';
import { defineMail } from '../platform/mail/mail.kinds';
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
  const year = n.data.year;
  return {
    to,
    subject: `【请录入工作日历】${year} 年放假安排 / Enter the ${year} holiday arrangement`,
    text: [
      `系统尚未录入 ${year} 年的节假日和调休安排。在录入之前，落在 ${year} 年的办理期限暂按周一至周五计算，并标注为“暂定”。`,
      `国务院办公厅公布 ${year} 年部分节假日安排后，请在“工作日历”页面录入或一键导入：${baseUrl.replace(/\/$/, '')}/admin/calendar`,
      '—',
      `The ${year} holiday arrangement is not entered; deadlines in ${year} count Monday to Friday and are marked provisional until it is.`,
    ].join('\n'),
  };
});
