import { defineMail } from '../platform/mail/mail.kinds';
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
    const items = b.items.flatMap((i, k) => [`${k + 1}. ${i.unitName}`, `   ${i.happened}`, `   ${i.handling}`, `   ${i.outcome}`, '']);
    return {
      to,
      subject: `【典型案件通报】${number} ${b.title} / Notice of typical cases ${number}`,
      text: [
        `${unit.nameZh}${unit.head?.name ? `、${unit.head.name}` : ''}：`,
        '',
        `现将${number}《${b.title}》印发给你们，请认真组织学习，举一反三，引以为戒。`,
        ...(cited ? [`本通报更正${bulletinNumber(cited) ?? ''}。`] : []),
        '',
        ...items,
        '—',
        `Notice ${number}: "${b.title}", ${b.items.length} typical case(s); please study it and check your own work.${cited ? ` It corrects ${bulletinNumber(cited) ?? ''}.` : ''}`,
        '',
        '县纪委监委',
      ].join('\n'),
    };
  }),
];
