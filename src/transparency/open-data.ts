import type { Channel } from '../cases/case.states';
import { toCsv, type Cell } from '../platform/tabular';

// The open-data file of anonymised cases (README "Public page and open data"): one row per case,
// no text written by the filer, no place, no filer, no exact channel. Pure functions; the refresh
// job builds the files once and the web serves them as stored.

export const LICENCE = { name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' } as const;

/** The columns, in order; the README documents each. */
export const OPEN_DATA_COLUMNS = [
  'case_number',
  'category_code',
  'category',
  'unit_code',
  'unit',
  'series',
  'channel_group',
  'submitted_date',
  'resolved_date',
  'status',
  'on_time',
  'satisfaction',
] as const;
export type OpenDataColumn = (typeof OPEN_DATA_COLUMNS)[number];

export const CHANNEL_GROUPS = ['online', 'commission'] as const;
export type ChannelGroup = (typeof CHANNEL_GROUPS)[number];

/**
 * Two groups only. Units know their cases' numbers and are never told that a special supervisor
 * (few, each with an area) or a letter campaign brought a case (case.visibility.ts): a public row
 * saying "supervisor" next to the number would tell them. So everything that came in through the
 * commission (phone, visit, letter, supervisor, campaign) is one group, and filings over the
 * internet (form, Open311, API) the other.
 */
export function channelGroup(channel: Channel): ChannelGroup {
  return channel === 'web' || channel === 'open311' || channel === 'api' ? 'online' : 'commission';
}

export interface OpenDataRow {
  case_number: string;
  category_code: string;
  category: string | null;
  unit_code: string | null;
  unit: string | null;
  series: string | null;
  channel_group: ChannelGroup;
  submitted_date: string;
  resolved_date: string | null;
  status: string;
  on_time: boolean | null;
  satisfaction: string | null;
}

const cell = (v: OpenDataRow[OpenDataColumn]): Cell => (typeof v === 'boolean' ? String(v) : v);

/** The CSV: the header row is exactly OPEN_DATA_COLUMNS (the licence goes in a Link header and the README). */
export function openDataCsv(rows: readonly OpenDataRow[]): string {
  return toCsv(OPEN_DATA_COLUMNS, rows.map((r) => OPEN_DATA_COLUMNS.map((c) => cell(r[c]))));
}

/** The JSON: the licence, the period, when it was built, the columns and the rows. */
export function openDataJson(rows: readonly OpenDataRow[], meta: { year: number | null; generatedAt: Date }): string {
  return JSON.stringify({ licence: LICENCE, year: meta.year, generatedAt: meta.generatedAt.toISOString(), columns: OPEN_DATA_COLUMNS, cases: rows });
}
