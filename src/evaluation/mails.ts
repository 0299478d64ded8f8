import type { Types } from 'mongoose';
import type { Context } from '../context';
import { defineMail } from '../platform/mail/mail.kinds';
import { mailLink, mailText } from '../i18n/mail-text';
import { requestMail } from '../platform/mail/outbox';
import { Notification } from '../platform/mail/notification.model';
import { Evaluation } from './evaluation.models';
import { Representative } from './representative.model';

declare module '../platform/mail/mail.kinds' {
  interface MailKinds {
    // The code is the ballot's only key; it is erased from the record when voting closes.
    'ballot-link': { evaluationId: string; representativeId?: string; code?: string };
  }
}

/** Owes a member with an email address their one-time ballot link (sent once per member). */
export async function oweBallotLink(ctx: Pick<Context, 'queues' | 'logger'>, evaluationId: Types.ObjectId, representativeId: string, code: string): Promise<void> {
  await requestMail(ctx, { key: `ballot-link:${String(evaluationId)}:${representativeId}`, kind: 'ballot-link', data: { evaluationId: String(evaluationId), representativeId, code } });
}

/** At the close: no record keeps a member next to a code any more. */
export async function forgetBallotLinks(evaluationId: Types.ObjectId): Promise<void> {
  await Notification.updateMany({ kind: 'ballot-link', 'data.evaluationId': String(evaluationId) }, { $set: { data: { evaluationId: String(evaluationId) } } });
}

export const evaluationMails = [
  defineMail('ballot-link', async (n, { baseUrl }) => {
    if (!n.data.code || !n.data.representativeId) return null;
    const [member, e] = await Promise.all([Representative.findById(n.data.representativeId, { name: 1, email: 1 }).lean(), Evaluation.findById(n.data.evaluationId, { name: 1, state: 1 }).lean()]);
    if (!member?.email || !e || e.state !== 'voting') return null;
    const url = mailLink(baseUrl, `/ballot/${n.data.code}`);
    return { to: [member.email], ...mailText('ballot-link', { member: member.name, name: e.name, url, code: n.data.code }) };
  }),
];
