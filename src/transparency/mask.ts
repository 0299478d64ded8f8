// What the public page shows of a filer's or a unit's text: the commission decides a description
// may be published, but the text may still name third parties' phones, emails or ID numbers (and
// the filer may have written their own). These are masked on the way out; names cannot be found
// reliably by pattern, so the filer's own known name, phone and email are masked as literal terms.

export const MASK = '***';

// Half-width and full-width digits (a Chinese keyboard types either).
const D = '[0-9０-９]';
const SEP = '[-\\s－‐.．]?';

const PATTERNS: readonly RegExp[] = [
  // Email addresses (also with a full-width ＠).
  /[A-Za-z0-9._%+-]+\s*[@＠]\s*[A-Za-z0-9-]+(?:\s*[.．]\s*[A-Za-z0-9-]+)+/g,
  // Resident ID numbers: 18 characters (the last may be X) or the old 15 digits.
  new RegExp(`(?<![0-9０-９])${D}{17}[0-9０-９Xx](?![0-9０-９])|(?<![0-9０-９])${D}{15}(?![0-9０-９])`, 'g'),
  // Mobile numbers, with an optional +86 and 3-4-4 separators.
  new RegExp(`(?:\\+?86${SEP})?(?<![0-9０-９])[1１][3-9３-９]${D}${SEP}${D}{4}${SEP}${D}{4}(?![0-9０-９])`, 'g'),
  // Landlines with an area code: 0571-88886666, (0571) 8888 6666.
  new RegExp(`[（(]?(?<![0-9０-９])[0０]${D}{2,3}[）)]?${SEP}${D}{3,4}${SEP}${D}{4}(?![0-9０-９])`, 'g'),
  // Any other run of 7 or more digits (a local number, a bank card, a licence plate's owner number).
  new RegExp(`(?<![0-9０-９])${D}{7,}(?![0-9０-９])`, 'g'),
];

const BETWEEN = '[\\s\u3000·・.．\\-－_]*';

/**
 * A text reduced for comparing with a known term: full-width forms folded (NFKC: １３９ → 139,
 * ＠ → @, Ｌｉ → li), lower case, and spaces, dots, dashes, middle dots and brackets removed.
 */
export function foldForMatch(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s.\-–—_·・•()（）+]/g, '');
}

function escape(term: string): string {
  return term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The text with phone numbers, email addresses, ID numbers and long digit runs masked, and every
 * given term (the filer's own name, phone, email) masked wherever it appears, case-insensitively.
 * Terms shorter than 2 characters are ignored (a one-character name would mask half the text).
 */
export function maskPersonalData(text: string, terms: readonly (string | null | undefined)[] = [], mask = MASK): string {
  let out = text;
  const literal = [...new Set(terms.map((t) => (t ?? '').trim()).filter((t) => t.length >= 2))].sort((a, b) => b.length - a.length);
  // Each term also with spaces, dots or dashes between its characters (王 小明, 139.0000.1111).
  if (literal.length) out = out.replace(new RegExp(literal.map((t) => [...t.replace(/\s+/g, '')].map(escape).join(BETWEEN)).join('|'), 'gi'), mask);
  for (const p of PATTERNS) out = out.replace(p, mask);
  return out;
}
