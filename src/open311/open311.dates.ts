import { tzOffsetMs } from '../calendar/working-days';

// GeoReport v2 dates are the W3C profile of ISO 8601, and the time zone is mandatory
// (http://www.w3.org/TR/NOTE-datetime). We answer in the county's local time with its offset,
// e.g. 2026-03-02T10:00:00+08:00, so a hotline operator reads the same clock as our staff.

/** `YYYY-MM-DDThh:mm:ss±hh:mm` in the given zone (the offset is computed, so DST zones work too). */
export function w3cDateTime(at: Date, timeZone: string): string {
  const offsetMinutes = Math.round(tzOffsetMs(at.getTime(), timeZone) / 60000);
  // The wall clock in the zone, read through UTC fields of the shifted instant.
  const wall = new Date(Math.floor(at.getTime() / 1000) * 1000 + offsetMinutes * 60000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const W3C_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Parses a W3C date-time with its time zone; null when malformed or not a real instant
 * (Date.parse alone would roll 2026-02-30 over into March). A '+' that arrives as a space is
 * taken back: clients often forget to percent-encode the offset in a query string.
 */
export function parseW3cDateTime(raw: string): Date | null {
  const m = W3C_DATETIME.exec(raw.trim().replace(/ (\d{2}:\d{2})$/, '+$1'));
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = Number(m[6] ?? '0');
  const millis = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 14 || om > 59) return null;
    offsetMinutes = (m[8]!.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60000);
}
