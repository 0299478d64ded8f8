import { defineMail } from '../platform/mail/mail.kinds';
import { mailText, unitGreeting } from '../i18n/mail-text';
import { findUnit } from '../units/unit.service';
import { Bulletin, bulletinNumber } from './bulletin.model';

declare module '../platform/mail/mail.kinds' {
  interface MailKinds {
    'bulletin-issued': { bulletinId: string };
  }
}

/**
 * The issued notice in full, to the unit's head (the unit's own addresses when no head's is on
 * record). Written from the notice as issued: the commission's summaries, never a filer.
 */
export const bulletinMails = [
  defineMail('bulletin-issued', async (n) => {
    const [b, unit] = await Promise.all([Bulletin.findById(n.data.bulletinId).lean(), findUnit(n.unitId)]);
    if (!b || !unit || b.status !== 'issued') return null;
    const to = unit.head?.email ? [unit.head.email] : unit.emails;
    const number = bulletinNumber(b) ?? '';
    const cited = b.corrects ? await Bulletin.findById(b.corrects, { year: 1, seq: 1 }).lean() : null;
    // The summaries as the commission wrote them (one language): in the Chinese body only.
    const items = b.items.flatMap((i, k) => [`${k + 1}. ${i.unitName}`, `   ${i.happened}`, `   ${i.handling}`, `   ${i.outcome}`]).join('\n');
    const text = mailText('bulletin-issued', (t, lang) => ({
      number,
      title: b.title,
      cases: b.items.length,
      items,
      greeting: unitGreeting(t, lang, unit, true),
      corrects: cited ? `${lang === 'en' ? ' ' : '\n'}${t('mails.bulletin-issued.corrects', { number: bulletinNumber(cited) ?? '' })}` : '',
    }));
    return { to, ...text };
  }),
];
