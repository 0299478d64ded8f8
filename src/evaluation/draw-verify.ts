import { readFileSync } from 'node:fs';
import { DRAW_ALGORITHM, drawPanel, snapshotHash, type Snapshot } from './draw';

/**
 * `npm run draw:verify -- <snapshot.json> <seed>`: recomputes a draw from the published snapshot
 * and the seed fixed at the draw meeting, with the code the system draws with; prints the
 * snapshot's SHA-256 (to compare with the one published before the draw) and the panel.
 * Returns the exit code and what to print.
 */
export function drawVerify(argv: string[]): { code: number; stdout: string; stderr: string } {
  const fail = (stderr: string) => ({ code: 2, stdout: '', stderr });
  const [file, ...seedParts] = argv;
  const seed = seedParts.join(' ');
  if (!file || !seed.trim()) return fail('usage: npm run draw:verify -- <snapshot.json> <seed>\n       (quote a seed with spaces: "2026-11-20 03 08 15 22 30 31 + 11")\n');
  let snapshot: Snapshot;
  try {
    snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  } catch (err) {
    return fail(`cannot read ${file}: ${(err as Error).message}\n`);
  }
  if (!Array.isArray(snapshot?.people) || !snapshot.quota) return fail(`${file} is not a draw snapshot (no people or quota)\n`);
  const panel = drawPanel(snapshot, seed, snapshot.quota);
  const lines = [
    `snapshot   ${file}`,
    `sha256     ${snapshotHash(snapshot)}`,
    `seed       ${seed}`,
    `people     ${snapshot.people.length}`,
    `algorithm  ${DRAW_ALGORITHM}`,
    `panel      ${panel.filter((p) => p.kind === 'entrepreneur').length} entrepreneur + ${panel.filter((p) => p.kind === 'public').length} public`,
    '',
    ...panel.map((p) => `${p.kind.padEnd(12)} ${String(p.order).padStart(3)}  ${p.id}`),
  ];
  return { code: 0, stdout: lines.join('\n') + '\n', stderr: '' };
}
