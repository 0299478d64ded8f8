import fs from 'node:fs';
import path from 'node:path';
import { CASE_STATES, SATISFACTION, SHOWN_CHANNELS } from '../../src/cases/case.states';
import { TIMELINE_ACTIONS } from '../../src/cases/case.timeline';
import { EVALUATION_STATES } from '../../src/evaluation/evaluation.models';
import { PUBLIC_ROLES, REPRESENTATIVE_KINDS } from '../../src/evaluation/representative.model';
import { RATINGS } from '../../src/evaluation/scoring';
import { LANGS, MESSAGES } from '../../src/i18n';
import { ROLES } from '../../src/platform/roles';
import { PRIORITIES } from '../../src/routing/deadline-policy.model';
import { REJECT_REASONS } from '../../src/routing/triage.service';
import { SERIES } from '../../src/units/unit.model';
import { MAILS } from '../../src/registry';
import { filesUnder, flatKeys, foreignText, hardCodedText, keysUsed, lookup, mailLiterals } from '../helpers/i18n-scan';

// zh-CN first, English second: both languages hold the same keys, every key the code asks for,
// and no view shows text of its own. New views, features (src/i18n/features.ts) and source files
// are picked up by walking the folders, so this holds for pages added later too.
const ROOT = path.resolve(__dirname, '../..');
const VIEWS = filesUnder(path.join(ROOT, 'views'), '.ejs');
const SOURCES = filesUnder(path.join(ROOT, 'src'), '.ts').filter((f) => !f.includes(`${path.sep}i18n${path.sep}`) && !f.endsWith('.i18n.ts'));
const rel = (f: string) => path.relative(ROOT, f);

/** Keys built from a variable, and every value the variable can take. */
const VALUE_SETS: Record<string, readonly string[]> = {
  status: CASE_STATES,
  channel: SHOWN_CHANNELS,
  role: ROLES,
  priority: PRIORITIES,
  series: SERIES,
  satisfaction: SATISFACTION,
  'track.event': TIMELINE_ACTIONS,
  'triage.reasons': REJECT_REASONS,
  'evaluation.states': EVALUATION_STATES,
  'evaluation.ratings': RATINGS.filter((r) => r !== 'unknown'),
  'representatives.kinds': REPRESENTATIVE_KINDS,
  'representatives.roles': PUBLIC_ROLES,
};

function missingIn(uses: { file: string; key: string; dynamic: boolean }[]): string[] {
  const missing: string[] = [];
  for (const lang of LANGS) {
    for (const u of uses) {
      const found = lookup(MESSAGES[lang], u.key);
      if (u.dynamic ? found === null || typeof found !== 'object' : typeof found !== 'string') missing.push(`${lang}: ${u.key}${u.dynamic ? '.*' : ''} (${u.file})`);
    }
  }
  return [...new Set(missing)];
}

describe('i18n completeness', () => {
  it('when both languages are flattened (features included), then they hold exactly the same keys', () => {
    const zh = new Set(flatKeys(MESSAGES['zh-CN']));
    const en = new Set(flatKeys(MESSAGES.en));
    expect({ onlyZh: [...zh].filter((k) => !en.has(k)), onlyEn: [...en].filter((k) => !zh.has(k)) }).toEqual({ onlyZh: [], onlyEn: [] });
  });

  it('when no message is empty, then no page shows a blank where a text belongs', () => {
    const empty = LANGS.flatMap((lang) => flatKeys(MESSAGES[lang]).filter((k) => lookup(MESSAGES[lang], k) === '').map((k) => `${lang}: ${k}`));
    expect(empty).toEqual([]);
  });

  it('when views and source files ask t() for a key, then it exists in both languages', () => {
    const uses = [...VIEWS, ...SOURCES].flatMap((f) => keysUsed(fs.readFileSync(f, 'utf8')).map((u) => ({ ...u, file: rel(f) })));
    expect(uses.length).toBeGreaterThan(300);
    expect(missingIn(uses)).toEqual([]);
  });

  it('when a key is built from a known set of values, then every value has its text in both languages', () => {
    const uses = Object.entries(VALUE_SETS).flatMap(([prefix, values]) => values.map((v) => ({ key: `${prefix}.${v}`, dynamic: false, file: 'value set' })));
    expect(missingIn(uses)).toEqual([]);
  });

  it('when a mail kind is registered, then its subject and body exist in both languages', () => {
    expect(MAILS.length).toBeGreaterThan(20);
    const uses = MAILS.flatMap((m) => ['subject', 'body'].map((part) => ({ key: `mails.${m.kind}.${part}`, dynamic: false, file: 'src/registry.ts MAILS' })));
    expect(missingIn(uses)).toEqual([]);
  });

  it('when a source file writes mails, then it has no Chinese or English sentence of its own', () => {
    const mailFiles = SOURCES.filter((f) => f.endsWith(`${path.sep}mails.ts`) || fs.readFileSync(f, 'utf8').includes('defineMail('));
    expect(mailFiles.length).toBeGreaterThanOrEqual(9);
    const found = mailFiles.flatMap((f) => mailLiterals(fs.readFileSync(f, 'utf8')).map((text) => `${rel(f)}: ${text}`));
    expect(found).toEqual([]);
  });

  it('when a view is read outside <% %>, then it shows no Chinese or English text of its own', () => {
    const found = VIEWS.flatMap((f) => hardCodedText(fs.readFileSync(f, 'utf8')).map((h) => `${rel(f)}:${h.line} ${h.text}`));
    expect(found).toEqual([]);
  });
});

// The checks above are only as good as the scanner: planted faults it must catch.
describe('i18n scanner', () => {
  it('when a view hard-codes a word or Chinese, then it is found, in text and in visible attributes', () => {
    const view = ['<h1><%= t(\'a.b\') %></h1>', '<p>Submit</p>', '<p>提交</p>', '<input placeholder="Name">', '<button value="<%= x %>" title="<%= t(\'c\') %>">OK</button>', '<input type="submit" value="Send">'].join('\n');
    expect(hardCodedText(view)).toEqual([
      { line: 2, text: 'Submit' },
      { line: 3, text: '提交' },
      { line: 4, text: 'placeholder="Name"' },
      { line: 6, text: 'value="Send"' },
    ]);
  });

  it('when Chinese is a string literal inside <% %>, then it is found too', () => {
    expect(hardCodedText("<p><%= t('a', { defaultValue: '姓名' }) %></p>")).toEqual([{ line: 1, text: "'姓名'" }]);
  });

  it('when text is inside <% %>, a script, a style, a comment or is a format token, then it is not reported', () => {
    const view = '<%# a comment Submit %><% if (x) { %><script>var label = "Submit";</script><style>a { color: red }</style><!-- note --><p>PDF · CSV &nbsp; 2026</p><input type="hidden" value="abc"><% } %>';
    expect(hardCodedText(view)).toEqual([]);
    expect(foreignText('XLSX / API')).toBeNull();
  });

  it('when code asks for keys, then static keys and the prefixes of built keys are read', () => {
    expect(keysUsed("t('a.b') req.t(\"c.d\", { n }) t('status.' + s) t(`event.${x}`) t(key)")).toEqual([
      { key: 'a.b', dynamic: false },
      { key: 'c.d', dynamic: false },
      { key: 'status', dynamic: true },
      { key: 'event', dynamic: true },
    ]);
  });

  it('when a mail file writes a sentence or Chinese in a literal, then it is found; comments, keys and data are not', () => {
    const source = [
      "// We tell the unit in writing.",
      "/* 不得写入投诉人 */",
      "const a = `【催办】${c.number}`;",
      "const b = 'Case is overdue now';",
      "const c = mailText('urged', { url: `${base}/unit/cases/${id}` }, { label: 'unitCase' });",
      "const d = `${k + 1}. ${i.unitName}`;",
      'const e = "请立即办理";',
    ].join('\n');
    expect(mailLiterals(source)).toEqual(['【催办】', 'Case is overdue now', '请立即办理']);
  });

  it('when a key is missing in one language, then it is reported for that language', () => {
    expect(lookup({ a: { b: 'x' } }, 'a.b')).toBe('x');
    expect(lookup({ a: { b: 'x' } }, 'a.c')).toBeUndefined();
    expect(flatKeys({ a: { b: 'x', c: { d: 'y' } } })).toEqual(['a.b', 'a.c.d']);
  });
});
