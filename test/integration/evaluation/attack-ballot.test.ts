// Outside attack on the evaluation (issue 10): the ballot by its one-time code — the form and the
// API, own unit, after the close, bad input, guessing codes, and the code in the logs.
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { Types } from 'mongoose';
import { createApp } from '../../../src/app';
import { Ballot } from '../../../src/evaluation/evaluation.models';
import { Representative } from '../../../src/evaluation/representative.model';
import { useTestApp } from '../../helpers/app';
import { unitByCode } from '../../helpers/builders';
import { apiAs } from '../../helpers/cases';
import { formTokens } from '../../helpers/http';

const t = useTestApp();
jest.setTimeout(120000);

/** A voting evaluation of two entrepreneurs (the first works for WS01) and one public representative. */
async function votingEvaluation(scale: 'three-level' | 'score' = 'three-level') {
  const ws01 = await unitByCode('WS01');
  await Representative.insertMany([
    { kind: 'entrepreneur', name: '窗口企业家', organization: '甲', email: 'a@firm.example', unitId: ws01._id },
    { kind: 'entrepreneur', name: '企业家乙', organization: '乙', email: 'b@firm.example' },
    { kind: 'public', name: '群众丙', publicRole: 'citizen', phone: '13900000001' },
  ]);
  const staff = await apiAs(t.app, 'commission');
  const { id } = (await staff.post('/evaluations', { year: 2026, name: '2026年度双百双评', rules: { quota: { entrepreneur: 2, public: 1 }, scale, minBallots: 1 } }).expect(201)).body;
  await staff.post(`/evaluations/${id}/draw`, { seed: 's' }).expect(200);
  const issued: { representativeId: string; code: string }[] = (await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body;
  const own = await Representative.findOne({ unitId: ws01._id }).lean();
  const ownCode = issued.find((i) => i.representativeId === String(own!._id))!.code;
  const otherCode = issued.find((i) => i.representativeId !== String(own!._id))!.code;
  return { id, staff, ws01Id: String(ws01._id), ownCode, otherCode, issued };
}

/** Posts the ballot form like a browser: the page first (cookie + CSRF token), then the fields. */
async function postBallotForm(code: string, fields: Record<string, string>) {
  const agent = request.agent(t.app);
  const page = await agent.get(`/ballot/${code}`).expect(200);
  const { csrf } = formTokens(page.text, 'the ballot');
  return agent.post(`/ballot/${code}`).type('form').send({ _csrf: csrf, ...fields });
}

describe('attack: the ballot form and API', () => {
  it('when a member rates their own unit through the form (not the API), then it is refused and not stored', async () => {
    const { ownCode, ws01Id } = await votingEvaluation();
    const res = await postBallotForm(ownCode, { [`r_${ws01Id}`]: 'satisfied' });
    expect(res.status).toBe(400);
    const b = await Ballot.findOne({ excludedUnitId: ws01Id }).lean();
    expect(b!.ratings).toHaveLength(0);
  });

  it('when the form is posted after the close, then it is refused and nothing is stored anywhere', async () => {
    const { id, staff, otherCode } = await votingEvaluation();
    const agent = request.agent(t.app);
    const page = await agent.get(`/ballot/${otherCode}`).expect(200);
    const { csrf } = formTokens(page.text, 'the ballot');
    await staff.post(`/evaluations/${id}/close`).expect(200);
    const cm02 = String((await unitByCode('CM02'))._id);
    const res = await agent.post(`/ballot/${otherCode}`).type('form').send({ _csrf: csrf, [`r_${cm02}`]: 'dissatisfied' });
    expect([404, 409]).toContain(res.status);
    await request(t.app).get(`/api/v1/ballots/${otherCode}`).expect(404);
    await request(t.app).put(`/api/v1/ballots/${otherCode}`).send({ ratings: [{ unitId: cm02, rating: 'dissatisfied' }] }).expect(404);
  });

  it('when the API gets bad input, then each is a 4xx and the ballot stays empty', async () => {
    const { otherCode } = await votingEvaluation();
    const cm02 = String((await unitByCode('CM02'))._id);
    const bad: unknown[] = [
      { ratings: [{ unitId: new Types.ObjectId().toHexString(), rating: 'satisfied' }] },
      { ratings: [{ unitId: cm02, rating: 'excellent' }] },
      { ratings: [{ unitId: cm02 }] },
      { ratings: [{ unitId: cm02, rating: 'satisfied', extra: 1 }] },
      { ratings: [{ unitId: { $ne: null }, rating: 'satisfied' }] },
      { ratings: [{ unitId: cm02, rating: ['satisfied'] }] },
      { ratings: 'all satisfied' },
      { ratings: Array.from({ length: 201 }, () => ({ unitId: cm02, rating: 'satisfied' })) },
      { ratings: [{ unitId: cm02, rating: 'satisfied', comment: 'x'.repeat(501) }] },
      { ratings: [], evaluationId: 'x' },
    ];
    for (const body of bad) {
      const res = await request(t.app).put(`/api/v1/ballots/${otherCode}`).send(body as object);
      expect([JSON.stringify(body).slice(0, 80), res.status >= 400 && res.status < 500]).toEqual([JSON.stringify(body).slice(0, 80), true]);
    }
    // More than the body limit: 413, not a crash.
    const huge = await request(t.app).put(`/api/v1/ballots/${otherCode}`).set('content-type', 'application/json').send(`{"ratings":[{"unitId":"${cm02}","rating":"satisfied","comment":"${'x'.repeat(200_000)}"}]}`);
    expect(huge.status).toBe(413);
    expect((await request(t.app).get(`/api/v1/ballots/${otherCode}`).expect(200)).body.rated).toBe(0);
  });

  it('when a score ballot gets out-of-range, fractional, string or exponent scores, then they are refused', async () => {
    const { otherCode } = await votingEvaluation('score');
    const cm02 = String((await unitByCode('CM02'))._id);
    for (const score of [-1, 101, 50.5, '50', 1e3, true]) {
      const res = await request(t.app).put(`/api/v1/ballots/${otherCode}`).send({ ratings: [{ unitId: cm02, score }] });
      expect([String(score), res.status]).toEqual([String(score), 400]);
    }
    // The form: a number past 100 is refused too.
    const res = await postBallotForm(otherCode, { [`r_${cm02}`]: '999' });
    expect(res.status).toBe(400);
    expect((await request(t.app).get(`/api/v1/ballots/${otherCode}`).expect(200)).body.rated).toBe(0);
  });

  it('when a member of a score evaluation does not know a unit, then the ballot page lets them say so (不了解), as it does on the API', async () => {
    const { otherCode } = await votingEvaluation('score');
    const cm02 = String((await unitByCode('CM02'))._id);
    // The API takes score null as "don't know".
    await request(t.app).put(`/api/v1/ballots/${otherCode}`).send({ ratings: [{ unitId: cm02, score: null }] }).expect(200);
    // The page (what a phone user has) must offer the same: an "unknown" choice per unit that saves.
    const page = (await request(t.app).get(`/ballot/${otherCode}`).expect(200)).text;
    const unitBlock = new RegExp(`data-unit="${cm02}"[\\s\\S]*?(?=data-unit=|</fieldset>)`).exec(page)?.[0] ?? '';
    expect(unitBlock).toMatch(new RegExp(`name="u_${cm02}" value="unknown"`));
    // The box ticked (the number left empty) saves "don't know": no score.
    const res = await postBallotForm(otherCode, { [`r_${cm02}`]: '', [`u_${cm02}`]: 'unknown' });
    expect(res.status).toBe(200);
    expect((await request(t.app).get(`/api/v1/ballots/${otherCode}`).expect(200)).body.ratings[cm02]).toMatchObject({ score: null });
    // So does the answer 'unknown' where a number would be.
    expect((await postBallotForm(otherCode, { [`r_${cm02}`]: 'unknown' })).status).toBe(200);
  });

  it('when someone guesses codes, then every miss looks alike and guessing is limited per IP', async () => {
    const { otherCode } = await votingEvaluation();
    const misses = await Promise.all(['AAAA-AAAA-AAAA', 'x', '%00', 'a'.repeat(2000), '../../etc/passwd'].map((c) => request(t.app).get(`/api/v1/ballots/${encodeURIComponent(c)}`)));
    for (const m of misses) expect([m.status, m.body.error]).toEqual([404, misses[0]!.body.error]);
    // The real code still works, in any case and spacing a person might type.
    await request(t.app).get(`/api/v1/ballots/${otherCode.toLowerCase().replace(/-/g, ' ')}`).expect(200);
    // A flood of guesses from one address is throttled (the tracking page is, for a weaker secret).
    const statuses: number[] = [];
    for (let i = 0; i < 120; i++) statuses.push((await request(t.app).get(`/api/v1/ballots/GUES-S${String(i).padStart(3, '0')}-XXXX`)).status);
    expect(statuses).toContain(429);
  });

  it('when 60 wrong codes are tried at once from one address, then no more than the limit are looked up, and a right code still counts nothing', async () => {
    const { otherCode } = await votingEvaluation();
    // Right codes first: they give their count back, so they never use up the allowance.
    for (let i = 0; i < 5; i++) await request(t.app).get(`/api/v1/ballots/${otherCode}`).expect(200);
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => request(t.app).get(`/api/v1/ballots/PARA-L${String(i).padStart(3, '0')}-XXXX`)));
    const count = (s: number) => answers.filter((a) => a.status === s).length;
    expect(count(404)).toBe(t.ctx.config.BALLOT_MISS_LIMIT_PER_10MIN);
    expect(count(429)).toBe(60 - t.ctx.config.BALLOT_MISS_LIMIT_PER_10MIN);
  });

  it('when a member votes, then the access log never holds their one-time code (anyone reading logs could read or change the ballot)', async () => {
    const { otherCode } = await votingEvaluation();
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    const logger = pino({ level: 'info' }, sink);
    const app = createApp({ ...t.ctx, logger });
    const cm02 = String((await unitByCode('CM02'))._id);
    await request(app).get(`/ballot/${otherCode}`).expect(200);
    await request(app).put(`/api/v1/ballots/${otherCode}`).send({ ratings: [{ unitId: cm02, rating: 'dissatisfied' }] }).expect(200);
    const log = lines.join('');
    expect(log).toContain('/api/v1/ballots/');
    expect(log).not.toContain(otherCode);
  });
});
