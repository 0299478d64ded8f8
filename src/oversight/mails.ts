import { defineMail } from '../platform/mail/mail.kinds';
import { mailLink, mailText, unitGreeting, unitName } from '../i18n/mail-text';
import { findUnit } from '../units/unit.service';
import { RankingNotice, rankingNumber } from './oversight.models';
import type { SeriesRanking } from './ranking.service';

/** The published monthly ranking, to each unit's addresses: the unit's own place and the link to the notice. */
export const rankingPublishedMail = defineMail('ranking-published', async (n, { baseUrl }) => {
  const notice = (await RankingNotice.findById(n.data.noticeId).lean()) as { _id: unknown; year: number; seq: number; month: string; series: SeriesRanking[] } | null;
  const unit = n.unitId ? await findUnit(n.unitId) : null;
  if (!notice || !unit) return null;
  const row = notice.series.flatMap((s) => s.ranking.map((r) => ({ ...r, total: s.ranking.filter((x) => x.rank !== null).length }))).find((r) => r.unitId === String(unit._id));
  const number = rankingNumber(notice);
  const context = !row ? 'none' : row.tooFewCases ? 'few' : undefined;
  const text = mailText('ranking-published', (t, lang) => ({
    number,
    month: notice.month,
    unit: unitName(unit, lang),
    greeting: unitGreeting(t, lang, unit),
    place: t('mails.ranking-published.place', { context, rank: row?.rank, total: row?.total, cases: row?.cases }),
    url: mailLink(baseUrl, `/rankings/${String(notice._id)}`),
  }));
  return { to: unit.emails, ...text };
});

export const oversightMails = [rankingPublishedMail];
