import ExcelJS from 'exceljs';

export type Cell = string | number | Date | null | undefined;

/**
 * One CSV cell: numbers as they are, dates as YYYY-MM-DD, text quoted when it holds separators or
 * quotes; text a spreadsheet would run as a formula (also after blanks, or in full-width forms) is
 * kept as text with a leading apostrophe.
 */
export function csvCell(v: Cell): string {
  if (typeof v === 'number') return String(v);
  const s = v instanceof Date ? v.toISOString().slice(0, 10) : v === null || v === undefined ? '' : String(v);
  const formula = /^\s*[=+\-@＝＋－＠]/.test(s);
  return /[",\n\r]/.test(s) || formula || /^\s/.test(s) ? `"${(formula ? `'${s}` : s).replace(/"/g, '""')}"` : s;
}

/** A CSV file (UTF-8 with BOM, so Excel opens the Chinese correctly; CRLF lines). */
export function toCsv(header: readonly string[], rows: readonly Cell[][]): string {
  return `\uFEFF${[header.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\r\n')}\r\n`;
}

export interface Sheet {
  name: string;
  columns: { header: string; width?: number; date?: boolean; /** An Excel number format, e.g. '0.0%' for a rate kept as a fraction. */ numFmt?: string }[];
  rows: Cell[][];
}

/** An XLSX workbook (exceljs): dates as dates, numbers as numbers, the header bold and frozen. */
export async function toXlsx(sheets: readonly Sheet[], created: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.created = created;
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name.slice(0, 31));
    ws.columns = s.columns.map((c, i) => ({ header: c.header, key: `c${i}`, width: c.width ?? 14 }));
    for (const r of s.rows) ws.addRow(r.map((v) => (v === undefined ? null : v)));
    s.columns.forEach((c, i) => {
      if (c.date) ws.getColumn(i + 1).numFmt = 'yyyy-mm-dd';
      else if (c.numFmt) ws.getColumn(i + 1).numFmt = c.numFmt;
    });
    ws.getRow(1).font = { bold: true };
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
