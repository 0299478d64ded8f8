import { nextSequence } from './counter.model';

/** The calendar year in the county's time zone (a case filed 31 Dec 23:30 UTC is next year). */
export function countyYear(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(at));
}

export function formatCaseNumber(year: number, seq: number): string {
  return `${year}-${String(seq).padStart(6, '0')}`;
}

export async function nextCaseNumber(at: Date, timeZone: string): Promise<string> {
  const year = countyYear(at, timeZone);
  return formatCaseNumber(year, await nextSequence(`case-${year}`));
}
