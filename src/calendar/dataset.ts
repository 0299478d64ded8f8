import dataset from 'chinese-days/dist/chinese-days.json';
import { version } from 'chinese-days/package.json';

// The maintained dataset of the State Council's holiday arrangements (npm `chinese-days`,
// matching our shipped 2024-2026 data day for day): offered to the administrator as a one-click
// import of a new year, shown beside the notice's text for confirmation, never applied silently.

export const DATASET = `chinese-days ${version}`;

const data = dataset as { holidays: Record<string, string>; workdays: Record<string, string> };

/** The years the dataset carries. */
export function datasetYears(): number[] {
  return [...new Set(Object.keys(data.holidays).map((d) => Number(d.slice(0, 4))))].sort((a, b) => a - b);
}

/** One year of the dataset: days off (with the festival's name) and make-up working days. */
export function datasetYear(year: number): { holidays: { date: string; name: string }[]; workdays: string[] } | null {
  const prefix = `${year}-`;
  const holidays = Object.entries(data.holidays)
    .filter(([d]) => d.startsWith(prefix))
    .map(([date, info]) => ({ date, name: info.split(',')[1] ?? info }))
    .sort((a, b) => a.date.localeCompare(b.date));
  if (!holidays.length) return null;
  const workdays = Object.keys(data.workdays).filter((d) => d.startsWith(prefix)).sort();
  return { holidays, workdays };
}
