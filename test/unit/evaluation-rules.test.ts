import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drawKey, drawPanel, snapshotHash, type Snapshot } from '../../src/evaluation/draw';
import { rankSeries } from '../../src/evaluation/ranking';
import { sanctionFor } from '../../src/evaluation/sanctions';
import { DEFAULT_RULES, handlingScore, panelScore, scoreSeries, type Vote } from '../../src/evaluation/scoring';

const people = (n: number, kind: 'entrepreneur' | 'public', group?: string) => Array.from({ length: n }, (_, i) => ({ id: `${kind[0]}${String(i).padStart(4, '0')}`, kind, group: group ?? null }));
const snapshot: Snapshot = { evaluation: 'e2026', takenAt: '2026-11-01T00:00:00.000Z', quota: { entrepreneur: 100, public: 100 }, people: [...people(300, 'entrepreneur'), ...people(250, 'public', 'citizen'), ...people(40, 'public', 'deputy').map((p) => ({ ...p, id: `d${p.id}` }))] };

describe('the draw', () => {
  it('when drawn twice with the same snapshot and seed, then the panel is the same; with another seed it differs', () => {
    const a = drawPanel(snapshot, '07 12 19 23 31 + 05', { entrepreneur: 100, public: 100 });
    expect(drawPanel(snapshot, '07 12 19 23 31 + 05', { entrepreneur: 100, public: 100 })).toEqual(a);
    const b = drawPanel(snapshot, '03 08 15 22 30 + 11', { entrepreneur: 100, public: 100 });
    expect(b.map((p) => p.id)).not.toEqual(a.map((p) => p.id));
    expect(a.filter((p) => p.kind === 'entrepreneur')).toHaveLength(100);
    expect(a.filter((p) => p.kind === 'public')).toHaveLength(100);
  });
  it('when the order is HMAC-SHA256(seed, id), then the first drawn entrepreneur has the smallest key', () => {
    const seed = 'seed-1';
    const smallest = people(300, 'entrepreneur').map((p) => ({ id: p.id, key: drawKey(seed, p.id) })).sort((x, y) => (x.key < y.key ? -1 : 1))[0]!;
    expect(drawPanel(snapshot, seed, { entrepreneur: 1, public: 0 })).toEqual([{ id: smallest.id, kind: 'entrepreneur', order: 1 }]);
  });
  it('when a sub-quota is set, then at least that many of the group are drawn', () => {
    const panel = drawPanel(snapshot, 'seed-2', { entrepreneur: 10, public: 100, groups: { public: { deputy: 30 } } });
    expect(panel.filter((p) => p.id.startsWith('d'))).toHaveLength(30);
    expect(panel.filter((p) => p.kind === 'public')).toHaveLength(100);
  });
  it('when the README\'s independent Python check reads the same snapshot and seed, then it finds the same hash and panel', () => {
    const dir = mkdtempSync(join(tmpdir(), 'draw-'));
    const file = join(dir, 'snapshot.json');
    const s = { ...snapshot, evaluation: '2026年度双百双评', quota: { entrepreneur: 100, public: 100, groups: { public: { deputy: 30 } } } };
    writeFileSync(file, JSON.stringify(s));
    const seed = '2026-11-20 双色球 03 08 15 22 30 31 + 11';
    const out = execFileSync('python3', [join(__dirname, '../../scripts/verify-draw.py'), file, seed], { encoding: 'utf8' }).trim().split('\n');
    expect(out[0]).toBe(`sha256 ${snapshotHash(s)}`);
    expect(out.slice(1)).toEqual(drawPanel(s, seed, s.quota).map((p) => `${p.kind} ${p.order} ${p.id}`));
  });
  it('when the snapshot lists the same people in another order, then its hash is the same', () => {
    expect(snapshotHash({ ...snapshot, people: [...snapshot.people].reverse() })).toBe(snapshotHash(snapshot));
    expect(snapshotHash({ ...snapshot, people: snapshot.people.slice(1) })).not.toBe(snapshotHash(snapshot));
  });
});

describe('scores', () => {
  const votes = (...r: string[]) => r.map((rating) => ({ rating }) as Vote);
  it('when rated 满意, 基本满意, 不满意 and 不了解, then the panel score is the mean of the three valid votes', () => {
    expect(panelScore(votes('satisfied', 'basically_satisfied', 'dissatisfied', 'unknown'), DEFAULT_RULES)).toEqual({ score: 66.67, valid: 3 });
  });
  it('when the handling record is known, then the score weighs the three rates and takes off the penalties', () => {
    // 100 × (0.3 × 0.9 + 0.4 × 0.8 + 0.3 × 0.5) = 74; minus 2 × 1 level-3 and 1 × 2 returns = 70.
    expect(handlingScore({ cases: 10, responseRate: 0.9, onTimeRate: 0.8, satisfactionRate: 0.5, level3: 1, returnedReports: 2 }, DEFAULT_RULES)).toBe(70);
    expect(handlingScore({ cases: 4, responseRate: 1, onTimeRate: 1, satisfactionRate: 1, level3: 0, returnedReports: 0 }, DEFAULT_RULES)).toBeNull();
  });
  it('when a unit has too few cases or ballots, then it takes the series mean handling score and is flagged, never dropped', () => {
    const rules = { ...DEFAULT_RULES, minBallots: 3 };
    const h = (cases: number, on: number) => ({ cases, responseRate: 1, onTimeRate: on, satisfactionRate: 1, level3: 0, returnedReports: 0 });
    const scored = scoreSeries(
      [
        { unitId: 'A', votes: votes('satisfied', 'satisfied', 'satisfied'), handling: h(10, 1) },
        { unitId: 'B', votes: votes('dissatisfied', 'basically_satisfied', 'satisfied'), handling: h(10, 0.5) },
        { unitId: 'C', votes: votes('satisfied', 'unknown'), handling: h(2, 0) },
      ],
      rules,
    );
    // A: 100 × .7 + 100 × .3 = 100. B: panel 66.67, handling 100 × (.3 + .4 × .5 + .3) = 80 → 46.67 + 24 = 70.67.
    // C: panel 100 (one valid vote), handling = mean(100, 80) = 90 → 70 + 27 = 97.
    expect(scored).toEqual([
      { unitId: 'A', panelScore: 100, validVotes: 3, handlingScore: 100, handlingFromMean: false, total: 100, flags: [] },
      { unitId: 'B', panelScore: 66.67, validVotes: 3, handlingScore: 80, handlingFromMean: false, total: 70.67, flags: [] },
      { unitId: 'C', panelScore: 100, validVotes: 1, handlingScore: 90, handlingFromMean: true, total: 97, flags: ['too_few_ballots', 'too_few_cases'] },
    ]);
  });
});

describe('ranking', () => {
  const u = (unitId: string, total: number, extra: Partial<{ panelScore: number; onTimeRate: number; vetoed: boolean }> = {}) => ({ unitId, total, panelScore: extra.panelScore ?? total, onTimeRate: extra.onTimeRate ?? 0.5, vetoed: extra.vetoed ?? false });
  it('when a series is ranked, then the top 3 are commended and the last criticised', () => {
    const ranked = rankSeries([u('a', 80), u('b', 90), u('c', 70), u('d', 85), u('e', 60)], 's');
    expect(ranked.map((r) => [r.unitId, r.rank, r.outcome])).toEqual([
      ['b', 1, 'commended'],
      ['d', 2, 'commended'],
      ['a', 3, 'commended'],
      ['c', 4, null],
      ['e', 5, 'criticised'],
    ]);
  });
  it('when totals tie, then the panel score decides, then the on-time rate, then the seeded draw', () => {
    const ranked = rankSeries([u('a', 80, { panelScore: 70 }), u('b', 80, { panelScore: 75 }), u('c', 80, { panelScore: 70, onTimeRate: 0.9 })], 's');
    expect(ranked.map((r) => r.unitId)).toEqual(['b', 'c', 'a']);
    const drawn = rankSeries([u('x', 50), u('y', 50)], 'seed-a').map((r) => r.unitId);
    expect(rankSeries([u('y', 50), u('x', 50)], 'seed-a').map((r) => r.unitId)).toEqual(drawn);
  });
  it('when the best unit is vetoed, then it cannot be commended and ranks last, criticised', () => {
    const ranked = rankSeries([u('a', 99, { vetoed: true }), u('b', 90), u('c', 80), u('d', 70), u('e', 60)], 's');
    expect(ranked.map((r) => [r.unitId, r.outcome])).toEqual([
      ['b', 'commended'],
      ['c', 'commended'],
      ['d', 'commended'],
      ['e', null],
      ['a', 'criticised'],
    ]);
  });
});

describe('the sanction ladder', () => {
  const period = { from: 2024, to: 2028 };
  it('when the same unit is last four years running, then written, televised, resignation, resignation (superior told for a vertical unit)', () => {
    const years = [2024, 2025, 2026, 2027];
    expect(years.map((y) => sanctionFor(years, y, period, true))).toEqual([
      { consecutive: 1, sanction: 'written', reportToSuperior: false },
      { consecutive: 2, sanction: 'televised', reportToSuperior: false },
      { consecutive: 3, sanction: 'resignation', reportToSuperior: true },
      { consecutive: 4, sanction: 'resignation', reportToSuperior: true },
    ]);
  });
  it('when last, then not, then last again, then it starts again at the first step', () => {
    expect(sanctionFor([2024, 2026], 2026, period, false)).toEqual({ consecutive: 1, sanction: 'written', reportToSuperior: false });
  });
  it('when the run crosses the start of a rule period, then earlier years do not count', () => {
    expect(sanctionFor([2028, 2029, 2030], 2030, { from: 2029, to: 2033 }, false)).toEqual({ consecutive: 2, sanction: 'televised', reportToSuperior: false });
  });
});
