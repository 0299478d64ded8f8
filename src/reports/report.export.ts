import { toCsv, toXlsx, type Cell, type Sheet } from '../platform/tabular';
import type { ReportFigures } from './report.service';

// The report as files: one XLSX sheet per section under a plain name, the same sections as CSV.
// Dates are Excel dates, counts numbers and rates fractions formatted as percentages (an empty
// cell where nothing was due), never text.

export const SECTIONS = ['summary', 'channels', 'categories', 'series', 'units', 'campaigns', 'evaluation'] as const;
export type Section = (typeof SECTIONS)[number];
const SHEET_NAMES: Record<Section, string> = { summary: 'Summary', channels: 'Channels', categories: 'Categories', series: 'Series', units: 'Units', campaigns: 'Campaigns', evaluation: 'Evaluation' };

type Column = { zh: string; en: string; date?: boolean; rate?: boolean; width?: number };
const day = (iso: string): Date => new Date(`${iso.slice(0, 10)}T00:00:00Z`);

function section(f: ReportFigures, s: Section): { columns: Column[]; rows: Cell[][] } {
  const t = f.totals;
  switch (s) {
    case 'summary':
      return {
        columns: [{ zh: '项目', en: 'Item', width: 36 }, { zh: '数值', en: 'Value' }, { zh: '日期', en: 'Date', date: true }],
        rows: [
          ['起始日期 / From', null, day(f.period.from)],
          ['截止日期 / To', null, day(f.period.to)],
          ['生成日期 / Generated', null, day(f.generatedAt)],
          ['受理案件 / Cases submitted', t.submitted, null],
          ['单位收到交办 / Assignments received', t.received, null],
          ['办结 / Resolved', t.resolved, null],
          ['按期办结 / Resolved on time', t.resolvedOnTime, null],
          ['期内到期未办结 / Came due unresolved', t.overdueDueInPeriod, null],
          ['当前逾期 / Overdue now', t.overdueNow, null],
          ['一级 催办 / Level 1', t.escalations.level1, null],
          ['二级 督办 / Level 2', t.escalations.level2, null],
          ['三级 通报 / Level 3', t.escalations.level3, null],
          ['批准延期 / Extensions approved', t.extensionsApproved, null],
          ['退回重办 / Reports returned', t.returnedReports, null],
        ],
      };
    case 'channels':
      return { columns: [{ zh: '渠道', en: 'Channel' }, { zh: '案件数', en: 'Cases' }], rows: f.byChannel.map((r) => [r.channel, r.cases]) };
    case 'categories':
      return { columns: [{ zh: '代码', en: 'Code' }, { zh: '类别', en: 'Category', width: 24 }, { zh: '案件数', en: 'Cases' }], rows: f.byCategory.map((r) => [r.code, r.nameZh, r.cases]) };
    case 'series':
      return { columns: [{ zh: '系列', en: 'Series', width: 26 }, { zh: '受理案件', en: 'Cases submitted' }, { zh: '单位收到交办', en: 'Assignments received' }], rows: f.bySeries.map((r) => [r.series, r.cases, r.received]) };
    case 'units':
      return {
        columns: [
          { zh: '单位代码', en: 'Unit code' }, { zh: '单位', en: 'Unit', width: 24 }, { zh: '系列', en: 'Series', width: 22 },
          { zh: '收到交办', en: 'Received' }, { zh: '办结', en: 'Resolved' }, { zh: '按期办结', en: 'Resolved on time' },
          { zh: '响应率', en: 'Response rate', rate: true }, { zh: '按期办结率', en: 'On-time resolution rate', rate: true }, { zh: '满意率', en: 'Satisfaction rate', rate: true },
          { zh: '期内到期未办结', en: 'Came due unresolved' }, { zh: '当前逾期', en: 'Overdue now' },
          { zh: '一级 催办', en: 'Level 1' }, { zh: '二级 督办', en: 'Level 2' }, { zh: '三级 通报', en: 'Level 3' },
          { zh: '批准延期', en: 'Extensions approved' }, { zh: '退回重办', en: 'Reports returned' },
        ],
        rows: f.units.map((u) => [u.code, u.nameZh, u.series, u.received, u.resolved, u.resolvedOnTime, u.responseRate.value, u.resolutionRate.value, u.satisfactionRate.value, u.overdueDueInPeriod, u.overdueNow, u.escalations.level1, u.escalations.level2, u.escalations.level3, u.extensionsApproved, u.returnedReports]),
      };
    case 'campaigns':
      return {
        columns: [{ zh: '活动', en: 'Campaign', width: 28 }, { zh: '开始', en: 'Start', date: true }, { zh: '结束', en: 'End', date: true }, { zh: '发出', en: 'Handed out' }, { zh: '收回', en: 'Returned' }, { zh: '回收率', en: 'Return rate', rate: true }, { zh: '意见', en: 'Opinions' }, { zh: '办结', en: 'Resolved' }],
        rows: f.campaigns.map((c) => [c.title, day(c.startDate), day(c.endDate), c.distributed, c.returned, c.returnRate === null ? null : c.returnRate / 100, c.opinions, c.resolved]),
      };
    case 'evaluation':
      return {
        columns: [{ zh: '年度', en: 'Year' }, { zh: '系列', en: 'Series', width: 22 }, { zh: '单位代码', en: 'Unit code' }, { zh: '单位', en: 'Unit', width: 24 }, { zh: '名次', en: 'Rank' }, { zh: '总分', en: 'Total' }, { zh: '结果', en: 'Outcome' }, { zh: '处理', en: 'Sanction' }],
        rows: f.evaluations.flatMap((e) => e.rows.map((r) => [e.year, r.series, r.unitCode, r.nameZh, r.rank, r.total, r.outcome, r.sanction])),
      };
  }
}

const header = (c: Column) => `${c.zh} / ${c.en}`;

export async function reportXlsx(f: ReportFigures, created: Date): Promise<Buffer> {
  const sheets: Sheet[] = SECTIONS.map((s) => {
    const { columns, rows } = section(f, s);
    return { name: SHEET_NAMES[s], columns: columns.map((c) => ({ header: header(c), width: c.width, date: c.date, numFmt: c.rate ? '0.0%' : undefined })), rows };
  });
  return toXlsx(sheets, created);
}

export function reportCsv(f: ReportFigures, s: Section): string {
  const { columns, rows } = section(f, s);
  return toCsv(columns.map(header), rows);
}
