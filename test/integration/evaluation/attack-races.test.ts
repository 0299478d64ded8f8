// Outside attack on the evaluation (issue 10): two staff clicking at once — close, publish, veto,
// confirm, issue, and a redraw crossing the opening of the vote.
import request from 'supertest';
import { Ballot, Evaluation, OutcomeDocument } from '../../../src/evaluation/evaluation.models';
import { Representative } from '../../../src/evaluation/representative.model';
import { useTestApp } from '../../helpers/app';
import { apiAs } from '../../helpers/cases';

const t = useTestApp();
jest.setTimeout(180000);

type Api = Awaited<ReturnType<typeof apiAs>>;

async function givenPool(entrepreneurs: number, publics: number) {
  await Representative.insertMany([
    ...Array.from({ length: entrepreneurs }, (_, i) => ({ kind: 'entrepreneur', name: `企业家${i}`, organization: `公司${i}`, email: `e${i}@firm.example` })),
    ...Array.from({ length: publics }, (_, i) => ({ kind: 'public', name: `群众${i}`, publicRole: 'citizen', phone: `1390000${String(i).padStart(4, '0')}` })),
  ]);
}

async function voteAll(codes: { code: string }[]) {
  for (const { code } of codes) {
    const view = (await request(t.app).get(`/api/v1/ballots/${code}`).expect(200)).body;
    const ratings = view.series.flatMap((s: { units: { unitId: string }[] }) => s.units.map((u, i) => ({ unitId: u.unitId, rating: i < 5 ? 'satisfied' : i === s.units.length - 1 ? 'dissatisfied' : 'basically_satisfied' })));
    await request(t.app).put(`/api/v1/ballots/${code}`).send({ ratings }).expect(200);
  }
}

async function closedEvaluation(staff: Api, quota = { entrepreneur: 2, public: 2 }) {
  const { id } = (await staff.post('/evaluations', { year: 2026, name: '2026年度双百双评', rules: { quota, minBallots: 1 } }).expect(201)).body;
  await staff.post(`/evaluations/${id}/draw`, { seed: 'seed' }).expect(200);
  const codes = (await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body;
  await voteAll(codes);
  await staff.post(`/evaluations/${id}/close`).expect(200);
  return id as string;
}

describe('attack: concurrent staff actions', () => {
  it('when two staff veto two different units at the same moment (six times over), then every recorded veto shows in the results (none lost to the other\'s recompute)', async () => {
    await givenPool(2, 2);
    const staff = await apiAs(t.app, 'commission');
    const id = await closedEvaluation(staff);
    const results = (await staff.get(`/evaluations/${id}/results`).expect(200)).body;
    const units: string[] = results.series[0].ranking.slice(0, 12).map((r: { unitId: string }) => r.unitId);
    // The race is narrow: a pair of simultaneous vetoes loses one about one time in six here.
    for (let round = 0; round < 6; round++) {
      const pair = units.slice(round * 2, round * 2 + 2);
      const answers = await Promise.all(pair.map((unitId, i) => staff.post(`/evaluations/${id}/vetoes`, { unitId, reason: `主要负责人被立案审查${round}-${i}`, evidence: '县纪委立案决定书' })));
      expect(answers.map((x) => x.status)).toEqual([200, 200]);
      const rows = (await staff.get(`/evaluations/${id}/results`).expect(200)).body.series[0].ranking;
      const vetoed = units.slice(0, round * 2 + 2).map((u) => rows.find((r: { unitId: string }) => r.unitId === u).vetoed);
      expect({ round, vetoed }).toEqual({ round, vetoed: vetoed.map(() => true) });
    }
  });

  it('when a veto lands while the commission publishes, then the published documents agree with the published results (no commendation for a vetoed unit)', async () => {
    await givenPool(2, 2);
    const staff = await apiAs(t.app, 'commission');
    const id = await closedEvaluation(staff);
    const results = (await staff.get(`/evaluations/${id}/results`).expect(200)).body;
    const top = results.series[0].ranking[0].unitId as string;
    await Promise.all([staff.post(`/evaluations/${id}/publish`), staff.post(`/evaluations/${id}/vetoes`, { unitId: top, reason: '主要负责人被立案审查', evidence: '县纪委立案决定书' })]);
    const e = (await Evaluation.findById(id).lean())!;
    const docs = await OutcomeDocument.find({ evaluationId: id }).lean();
    const commendedInResults = e.results.flatMap((s) => s.ranking.filter((r) => r.outcome === 'commended').map((r) => String(r.unitId))).sort();
    const commendedInDocs = docs.filter((d) => d.kind === 'commendation').map((d) => String(d.unitId)).sort();
    if (e.state === 'published') expect(commendedInDocs).toEqual(commendedInResults);
    // A recorded veto of the top unit must be reflected wherever the evaluation ended up.
    if (e.vetoes.some((v) => String(v.unitId) === top)) expect(commendedInResults).not.toContain(top);
  });

  it('when publish is clicked twice at once, then it publishes once: one 200, documents numbered 1..N without duplicates', async () => {
    await givenPool(2, 2);
    const staff = await apiAs(t.app, 'commission');
    const id = await closedEvaluation(staff);
    const answers = await Promise.all([staff.post(`/evaluations/${id}/publish`), staff.post(`/evaluations/${id}/publish`)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const docs = await OutcomeDocument.find({ evaluationId: id }).sort({ seq: 1 }).lean();
    expect(docs.map((d) => d.seq)).toEqual(docs.map((_, i) => i + 1));
    expect(new Set(docs.map((d) => `${d.kind}:${String(d.unitId)}`)).size).toBe(docs.length);
  });

  it('when close is clicked twice at once, then one wins, every ballot is counted once and none is left linked', async () => {
    await givenPool(3, 3);
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '测试', rules: { quota: { entrepreneur: 3, public: 3 }, minBallots: 1 } }).expect(201)).body;
    await staff.post(`/evaluations/${id}/draw`, { seed: 's' }).expect(200);
    await voteAll((await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body);
    const answers = await Promise.all([staff.post(`/evaluations/${id}/close`), staff.post(`/evaluations/${id}/close`)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    // Every ballot counted once: six answers for every unit (no insider on this panel).
    const tallies = (await Evaluation.findById(id).lean())!.tallies;
    expect(tallies.map((x) => x.satisfied + x.basically_satisfied + x.dissatisfied + x.unknown)).toEqual(Array(70).fill(6));
    expect(await Ballot.countDocuments()).toBe(0);
  });

  it('when ballots are issued twice at once, then every member has exactly one ballot and every code shown opens it', async () => {
    await givenPool(5, 5);
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '测试', rules: { quota: { entrepreneur: 5, public: 5 }, minBallots: 1 } }).expect(201)).body;
    await staff.post(`/evaluations/${id}/draw`, { seed: 's' }).expect(200);
    const answers = await Promise.all([staff.post(`/evaluations/${id}/ballots/issue`), staff.post(`/evaluations/${id}/ballots/issue`)]);
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    const shown = answers.flatMap((a) => (a.status === 200 ? a.body : [])) as { representativeId: string; code: string }[];
    expect(shown).toHaveLength(10);
    expect(new Set(shown.map((s) => s.representativeId)).size).toBe(10);
    expect(await Ballot.countDocuments({ evaluationId: id })).toBe(10);
    for (const s of shown) await request(t.app).get(`/api/v1/ballots/${s.code}`).expect(200);
    expect((await Evaluation.findById(id).lean())!.state).toBe('voting');
  });

  it('when a redraw crosses the issuing of ballots, then the ballots belong to the panel on record (or the redraw is refused)', async () => {
    await givenPool(60, 60);
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '测试', rules: { quota: { entrepreneur: 40, public: 40 }, minBallots: 1 } }).expect(201)).body;
    await staff.post(`/evaluations/${id}/draw`, { seed: 'first' }).expect(200);
    const issue = staff.post(`/evaluations/${id}/ballots/issue`).then((r) => r);
    // The redraw is sent while the 80 ballots are being written.
    await new Promise((r) => setTimeout(r, 150));
    const redraw = await staff.post(`/evaluations/${id}/draw`, { seed: 'second', reason: '会议记录有误，重新抽取' });
    const issued = await issue;
    expect(issued.status).toBe(200);
    const e = (await Evaluation.findById(id).lean())!;
    const panel = new Set(e.draws.at(-1)!.panel.map((p) => String(p.representativeId)));
    const holders = (await Ballot.find({ evaluationId: id }, { representativeId: 1 }).lean()).map((b) => String(b.representativeId));
    const outsiders = holders.filter((h) => !panel.has(h));
    expect({ redraw: redraw.status, state: e.state, outsiders: outsiders.length, draws: e.draws.length }).toEqual({ redraw: redraw.status, state: 'voting', outsiders: 0, draws: e.draws.length });
  });

  it('when two confirmations of the same unit cross, then one is recorded', async () => {
    await givenPool(1, 1);
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '测试', rules: { quota: { entrepreneur: 1, public: 1 }, minBallots: 30 } }).expect(201)).body;
    await staff.post(`/evaluations/${id}/draw`, { seed: 's' }).expect(200);
    await voteAll((await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body);
    const results = (await staff.post(`/evaluations/${id}/close`).expect(200)).body;
    const flagged = results.series[0].ranking[0].unitId;
    await Promise.all([staff.post(`/evaluations/${id}/confirmations`, { unitId: flagged, note: '票数不足，经委务会确认' }), staff.post(`/evaluations/${id}/confirmations`, { unitId: flagged, note: '票数不足，经委务会确认' })]);
    expect((await Evaluation.findById(id).lean())!.confirmations.filter((c) => String(c.unitId) === flagged)).toHaveLength(1);
  });
});
