import mongoose, { Types } from 'mongoose';
import request from 'supertest';
import { Ballot, Evaluation, OutcomeDocument } from '../../../src/evaluation/evaluation.models';
import { Representative } from '../../../src/evaluation/representative.model';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drawPanel } from '../../../src/evaluation/draw';
import { drawVerify } from '../../../src/evaluation/draw-verify';
import { getEvaluation } from '../../../src/evaluation/evaluation.service';
import { writeResults } from '../../../src/evaluation/results.service';
import { useTestApp } from '../../helpers/app';
import { unitByCode } from '../../helpers/builders';
import { apiAs } from '../../helpers/cases';

const t = useTestApp();
jest.setTimeout(120000);

type Api = Awaited<ReturnType<typeof apiAs>>;

async function givenRepresentatives(entrepreneurs: number, publics: number, unitId?: Types.ObjectId) {
  const docs = [
    ...Array.from({ length: entrepreneurs }, (_, i) => ({ kind: 'entrepreneur', name: `企业家${i}`, organization: `公司${i}`, sector: '制造业', email: `e${i}@firm.example`, phone: null, unitId: null })),
    ...Array.from({ length: publics }, (_, i) => ({ kind: 'public', name: `群众代表${i}`, organization: null, publicRole: i % 4 === 0 ? 'deputy' : 'citizen', email: null, phone: `1380000${String(i).padStart(4, '0')}`, unitId: i === 0 ? (unitId ?? null) : null })),
  ];
  await Representative.insertMany(docs);
}

/** Every ballot issued votes: each member rates each unit by the unit's position in its series (earlier = better). */
async function voteAll(issued: { code: string }[], staff: Api, id: string, rate: (seriesIndex: number, unitIndex: number, member: number) => string) {
  const e = (await staff.get(`/evaluations/${id}`).expect(200)).body;
  void e;
  for (const [m, b] of issued.entries()) {
    const view = (await request(t.app).get(`/api/v1/ballots/${b.code}`).expect(200)).body;
    const ratings = view.series.flatMap((s: { units: { unitId: string }[] }, si: number) => s.units.map((u, ui) => ({ unitId: u.unitId, rating: rate(si, ui, m) })));
    await request(t.app).put(`/api/v1/ballots/${b.code}`).send({ ratings }).expect(200);
  }
}

async function runEvaluation(staff: Api, year: number, quota: { entrepreneur: number; public: number }, rate: (si: number, ui: number, m: number) => string) {
  const { id } = (await staff.post('/evaluations', { year, name: `${year}年度双百双评`, rules: { quota, minBallots: 1 } }).expect(201)).body;
  await staff.post(`/evaluations/${id}/draw`, { seed: `${year}-lottery-07-12-19` }).expect(200);
  const issued = (await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body;
  await voteAll(issued, staff, id, rate);
  await staff.post(`/evaluations/${id}/close`).expect(200);
  await staff.post(`/evaluations/${id}/publish`).expect(200);
  return (await staff.get(`/evaluations/${id}/results`).expect(200)).body;
}

describe('the two-hundred evaluation', () => {
  it('when the commission draws 100 + 100 with a seed, then the panel is reproducible from the snapshot, and another seed draws another panel', async () => {
    await givenRepresentatives(150, 130);
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '2026年度双百双评' }).expect(201)).body;
    const snap = (await staff.post(`/evaluations/${id}/snapshot`).expect(200)).body;
    expect(snap.people).toBe(280);
    const drawn = (await staff.post(`/evaluations/${id}/draw`, { seed: '2026-11-20 双色球 03 08 15 22 30 31 + 11' }).expect(200)).body;
    expect(drawn.snapshotHash).toBe(snap.snapshotHash);
    expect(drawn.panel.filter((p: { kind: string }) => p.kind === 'entrepreneur')).toHaveLength(100);
    expect(drawn.panel.filter((p: { kind: string }) => p.kind === 'public')).toHaveLength(100);
    const file = (await staff.get(`/evaluations/${id}/snapshot`).expect(200)).body;
    expect(JSON.stringify(file)).not.toMatch(/@firm\.example|1380000/);
    const verified = (await request(t.app).post('/api/v1/draw/verify').send({ snapshot: file, seed: '2026-11-20 双色球 03 08 15 22 30 31 + 11' }).expect(200)).body;
    expect(verified).toEqual({ snapshotHash: drawn.snapshotHash, panel: drawn.panel });
    // The file anyone downloads, checked the way the README says (npm run draw:verify).
    const published = await request(t.app).get(`/public/evaluations/${id}/snapshot.json`).expect(200);
    expect(published.text).not.toMatch(/@firm\.example|1380000|企业家|群众代表/);
    const path = join(mkdtempSync(join(tmpdir(), 'draw-')), 'snapshot.json');
    writeFileSync(path, published.text);
    const cli = drawVerify([path, '2026-11-20', '双色球', '03', '08', '15', '22', '30', '31', '+', '11']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`sha256     ${drawn.snapshotHash}`);
    expect(cli.stdout.trim().split('\n').slice(-200).map((l) => l.trim().split(/\s+/).pop())).toEqual(drawn.panel.map((p: { representativeId: string }) => p.representativeId));
    expect(drawVerify([path]).code).toBe(2);
    const other = drawPanel(file, 'another seed', file.quota).map((p) => p.id);
    expect(other).not.toEqual(drawn.panel.map((p: { representativeId: string }) => p.representativeId));
    // Drawing again needs a reason, and the first draw stays on record.
    await staff.post(`/evaluations/${id}/draw`, { seed: 'again' }).expect(400);
    await staff.post(`/evaluations/${id}/draw`, { seed: 'again', reason: '抽签会议记录有误，重新公开抽取' }).expect(200);
    expect((await Evaluation.findById(id).lean())!.draws).toHaveLength(2);
  });

  it('when a deactivated representative exists, then the draw never picks them', async () => {
    await givenRepresentatives(5, 5);
    await Representative.updateMany({ name: { $in: ['企业家0', '企业家1'] } }, { $set: { active: false } });
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '测试', rules: { quota: { entrepreneur: 5, public: 5 } } }).expect(201)).body;
    const drawn = (await staff.post(`/evaluations/${id}/draw`, { seed: 's' }).expect(200)).body;
    const inactive = (await Representative.find({ active: false }).lean()).map((r) => String(r._id));
    expect(drawn.panel.filter((p: { kind: string }) => p.kind === 'entrepreneur')).toHaveLength(3);
    expect(drawn.panel.map((p: { representativeId: string }) => p.representativeId)).not.toEqual(expect.arrayContaining([inactive[0]]));
  });

  it('when the panel votes, then a member cannot rate their own unit, ballots are one per member, and after closing no rating can be tied to anyone', async () => {
    const ws01 = await unitByCode('WS01');
    await givenRepresentatives(3, 3, ws01._id);
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '测试', rules: { quota: { entrepreneur: 3, public: 3 }, minBallots: 1 } }).expect(201)).body;
    await staff.post(`/evaluations/${id}/draw`, { seed: 's' }).expect(200);
    const issued = (await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body;
    expect(issued).toHaveLength(6);
    expect((await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body).toEqual([]);
    const own = await Representative.findOne({ unitId: ws01._id }).lean();
    const ownCode = issued.find((b: { representativeId: string }) => b.representativeId === String(own!._id)).code;
    const view = (await request(t.app).get(`/api/v1/ballots/${ownCode}`).expect(200)).body;
    expect(view.total).toBe(69);
    const refused = await request(t.app).put(`/api/v1/ballots/${ownCode}`).send({ ratings: [{ unitId: String(ws01._id), rating: 'satisfied' }] }).expect(400);
    expect(refused.body.fields).toEqual({ 'ratings.0.unitId': 'own_unit' });
    await request(t.app).put('/api/v1/ballots/XXXX-XXXX-XXXX').send({ ratings: [] }).expect(404);
    await voteAll(issued, staff, id, () => 'satisfied');
    const during = (await staff.get(`/evaluations/${id}`).expect(200)).body;
    expect(during.turnout).toEqual([
      { kind: 'entrepreneur', issued: 3, voted: 3, paper: 0 },
      // The public members have no address: printed ballots, entered by staff, counted as such.
      { kind: 'public', issued: 3, voted: 3, paper: 3 },
    ]);
    await staff.post(`/evaluations/${id}/close`).expect(200);
    await request(t.app).put(`/api/v1/ballots/${issued[1].code}`).send({ ratings: [] }).expect(404);
    // Inspect what is stored: nothing ties a rating to a member any more.
    expect(await Ballot.countDocuments()).toBe(0);
    // What is left are counts per unit: 5 answers for WS01 (its insider did not rate it), 6 for the others.
    const tallies = (await Evaluation.findById(id).lean())!.tallies;
    expect(tallies).toHaveLength(70);
    expect(tallies.find((x) => String(x.unitId) === String(ws01._id))).toMatchObject({ satisfied: 5, basically_satisfied: 0, dissatisfied: 0, unknown: 0 });
    expect(tallies.filter((x) => x.satisfied === 6)).toHaveLength(69);
    const ids = (await Representative.find().lean()).map((r) => String(r._id));
    const everything = JSON.stringify(await mongoose.connection.db!.collection('evaluations').findOne({ _id: new Types.ObjectId(id) }, { projection: { draws: 0, snapshot: 0 } }));
    for (const rid of ids) expect(everything).not.toContain(rid);
    // No collection keeps anything shaped like a ballot.
    for (const c of await mongoose.connection.db!.listCollections().toArray()) expect(await mongoose.connection.db!.collection(c.name).countDocuments({ ratings: { $exists: true } })).toBe(0);
  });

  it('when a phone saves ten ratings at once, then all ten are stored; a save crossing the close is refused or kept, never lost silently', async () => {
    await givenRepresentatives(1, 1);
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '测试', rules: { quota: { entrepreneur: 1, public: 1 }, minBallots: 1 } }).expect(201)).body;
    await staff.post(`/evaluations/${id}/draw`, { seed: 's' }).expect(200);
    const [first, second] = (await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body;
    const view = (await request(t.app).get(`/api/v1/ballots/${first.code}`).expect(200)).body;
    const units: string[] = view.series.flatMap((s: { units: { unitId: string }[] }) => s.units.map((u) => u.unitId));
    const answers = await Promise.all(units.slice(0, 10).map((unitId) => request(t.app).put(`/api/v1/ballots/${first.code}`).send({ ratings: [{ unitId, rating: 'satisfied' }] })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect((await request(t.app).get(`/api/v1/ballots/${first.code}`).expect(200)).body.rated).toBe(10);
    // One more save on the second ballot races the close: either it is refused, or it is counted.
    const [save] = await Promise.all([request(t.app).put(`/api/v1/ballots/${second.code}`).send({ ratings: [{ unitId: units[0], rating: 'dissatisfied' }] }), staff.post(`/evaluations/${id}/close`).expect(200)]);
    const tallies = (await Evaluation.findById(id).lean())!.tallies;
    const counted = tallies.find((x) => String(x.unitId) === units[0])?.dissatisfied === 1;
    expect(save.status === 200 ? counted : [404, 409].includes(save.status) && !counted).toBe(true);
    for (const unitId of units.slice(0, 10)) expect(tallies.find((x) => String(x.unitId) === unitId)?.satisfied).toBe(1);
  });

  it('when the demo\'s three series are evaluated, then 9 units are commended and 3 criticised, with a numbered document each', async () => {
    await givenRepresentatives(4, 4);
    const staff = await apiAs(t.app, 'commission');
    const results = await runEvaluation(staff, 2026, { entrepreneur: 4, public: 4 }, (_si, ui, m) => (ui < 3 ? 'satisfied' : ui + m > 20 ? 'dissatisfied' : 'basically_satisfied'));
    expect(results.series.map((s: { code: string; ranking: unknown[] }) => [s.code, s.ranking.length])).toEqual([
      ['law_enforcement', 26],
      ['comprehensive_management', 25],
      ['window_service', 19],
    ]);
    const outcomes = results.series.flatMap((s: { ranking: { outcome: string | null }[] }) => s.ranking.map((r) => r.outcome));
    expect(outcomes.filter((o: string | null) => o === 'commended')).toHaveLength(9);
    expect(outcomes.filter((o: string | null) => o === 'criticised')).toHaveLength(3);
    const first = results.series[0].ranking[0];
    expect(first).toMatchObject({ rank: 1, panelScore: 100, ballots: 8, outcome: 'commended', flags: ['too_few_cases'], handlingFromMean: true });
    expect(await OutcomeDocument.countDocuments({ kind: 'commendation' })).toBe(9);
    expect(await OutcomeDocument.countDocuments({ kind: 'criticism' })).toBe(3);
    expect(await OutcomeDocument.countDocuments({ kind: 'sanction' })).toBe(3);
  });

  it('when the same unit is last four years running, then written, televised, resignation and resignation again; last-not-last-last starts again', async () => {
    await givenRepresentatives(2, 2);
    const staff = await apiAs(t.app, 'commission');
    // WS19 (a vertically managed unit? the seed says) last in window services every year.
    const last = (si: number, ui: number) => (si === 2 && ui === 18 ? 'dissatisfied' : 'satisfied');
    const sanctions: (string | null)[] = [];
    for (const year of [2024, 2025, 2026, 2027]) {
      const r = await runEvaluation(staff, year, { entrepreneur: 2, public: 2 }, last);
      const row = r.series[2].ranking.at(-1);
      sanctions.push(`${row.unitCode}:${row.sanction}:${row.reportToSuperior}`);
    }
    const unit = await unitByCode(sanctions[0]!.split(':')[0]!);
    expect(sanctions).toEqual([`${unit.code}:written:false`, `${unit.code}:televised:false`, `${unit.code}:resignation:${!!unit.vertical}`, `${unit.code}:resignation:${!!unit.vertical}`]);
    const history = (await staff.get(`/units/${String(unit._id)}/sanctions`).expect(200)).body;
    expect(history.years.map((y: { year: number; sanction: string }) => [y.year, y.sanction])).toEqual([
      [2024, 'written'],
      [2025, 'televised'],
      [2026, 'resignation'],
      [2027, 'resignation'],
    ]);
  });

  it('when a veto lands between reading the inputs and writing the results, then those results are not written, and publishing waits for results of the latest inputs', async () => {
    await givenRepresentatives(2, 2);
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '测试', rules: { quota: { entrepreneur: 2, public: 2 }, minBallots: 1 } }).expect(201)).body;
    await staff.post(`/evaluations/${id}/draw`, { seed: 's' }).expect(200);
    await voteAll((await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body, staff, id, () => 'satisfied');
    await staff.post(`/evaluations/${id}/close`).expect(200);
    const stale = await getEvaluation(id);
    const top = (await staff.get(`/evaluations/${id}/results`).expect(200)).body.series[0].ranking[0].unitId;
    await staff.post(`/evaluations/${id}/vetoes`, { unitId: top, reason: '主要负责人被立案审查', evidence: '县监委立案决定书' }).expect(200);
    // The run that read the inputs before the veto must not overwrite the results that include it.
    expect(await writeResults(t.ctx, stale)).toBeNull();
    const after = (await staff.get(`/evaluations/${id}/results`).expect(200)).body.series[0].ranking;
    expect(after.find((r: { unitId: string }) => r.unitId === top)).toMatchObject({ vetoed: true, outcome: 'criticised' });
    // Inputs changed with no recompute yet (as if the veto's own run had not finished): no publication.
    await Evaluation.updateOne({ _id: id }, { $inc: { inputsVersion: 1 } });
    expect((await staff.post(`/evaluations/${id}/publish`).expect(409)).body.error).toBe('results_changed');
    expect(await OutcomeDocument.countDocuments()).toBe(0);
  });

  it('when a second evaluation is created for a year, or a rule period ends before it starts, then it is refused', async () => {
    const staff = await apiAs(t.app, 'commission');
    await staff.post('/evaluations', { year: 2026, name: '2026年度' }).expect(201);
    expect((await staff.post('/evaluations', { year: 2026, name: '2026年度（重复）' }).expect(409)).body.error).toBe('year_exists');
    expect((await staff.post('/evaluations', { year: 2027, name: '2027年度', rulePeriod: { from: 2027, to: 2025 } }).expect(400)).body.fields).toEqual({ 'rulePeriod.to': 'before_from' });
    expect(await Evaluation.countDocuments()).toBe(1);
  });

  it('when a close or a publication stopped half way (the process died), then doing it again finishes it, but not while it may still be running', async () => {
    await givenRepresentatives(2, 2);
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '测试', rules: { quota: { entrepreneur: 2, public: 2 }, minBallots: 1 } }).expect(201)).body;
    await staff.post(`/evaluations/${id}/draw`, { seed: 's' }).expect(200);
    await voteAll((await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body, staff, id, () => 'satisfied');
    // The close claimed the state and died before counting.
    const closedAt = t.ctx.clock.now();
    await Evaluation.updateOne({ _id: id }, { $set: { state: 'closed', closedAt } });
    await staff.post(`/evaluations/${id}/close`).expect(409);
    t.ctx.clock.set(new Date(closedAt.getTime() + 3 * 60 * 1000));
    await staff.post(`/evaluations/${id}/close`).expect(200);
    expect(await Ballot.countDocuments()).toBe(0);
    expect((await Evaluation.findById(id).lean())!.tallies.every((x) => x.satisfied === 4)).toBe(true);
    // The publication claimed the state and died before the documents.
    const publishedAt = t.ctx.clock.now();
    await Evaluation.updateOne({ _id: id }, { $set: { state: 'published', publishedAt } });
    await staff.post(`/evaluations/${id}/publish`).expect(409);
    t.ctx.clock.set(new Date(publishedAt.getTime() + 3 * 60 * 1000));
    await staff.post(`/evaluations/${id}/publish`).expect(200);
    expect(await OutcomeDocument.countDocuments({ kind: 'commendation' })).toBe(9);
    await staff.post(`/evaluations/${id}/publish`).expect(409);
  });
});
