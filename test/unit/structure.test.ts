import fs from 'node:fs';
import path from 'node:path';

// The structure DESIGN section 6 asks for, checked on the source: feature folders depend one way
// only, the platform depends on no feature, and only cases/ writes the Case model.

const SRC = path.resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The folder a file belongs to: `cases`, `platform/http`...; files at the top of src/ are their own node. */
function nodeOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  if (rel.length === 1) return rel[0]!.replace(/\.ts$/, '');
  return rel[0] === 'platform' && rel.length > 2 ? `platform/${rel[1]}` : rel[0]!;
}

/** Runtime imports only: `import type` (erased at compile time) cannot form a loop at run time. */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^import\s+(?!type\s)[^'";]*?from\s+'(\.[^']+)'/gm), ...text.matchAll(/^export\s+(?!type\s)[^'";]*?from\s+'(\.[^']+)'/gm), ...text.matchAll(/^import\s+'(\.[^']+)'/gm)].map((m) => m[1]!);
  return specs.map((s) => path.resolve(path.dirname(file), s)).map((p) => (fs.existsSync(`${p}.ts`) ? `${p}.ts` : path.join(p, 'index.ts'))).filter((p) => p.startsWith(SRC) && fs.existsSync(p));
}

function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = nodeOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    for (const target of imports(file)) if (nodeOf(target) !== from) edges.add(nodeOf(target));
    graph.set(from, edges);
  }
  return graph;
}

/** Every cycle of the graph's strongly connected components (Tarjan), as lists of nodes. */
export function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const meta = new Map<string, { index: number; low: number; onStack: boolean }>();
  const found: string[][] = [];
  const visit = (v: string) => {
    meta.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!meta.has(w)) {
        visit(w);
        meta.get(v)!.low = Math.min(meta.get(v)!.low, meta.get(w)!.low);
      } else if (meta.get(w)!.onStack) meta.get(v)!.low = Math.min(meta.get(v)!.low, meta.get(w)!.index);
    }
    if (meta.get(v)!.low === meta.get(v)!.index) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        meta.get(w)!.onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!meta.has(v)) visit(v);
  return found;
}

describe('structure', () => {
  const graph = folderGraph();

  it('when folders import each other, then there is no loop between them', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('the cycle finder sees a loop when there is one (so the test above can fail)', () => {
    const g = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cycles(g)).toEqual([['a', 'b', 'c']]);
  });

  it("a feature's messages file (*.i18n.ts) imports nothing at run time", () => {
    const importing = sourceFiles(SRC).filter((f) => f.endsWith('.i18n.ts') && imports(f).length > 0);
    expect(importing.map((f) => path.relative(SRC, f))).toEqual([]);
  });

  it('the platform imports no feature', () => {
    const allowed = (n: string) => n.startsWith('platform') || ['context', 'config', 'clock', 'logger', 'db', 'redis'].includes(n);
    const offending = [...graph.entries()].filter(([from]) => from.startsWith('platform')).flatMap(([from, to]) => [...to].filter((n) => !allowed(n)).map((n) => `${from} -> ${n}`));
    expect(offending).toEqual([]);
  });

  it('no file outside cases/ writes the Case model, and only the lifecycle gate sets a status', () => {
    const writes = /\bCase\s*\.\s*(create|insertMany|updateOne|updateMany|findOneAndUpdate|findByIdAndUpdate|replaceOne|deleteOne|deleteMany|findOneAndDelete|bulkWrite)\s*\(/;
    const outside = sourceFiles(SRC).filter((f) => !f.startsWith(path.join(SRC, 'cases') + path.sep) && writes.test(fs.readFileSync(f, 'utf8')));
    expect(outside.map((f) => path.relative(SRC, f))).toEqual([]);
    const statusSetters = sourceFiles(path.join(SRC, 'cases')).filter((f) => /\$set:\s*\{[^}]*\bstatus:/.test(fs.readFileSync(f, 'utf8')));
    expect(statusSetters.map((f) => path.relative(SRC, f))).toEqual([]);
  });
});
