// The overview at the top of BENCHMARKS.md: one row per goal of issue 14, read from the goal's own
// section, so whichever script rewrote a section, the table follows it. A section states each of
// its measured goals on a line of the form "label: **figure** ... goal ...: **met**" (or
// "**not met**"; the last bold before the verdict is the figure); a goal is met when every such
// line of its section says met.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readSection } from './benchmarks-md.mjs';

export const GOALS = [
  [1, 'Intake: commands per complaint, throughput vs bare insert, p99 at 10/s'],
  [2, 'Reads: a case by id vs findOne, public form vs bare render'],
  [3, 'Hot paths independent of closed cases (10k, 100k, 1M)'],
  [4, 'Embedded server: SQLite vs PostgreSQL'],
  [5, 'Queue hand-off: p99, worker vs no-op worker'],
  [6, 'Memory: RSS flat under intake'],
  [7, 'Scale-out: 500 complaints through 2 web + 2 worker processes'],
];

/** The goal lines of a section: [{ label, figure, met }]. */
export function goalLines(text) {
  const out = [];
  for (const line of (text ?? '').split('\n')) {
    const status = [...line.matchAll(/\*\*(met|not met)\*\*/gi)].pop();
    if (!status) continue;
    // The figure the goal is judged on is the last one in bold before the verdict (e.g. "p50 **a**, p99 **b**").
    const figure = [...line.matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]).filter((b) => !/^(not )?met$/i.test(b)).pop();
    const label = line.slice(0, line.indexOf('**')).replace(/^[-*\s]+/, '').split(/[:(]/)[0].trim();
    out.push({ label, figure: figure ?? null, met: status[1].toLowerCase() === 'met' });
  }
  return out;
}

/** The overview table (markdown) from the goal sections of <file>. */
export function overviewText(file) {
  const lines = ['## Overview (issue 14)', '', 'Read from the sections below (each written by the script that measures it); a goal is met when every figure of its section is.', '', '| goal | figures | met |', '| --- | --- | --- |'];
  for (const [id, name] of GOALS) {
    const found = goalLines(readSection(file, `goal-${id}`));
    const figures = found.map((g) => `${g.label}: ${g.figure ?? '—'}${g.met ? '' : ' (not met)'}`).join('; ');
    const met = !found.length ? 'not measured' : found.every((g) => g.met) ? '**met**' : '**not met**';
    lines.push(`| ${id}. ${name} | ${figures || '—'} | ${met} |`);
  }
  return lines.join('\n');
}

/** Writes (or moves into place, before the first section) the sections <ids> at the top of <file>. */
export function writeTopSection(file, id, content) {
  const text = fs.readFileSync(file, 'utf8');
  const block = `<!-- section:${id} -->\n${content.trim()}\n<!-- /section:${id} -->`;
  const a = text.indexOf(`<!-- section:${id} -->`);
  const b = text.indexOf(`<!-- /section:${id} -->`);
  if (a >= 0 && b > a) return fs.writeFileSync(file, text.slice(0, a) + block + text.slice(b + `<!-- /section:${id} -->`.length));
  const first = text.indexOf('<!-- section:');
  const at = first < 0 ? text.length : first;
  fs.writeFileSync(file, `${text.slice(0, at).trimEnd()}\n\n${block}\n\n${text.slice(at)}`);
}

export const writeOverview = (file) => writeTopSection(file, 'overview', overviewText(file));

// `node scripts/bench/overview.mjs [BENCHMARKS.md]` rewrites the overview alone.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
  writeOverview(file);
  console.log(overviewText(file));
}
