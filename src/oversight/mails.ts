import { defineMail } from '../platform/mail/mail.kinds';
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
  const place = !row ? '本月未列入排名' : row.tooFewCases ? `本月受理不足规定件数，不参与排名（件数：${row.cases}）` : `本月在本系列排名第 ${row.rank} 位（共 ${row.total} 个单位参与排名）`;
  const placeEn = !row ? 'not in this month’s ranking' : row.tooFewCases ? `too few cases to be ranked this month (${row.cases})` : `ranked ${row.rank} of ${row.total} in its series this month`;
  const text = [
    `三率排名通报 ${number}`,
    '',
    `${unit.nameZh}：`,
    '',
    `${notice.month} 月度响应率、按期办结率、满意率排名已公布，你单位${place}。`,
    `请登录平台查看通报全文：${baseUrl.replace(/\/$/, '')}/rankings/${String(notice._id)}`,
    '',
    '县纪委监委',
    '—',
    `Monthly three-rate ranking ${notice.month} (${number}) published: ${unit.nameEn} is ${placeEn}.`,
  ].join('\n');
  return { to: unit.emails, subject: `【三率排名通报】${number} ${notice.month} / Monthly ranking ${notice.month}`, text };
});

export const oversightMails = [rankingPublishedMail];
