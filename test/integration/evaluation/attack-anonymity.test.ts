// Outside attack on the evaluation (issue 10): after the close, can anyone with the database (and
// the registry and the panel on record, which staff have) tie a rating to a person?
import mongoose from 'mongoose';
import request from 'supertest';
import { Evaluation, PanelComment } from '../../../src/evaluation/evaluation.models';
import { Representative } from '../../../src/evaluation/representative.model';
import { useTestApp } from '../../helpers/app';
import { unitByCode } from '../../helpers/builders';
import { apiAs } from '../../helpers/cases';
import { until } from '../../helpers/wait';
import { Notification } from '../../../src/platform/mail/notification.model';

const t = useTestApp({ smtp: true, workers: true });
jest.setTimeout(120000);

async function rateEverything(code: string, rating: string, comment?: string) {
  const view = (await request(t.app).get(`/api/v1/ballots/${code}`).expect(200)).body;
  const ratings = view.series.flatMap((s: { units: { unitId: string }[] }) => s.units.map((u) => ({ unitId: u.unitId, rating, ...(comment ? { comment } : {}) })));
  await request(t.app).put(`/api/v1/ballots/${code}`).send({ ratings }).expect(200);
}

/** No collection holds a record of several units' ratings (a ballot, by whatever name). */
async function expectNoBallotShapedRecord() {
  const db = mongoose.connection.db!;
  for (const c of await db.listCollections().toArray()) expect([c.name, await db.collection(c.name).countDocuments({ ratings: { $exists: true } })]).toEqual([c.name, 0]);
}

describe('attack: anonymity after the close', () => {
  it('when one public member votes on paper and the others by link, then the stored ballots do not single out the paper one', async () => {
    await Representative.insertMany([
      { kind: 'public', name: '链接甲', publicRole: 'citizen', email: 'a@people.example' },
      { kind: 'public', name: '链接乙', publicRole: 'citizen', email: 'b@people.example' },
      { kind: 'public', name: '链接丙', publicRole: 'citizen', email: 'c@people.example' },
      // The only member without an address: a printed ballot. The registry says so to any staff.
      { kind: 'public', name: '纸质丁', publicRole: 'deputy', phone: '13900000009' },
    ]);
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '测试', rules: { quota: { entrepreneur: 0, public: 4 }, minBallots: 1 } }).expect(201)).body;
    await staff.post(`/evaluations/${id}/draw`, { seed: 's' }).expect(200);
    const issued: { representativeId: string; code: string }[] = (await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body;
    const paper = await Representative.findOne({ name: '纸质丁' }).lean();
    for (const i of issued) await rateEverything(i.code, i.representativeId === String(paper!._id) ? 'dissatisfied' : 'satisfied');
    await staff.post(`/evaluations/${id}/close`).expect(200);
    // Nothing per ballot is left to single the paper one out: counts per unit only.
    await expectNoBallotShapedRecord();
    const tallies = (await Evaluation.findById(id).lean())!.tallies;
    expect(tallies.every((x) => x.satisfied === 3 && x.dissatisfied === 1)).toBe(true);
  });

  it('when a member who works for a unit votes, then their stored ballot is not the one ballot without that unit (the registry names who works there)', async () => {
    const ws01 = await unitByCode('WS01');
    await Representative.insertMany([
      { kind: 'entrepreneur', name: '窗口单位的人', organization: '甲', email: 'a@firm.example', unitId: ws01._id },
      { kind: 'entrepreneur', name: '企业家乙', organization: '乙', email: 'b@firm.example' },
      { kind: 'entrepreneur', name: '企业家丙', organization: '丙', email: 'c@firm.example' },
    ]);
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '测试', rules: { quota: { entrepreneur: 3, public: 0 }, minBallots: 1 } }).expect(201)).body;
    await staff.post(`/evaluations/${id}/draw`, { seed: 's' }).expect(200);
    const issued: { representativeId: string; code: string }[] = (await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body;
    const insider = await Representative.findOne({ unitId: ws01._id }).lean();
    for (const i of issued) await rateEverything(i.code, i.representativeId === String(insider!._id) ? 'dissatisfied' : 'satisfied', i.representativeId === String(insider!._id) ? '局长作风霸道' : undefined);
    await staff.post(`/evaluations/${id}/close`).expect(200);
    // The query an insider would run (the ballot without WS01) has nothing to run on: counts per
    // unit, and comments alone, each with its unit and nothing else.
    await expectNoBallotShapedRecord();
    const tallies = (await Evaluation.findById(id).lean())!.tallies;
    expect(tallies.find((x) => String(x.unitId) === String(ws01._id))).toMatchObject({ satisfied: 2, dissatisfied: 0 });
    const comments = await mongoose.connection.db!.collection('panelcomments').find({}).toArray();
    expect(comments.map((c) => Object.keys(c).sort())).toEqual(Array(69).fill(['_id', 'evaluationId', 'text', 'unitId']));
    expect(await PanelComment.countDocuments({ text: '局长作风霸道' })).toBe(69);
  });

  it('when voting closes with mails sent by the worker, then no collection and no Redis key keeps a code, and no stored record holds a member next to a rating', async () => {
    await Representative.insertMany([
      { kind: 'entrepreneur', name: '企业家甲', organization: '甲', email: 'a@firm.example' },
      { kind: 'entrepreneur', name: '企业家乙', organization: '乙', email: 'b@firm.example' },
      { kind: 'public', name: '群众丙', publicRole: 'citizen', email: 'c@people.example' },
      { kind: 'public', name: '群众丁', publicRole: 'citizen', phone: '13900000001' },
    ]);
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '测试', rules: { quota: { entrepreneur: 2, public: 2 }, minBallots: 1 } }).expect(201)).body;
    await staff.post(`/evaluations/${id}/draw`, { seed: 's' }).expect(200);
    const issued: { representativeId: string; code: string }[] = (await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body;
    await t.smtp.waitForMails(3);
    for (const [n, i] of issued.entries()) await rateEverything(i.code, n % 2 ? 'dissatisfied' : 'basically_satisfied', `意见${n}`);
    await staff.post(`/evaluations/${id}/close`).expect(200);
    // The worker has finished with the mails (records marked sent, no job left running) before
    // anything is searched, so nothing it writes afterwards can escape the search.
    await until(async () => {
      const unsent = await Notification.countDocuments({ status: { $ne: 'sent' } });
      // (Delayed jobs are the schedules' next runs, which never empty.)
      const counts = await Promise.all(t.ctx.queues.all().map((q) => q.getJobCounts('active', 'waiting')));
      return unsent === 0 && counts.every((c) => c.active + c.waiting === 0);
    });

    const db = mongoose.connection.db!;
    const memberIds = issued.map((i) => i.representativeId);
    const codes = issued.flatMap((i) => [i.code, i.code.replace(/-/g, '')]);
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      for (const doc of await db.collection(name).find({}).toArray()) {
        const text = JSON.stringify(doc);
        for (const c of codes) expect([name, text.includes(c)]).toEqual([name, false]);
        const hasMember = memberIds.some((m) => text.includes(m));
        const hasRating = /"rating":"(dissatisfied|basically_satisfied)"|意见\d/.test(text);
        expect([name, hasMember && hasRating]).toEqual([name, false]);
      }
    }
    const redis = t.ctx.redis;
    const keys = await redis.keys(`${t.ctx.config.REDIS_PREFIX}*`);
    for (const key of keys) {
      const type = await redis.type(key);
      const dump = type === 'string' ? await redis.get(key) : type === 'hash' ? JSON.stringify(await redis.hgetall(key)) : type === 'list' ? JSON.stringify(await redis.lrange(key, 0, -1)) : type === 'zset' ? JSON.stringify(await redis.zrange(key, 0, -1)) : type === 'set' ? JSON.stringify(await redis.smembers(key)) : '';
      for (const c of codes) expect([key, (dump ?? '').includes(c)]).toEqual([key, false]);
      expect([key, memberIds.some((m) => (dump ?? '').includes(m)) && /"rating":"(dissatisfied|basically_satisfied)"|意见\d/.test(dump ?? '')]).toEqual([key, false]);
    }
  });
});
