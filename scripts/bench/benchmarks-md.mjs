// BENCHMARKS.md is written by more than one benchmark script, each owning sections marked
// <!-- section:<id> --> ... <!-- /section:<id> -->. A script replaces only its own sections, so
// the scripts (and the branches that add them) never overwrite each other's figures.
import fs from 'node:fs';

const HEADER = `# Benchmarks

Written by the benchmark scripts (\`npm run bench\` and the scripts it runs); each section is
replaced only by the script that owns it. Figures are from one run on the machine named in the
section; compare ratios within a run, not absolute numbers across machines.
`;

const open = (id) => `<!-- section:${id} -->`;
const close = (id) => `<!-- /section:${id} -->`;

/** The text of one section (without its markers), or null when the file or section is missing. */
export function readSection(file, id) {
  if (!fs.existsSync(file)) return null;
  const text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf(open(id));
  const b = text.indexOf(close(id));
  return a < 0 || b < a ? null : text.slice(a + open(id).length, b).trim();
}

/**
 * Replaces the content of section <id> in <file> (creating the file, or appending the section at
 * the end when it is not there yet); everything else in the file stays byte for byte.
 */
export function replaceSection(file, id, content) {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : HEADER;
  const block = `${open(id)}\n${content.trim()}\n${close(id)}`;
  const a = text.indexOf(open(id));
  const b = text.indexOf(close(id));
  const next = a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + close(id).length) : `${text.trimEnd()}\n\n${block}\n`;
  fs.writeFileSync(file, next);
}
