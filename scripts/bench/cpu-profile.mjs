// Summarizes a V8 .cpuprofile (node --cpu-prof): self time by function and by where the code
// lives (our src/<feature>, a node_modules package, node internals), highest first.
import fs from 'node:fs';
import path from 'node:path';

function place(url) {
  if (!url) return '(native / idle / gc)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  const m = url.match(/dist\/(src\/[^/]+|workers)/);
  return m ? m[1] : path.basename(url);
}

/** { totalMs, functions: [{ name, ms, pct }], places: [{ name, ms, pct }] } for the top n of each. */
export function summarizeProfile(file, n = 8) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((node) => [node.id, node]));
  const self = new Map();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const fn = new Map();
  const where = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const { callFrame: cf } = byId.get(id);
    if (cf.functionName === '(idle)' || cf.functionName === '(program)') continue;
    total += us;
    const name = `${cf.functionName || '(anonymous)'} ${cf.url ? `${place(cf.url)}:${path.basename(cf.url)}:${cf.lineNumber + 1}` : ''}`.trim();
    fn.set(name, (fn.get(name) ?? 0) + us);
    const p = place(cf.url);
    where.set(p, (where.get(p) ?? 0) + us);
  }
  const top = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: total ? Math.round((100 * us) / total) : 0 }));
  return { totalMs: Math.round(total / 1000), functions: top(fn), places: top(where) };
}

/** The newest .cpuprofile in dir, or null. */
export function newestProfile(dir) {
  if (!fs.existsSync(dir)) return null;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) return null;
  return files.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

export function profileMarkdown(title, s) {
  const rows = (list) => list.map((r) => `| ${r.name.replace(/\|/g, '\\|')} | ${r.ms} | ${r.pct}% |`).join('\n');
  return [
    `**${title}** (${s.totalMs} ms of CPU sampled, idle excluded)`,
    '',
    '| where | self ms | share |',
    '| --- | --- | --- |',
    rows(s.places),
    '',
    '| top functions (self time) | self ms | share |',
    '| --- | --- | --- |',
    rows(s.functions),
  ].join('\n');
}
