// Outside attack on the evaluation (issue 10): who may call what, CSRF, public pages before
// publishing, a unit reading another's sanctions, hand-entered last places, escaping on pages.
import request from 'supertest';
import { Types } from 'mongoose';
import { Evaluation, PriorLastPlace } from '../../../src/evaluation/evaluation.models';
import { Representative } from '../../../src/evaluation/representative.model';
import { Unit } from '../../../src/units/unit.model';
import { useTestApp } from '../../helpers/app';
import { givenUser, unitByCode } from '../../helpers/builders';
import { apiAs } from '../../helpers/cases';
import { browser, formTokens } from '../../helpers/http';

const t = useTestApp();
jest.setTimeout(120000);

type Api = Awaited<ReturnType<typeof apiAs>>;

async function givenPanelPool(n = 2) {
  await Representative.insertMany([
    ...Array.from({ length: n }, (_, i) => ({ kind: 'entrepreneur', name: `企业家${i}`, organization: `公司${i}`, email: `e${i}@firm.example` })),
    ...Array.from({ length: n }, (_, i) => ({ kind: 'public', name: `群众${i}`, publicRole: 'citizen', phone: `1390000${String(i).padStart(4, '0')}` })),
  ]);
}

/** Every ballot rates every unit it may: satisfied, except the last unit of each series. */
async function voteAll(codes: { code: string }[]) {
  for (const { code } of codes) {
    const view = (await request(t.app).get(`/api/v1/ballots/${code}`).expect(200)).body;
    const ratings = view.series.flatMap((s: { units: { unitId: string }[] }) => s.units.map((u, i) => ({ unitId: u.unitId, rating: i === s.units.length - 1 ? 'dissatisfied' : 'satisfied' })));
    await request(t.app).put(`/api/v1/ballots/${code}`).send({ ratings }).expect(200);
  }
}

/** An evaluation taken to `until` through the API by commission staff. */
async function evaluationAt(staff: Api, until: 'draft' | 'drawn' | 'voting' | 'closed' | 'published', year = 2026) {
  const { id } = (await staff.post('/evaluations', { year, name: `${year}年度双百双评`, rules: { quota: { entrepreneur: 2, public: 2 }, minBallots: 0 } }).expect(201)).body;
  let codes: { representativeId: string; code: string }[] = [];
  if (until === 'draft') return { id, codes };
  await staff.post(`/evaluations/${id}/draw`, { seed: 'seed-1' }).expect(200);
  if (until === 'drawn') return { id, codes };
  codes = (await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body;
  if (until === 'voting') return { id, codes };
  await voteAll(codes);
  await staff.post(`/evaluations/${id}/close`).expect(200);
  if (until === 'closed') return { id, codes };
  await staff.post(`/evaluations/${id}/publish`).expect(200);
  return { id, codes };
}

describe('attack: roles on the evaluation API', () => {
  it('when admin, unit or supervisor tokens call the commission-only routes, then every call is 403 and nothing changes; without a token 401', async () => {
    await givenPanelPool();
    const staff = await apiAs(t.app, 'commission');
    const { id } = await evaluationAt(staff, 'drawn');
    const le01 = await unitByCode('LE01');
    const routes: [string, unknown][] = [
      ['/evaluations', { year: 2027, name: '偷偷建一个' }],
      [`/evaluations/${id}/snapshot`, {}],
      [`/evaluations/${id}/draw`, { seed: 'mine', reason: '我想换一批人' }],
      [`/evaluations/${id}/ballots/issue`, {}],
      [`/evaluations/${id}/close`, {}],
      [`/evaluations/${id}/vetoes`, { unitId: String(le01._id), reason: '恶意否决理由', evidence: '没有证据材料' }],
      [`/evaluations/${id}/confirmations`, { unitId: String(le01._id), note: '确认' }],
      [`/evaluations/${id}/publish`, {}],
      [`/units/${String(le01._id)}/prior-last-places`, { year: 2020, note: '补录' }],
    ];
    const before = JSON.stringify(await Evaluation.find().lean());
    for (const role of ['admin', 'unit', 'supervisor'] as const) {
      const who = await apiAs(t.app, role, role === 'unit' ? 'LE01' : undefined);
      for (const [path, body] of routes) {
        const res = await who.post(path, body);
        expect([path, role, res.status]).toEqual([path, role, 403]);
      }
    }
    for (const [path, body] of routes) expect([path, (await request(t.app).post(`/api/v1${path}`).send(body as object)).status]).toEqual([path, 401]);
    expect(JSON.stringify(await Evaluation.find().lean())).toBe(before);
    expect(await PriorLastPlace.countDocuments()).toBe(0);
    // Reading: units and supervisors read nothing of the evaluation.
    const unit = await apiAs(t.app, 'unit', 'LE01');
    const supervisor = await apiAs(t.app, 'supervisor');
    for (const who of [unit, supervisor]) {
      for (const path of ['/evaluations', `/evaluations/${id}`, `/evaluations/${id}/results`, `/evaluations/${id}/snapshot`]) expect([path, (await who.get(path)).status]).toEqual([path, 403]);
    }
  });

  it('when a unit token asks for another unit\'s sanctions, then 403; its own are readable; a supervisor reads none', async () => {
    const le01 = await unitByCode('LE01');
    const cm01 = await unitByCode('CM01');
    const unit = await apiAs(t.app, 'unit', 'LE01');
    await unit.get(`/units/${String(cm01._id)}/sanctions`).expect(403);
    await unit.get(`/units/${String(le01._id)}/sanctions`).expect(200);
    await (await apiAs(t.app, 'supervisor')).get(`/units/${String(le01._id)}/sanctions`).expect(403);
  });

  it('when a last place is entered by hand for a unit that does not exist, then it is refused', async () => {
    const staff = await apiAs(t.app, 'commission');
    const ghost = new Types.ObjectId().toHexString();
    const res = await staff.post(`/units/${ghost}/prior-last-places`, { year: 2023, note: '补录往年末位' });
    expect(res.status).toBe(404);
    expect(await PriorLastPlace.countDocuments()).toBe(0);
  });

  it('when a last place is entered by hand for a year the system itself evaluated, then it is refused (the ladder would count a year the unit was not last)', async () => {
    await givenPanelPool();
    const staff = await apiAs(t.app, 'commission');
    await evaluationAt(staff, 'published', 2025);
    // A unit that was NOT last in 2025 in the system's own published results.
    const results = (await staff.get(`/evaluations/${(await Evaluation.findOne({ year: 2025 }).lean())!._id}/results`).expect(200)).body;
    const first = results.series[0].ranking[0];
    expect(first.outcome).not.toBe('criticised');
    const res = await staff.post(`/units/${first.unitId}/prior-last-places`, { year: 2025, note: '手工补录：2025年末位' });
    expect([400, 409]).toContain(res.status);
  });
});

describe('attack: pages and CSRF', () => {
  it('when nobody is logged in, or a unit or supervisor is, then the commission\'s evaluation pages and exports are closed to them', async () => {
    await givenPanelPool();
    const staff = await apiAs(t.app, 'commission');
    const { id } = await evaluationAt(staff, 'closed');
    const pages = ['/commission/evaluations', `/commission/evaluations/${id}`, `/commission/evaluations/${id}/results.csv`, `/commission/evaluations/${id}/results.xlsx`, `/commission/evaluations/${id}/snapshot.json`];
    for (const p of pages) {
      const res = await request(t.app).get(p);
      expect([p, res.status, res.headers.location ?? '']).toEqual([p, 302, expect.stringMatching(/^\/login/)]);
    }
    for (const role of ['unit', 'supervisor'] as const) {
      const u = await givenUser(role, { unitCode: role === 'unit' ? 'LE01' : undefined });
      const b = browser(t.app);
      await b.login(u.username);
      for (const p of pages) expect([role, p, (await b.agent.get(p)).status]).toEqual([role, p, 403]);
    }
  });

  it('when an administrator (read-only) posts the commission\'s forms, then 403 and the state stays', async () => {
    await givenPanelPool();
    const staff = await apiAs(t.app, 'commission');
    const { id } = await evaluationAt(staff, 'voting');
    const admin = await givenUser('admin');
    const b = browser(t.app);
    await b.login(admin.username);
    const page = await b.agent.get(`/commission/evaluations/${id}`).expect(200);
    const { csrf } = formTokens(page.text);
    for (const path of ['close', 'publish', 'snapshot', 'ballots']) {
      const res = await b.agent.post(`/commission/evaluations/${id}/${path}`).type('form').send({ _csrf: csrf });
      expect([path, res.status]).toEqual([path, 403]);
    }
    expect((await Evaluation.findById(id).lean())!.state).toBe('voting');
  });

  it('when a forged cross-site form (no CSRF token) closes voting or posts a ballot, then 403 and nothing changes', async () => {
    await givenPanelPool();
    const staff = await apiAs(t.app, 'commission');
    const { id, codes } = await evaluationAt(staff, 'voting');
    const jiwei = await givenUser('commission');
    const b = browser(t.app);
    await b.login(jiwei.username);
    await b.agent.post(`/commission/evaluations/${id}/close`).type('form').send({}).expect(403);
    await b.agent.post(`/commission/evaluations/${id}/ballots`).type('form').send({}).expect(403);
    expect((await Evaluation.findById(id).lean())!.state).toBe('voting');
    const unitId = String((await unitByCode('CM02'))._id);
    await request(t.app).post(`/ballot/${codes[0]!.code}`).type('form').send({ [`r_${unitId}`]: 'dissatisfied' }).expect(403);
    expect((await request(t.app).get(`/api/v1/ballots/${codes[0]!.code}`).expect(200)).body.rated).toBe(0);
  });

  it('when an evaluation is closed but not published, then the public pages and exports know nothing of it', async () => {
    await givenPanelPool();
    const staff = await apiAs(t.app, 'commission');
    const { id } = await evaluationAt(staff, 'closed');
    await request(t.app).get(`/public/evaluations/${id}`).expect(404);
    await request(t.app).get(`/public/evaluations/${id}/results.csv`).expect(404);
    await request(t.app).get(`/public/evaluations/${id}/results.xlsx`).expect(404);
    expect((await request(t.app).get('/public/evaluations').expect(200)).text).not.toContain(id);
  });

  it('when names, a seed, a veto reason and a unit name carry markup or formulas, then pages escape them and the CSV keeps formulas as text', async () => {
    const le01 = await unitByCode('LE01');
    await Unit.updateOne({ _id: le01._id }, { $set: { nameZh: '=HYPERLINK("http://evil.example","x")' } });
    await Representative.insertMany([
      { kind: 'entrepreneur', name: '<script>alert(1)</script>', organization: '<img src=x onerror=alert(2)>', email: 'x@firm.example' },
      { kind: 'entrepreneur', name: '企业家B', organization: 'B', email: 'b@firm.example' },
      { kind: 'public', name: '群众A', publicRole: 'citizen', phone: '13900000001' },
      { kind: 'public', name: '群众B', publicRole: 'citizen', phone: '13900000002' },
    ]);
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '<b id="evil-name">x</b>双评', rules: { quota: { entrepreneur: 2, public: 2 }, minBallots: 0 } }).expect(201)).body;
    await staff.post(`/evaluations/${id}/draw`, { seed: '"><script>alert(3)</script>' }).expect(200);
    await voteAll((await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body);
    await staff.post(`/evaluations/${id}/vetoes`, { unitId: String(le01._id), reason: '<script>alert(4)</script>', evidence: '<iframe src=//evil>' }).expect(200);
    await staff.post(`/evaluations/${id}/close`).expect(200);
    await staff.post(`/evaluations/${id}/publish`).expect(200);
    const jiwei = await givenUser('commission');
    const b = browser(t.app);
    await b.login(jiwei.username);
    const pages = [(await b.agent.get(`/commission/evaluations/${id}`).expect(200)).text, (await request(t.app).get(`/public/evaluations/${id}`).expect(200)).text, (await b.agent.get('/commission/evaluations').expect(200)).text];
    for (const html of pages) {
      expect(html).not.toMatch(/<script>alert|<img src=x|<iframe src|<b id="evil-name">/);
    }
    const csv = (await request(t.app).get(`/public/evaluations/${id}/results.csv`).expect(200)).text;
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});
