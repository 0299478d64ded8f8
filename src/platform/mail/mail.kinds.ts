import type { Types } from 'mongoose';
import type { Mail } from './transport';

/**
 * The mail kinds and the data each carries (ids and codes, never personal data). Features add
 * theirs by augmenting this interface next to their renderers:
 *   declare module '../platform/mail/mail.kinds' { interface MailKinds { 'notice-issued': { noticeId: string } } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MailKinds {}
export type MailKind = keyof MailKinds & string;

/** A mail owed, as recorded in the outbox. */
export interface OwedMail<K extends MailKind = MailKind> {
  kind: K;
  caseId?: Types.ObjectId | null;
  unitId?: Types.ObjectId | null;
  data: MailKinds[K];
}

/** What renderers need besides the records: where links in mails point (config BASE_URL). */
export interface MailSettings {
  baseUrl: string;
}

/**
 * How one kind of mail is written, from the records as they are when it is sent. Renderers read
 * recipients' addresses themselves (in the worker), so no address travels in a job payload.
 * Null: nobody to send it to.
 */
export interface MailDefinition<K extends MailKind = MailKind> {
  kind: K;
  render(owed: OwedMail<K>, settings: MailSettings): Promise<Mail | null>;
}

export function defineMail<K extends MailKind>(kind: K, render: MailDefinition<K>['render']): MailDefinition<K> {
  return { kind, render } as MailDefinition<K>;
}
