import request from 'supertest';
import { Case } from '../../src/cases/case.model';
import { Complainant } from '../../src/cases/complainant.model';
import { SupervisionNotice } from '../../src/escalation/escalation.models';
import { sweepNow } from '../../src/escalation/sweep.job';
import { Notification } from '../../src/platform/mail/notification.model';
import { INBOX_TABS } from '../../src/rectification/inbox';
import { Notice } from '../../src/routing/notice.model';
import { User } from '../../src/users/user.model';
import { useTestApp } from '../helpers/app';
import { givenUser, unitByCode } from '../helpers/builders';
import { apiAs, REPORT } from '../helpers/cases';
import { browser, formTokens, readReceipt } from '../helpers/http';
import { until } from '../helpers/wait';

/**
 * The identity-leak scan: one county week with every channel and every handling step, after
 * which the filers' names, phones and emails are searched for in everything a unit, the public,
 * a mail to someone else, the logs and the job queues hold. A hit names where it was found.
 */
const t = useTestApp({ smtp: true, workers: true, captureLogs: true });

interface Who {
  label: string;
  name: string;
  phone: string;
  email: string;
}
// Distinctive, so that a hit can only be a leak.
const WEB: Who = { label: 'web filer', name: '欧阳翠花', phone: '13811112222', email: 'ouyang.cuihua@example.cn' };
const API: Who = { label: 'API filer', name: '司马建国', phone: '13933334444', email: 'sima.jianguo@example.cn' };
const MET: Who = { label: 'citizen the supervisor met', name: '诸葛秀英', phone: '13655556666', email: 'zhuge.xiuying@example.cn' };
const O311: Who = { label: 'Open311 filer', name: '上官明月', phone: '13577778888', email: 'shangguan.mingyue@example.cn' };
const SUPERVISOR: Who = { label: 'special supervisor', name: '慕容卫东', phone: '13466669999', email: 'murong.weidong@example.cn' };
const FILERS = [WEB, API, MET, O311];
/** What would tell a unit that a special supervisor filed (issue 12, finding 9). */
const CHANNEL_TELLTALES = ['监督员', '"supervisor"', '此问题是我接触的群众反映的', 'A citizen I met'];

/** Where each text came from, and the text, for the scan at the end. */
type Seen = { where: string; text: string };

/** Every way the identity could be written: the name, the phone, the email (either case). */
const needles = (who: Who) => [who.name, who.phone, who.email, who.email.toUpperCase()];

function leaks(seen: Seen[], people: Who[], extra: string[] = []): string[] {
  const found: string[] = [];
  for (const { where, text } of seen) {
    for (const who of people) for (const n of needles(who)) if (text.includes(n)) found.push(`${who.label} (${n}) in ${where}`);
    for (const n of extra) if (text.includes(n)) found.push(`"${n}" in ${where}`);
  }
  return found;
}

/** What the filer types in: name, phone and email. */
const given = ({ name, phone, email }: Who) => ({ name, phone, email });
const at = (local: string) => t.ctx.clock.set(new Date(`${local}+08:00`));
const bodyOf = (res: request.Response) => (res.text || JSON.stringify(res.body)) + JSON.stringify(res.headers);

describe('identity-leak scan', () => {
  it('when every channel files and every handling step runs, then no filer identity reaches a unit, the public, anyone else’s mail, the logs or a job', async () => {
    at('2026-03-02T10:00:00');
    const [ws03, le02, cm02] = await Promise.all([unitByCode('WS03'), unitByCode('LE02'), unitByCode('CM02')]);
    const unitSeen: Seen[] = [];
    const cm02Seen: Seen[] = [];
    const publicSeen: Seen[] = [];
    const unitSaw = (where: string, res: request.Response, also?: Seen[]) => {
      unitSeen.push({ where, text: bodyOf(res) });
      also?.push({ where, text: bodyOf(res) });
      return res;
    };

    // 1. A named complaint on the public form, naming WS03 (routed by the named-unit rule).
    const citizen = browser(t.app);
    const form = formTokens((await citizen.agent.get('/complaints/new').expect(200)).text);
    await citizen.agent
      .post('/complaints')
      .type('form')
      .send({ _csrf: form.csrf, idempotencyKey: form.idempotencyKey, categoryCode: 'efficiency', unitId: String(ws03._id), description: '不动产登记窗口要求重复提交同一份材料三次，工作人员态度冷漠。', place: '县政务服务中心二楼', ...given(WEB) })
      .expect(303);
    const receipt = await readReceipt(citizen.agent);

    // 2. A named complaint through the JSON API (the hotline), naming LE02.
    const staff = await apiAs(t.app, 'commission');
    const apiFiled = await staff.post('/complaints', { categoryCode: 'favours', unitId: String(le02._id), description: '12345 热线转来：交警中队某民警暗示交钱可免罚单。', ...given(API) }).expect(201);

    // 3. A special supervisor's feedback from a citizen met, naming CM02 (the supervisor has an email: status mails).
    const supervisor = await apiAs(t.app, 'supervisor');
    await User.updateOne({ _id: supervisor.user._id }, { $set: { displayName: SUPERVISOR.name, email: SUPERVISOR.email } });
    const fed = await supervisor
      .post('/complaints', { categoryCode: 'favours', unitId: String(cm02._id), description: '城管中队在处理摊点时向摊主索要香烟，群众不敢声张。', concerns: '城关镇城管中队', fromCitizenMet: true, ...given(MET) })
      .expect(201);

    // 4. A named Open311 request (no unit named; Chinese names are stored family name first: 上官明月):
    // the commission assigns it to LE02 by hand.
    const o311 = await request(t.app)
      .post('/open311/v2/requests.json')
      .type('form')
      .send({ api_key: staff.token, service_code: 'inaction', description: '县医院挂号窗口工作人员上班时间玩手机，群众排长队无人理会。', address_string: '县人民医院门诊楼一层', first_name: '明月', last_name: '上官', phone: O311.phone, email: O311.email })
      .expect(201);
    const o311Case = await until(() => Case.findOne({ number: o311.body[0].service_request_id, routedAt: { $ne: null } }).lean());

    await givenUser('commission', { username: 'jw-scan' });
    const jw = browser(t.app);
    await jw.login('jw-scan');
    const o311Page = await jw.agent.get(`/commission/cases/${String(o311Case._id)}`).expect(200);
    if (o311Case.status !== 'assigned') {
      const { csrf } = formTokens(o311Page.text);
      await jw.agent
        .post(`/commission/cases/${String(o311Case._id)}/assign`)
        .type('form')
        .send({ _csrf: csrf, unitId: String(le02._id), categoryCode: 'inaction', priority: 'normal', workingDays: '', assignmentNo: String(o311Case.assignmentNo) })
        .expect(303);
    }
    const webCase = await until(() => Case.findOne({ number: receipt.number, noticeId: { $ne: null } }).lean());
    await until(() => Case.findOne({ _id: apiFiled.body.id, noticeId: { $ne: null } }).lean());
    await until(() => Case.findOne({ _id: fed.body.id, noticeId: { $ne: null } }).lean());
    await until(() => Case.findOne({ _id: o311Case._id, noticeId: { $ne: null } }).lean());

    // What the scan looks for is what was stored, exactly as the filers gave it.
    for (const who of FILERS) expect(await Complainant.countDocuments({ name: who.name, phone: who.phone, email: who.email })).toBe(1);

    // Commission staff read the web filer's identity, giving a reason (recorded, and logged without it).
    const webCasePage = await jw.agent.get(`/commission/cases/${String(webCase._id)}`).expect(200);
    const revealed = await jw.agent.post(`/commission/cases/${String(webCase._id)}/identity`).type('form').send({ _csrf: formTokens(webCasePage.text).csrf, reason: '需电话核实情况' }).expect(200);
    expect(revealed.text).toContain(WEB.name); // the scan below would not find what is never shown

    // 5. WS03 handles the web complaint on its pages and through the API.
    await givenUser('unit', { username: 'ws03', unitCode: 'WS03' });
    const ws03Page = browser(t.app);
    await ws03Page.login('ws03');
    const ws03Api = await apiAs(t.app, 'unit', 'WS03');
    const wsCase = await ws03Page.agent.get(`/unit/cases/${String(webCase._id)}`).expect(200);
    unitSaw('WS03 sign (page)', await ws03Page.agent.post(`/unit/cases/${String(webCase._id)}/sign`).type('form').send({ _csrf: formTokens(wsCase.text).csrf }).expect(303));
    unitSaw('WS03 contact', await ws03Api.post(`/cases/${String(webCase._id)}/contact`, { at: '2026-03-02T10:00', means: 'platform', note: '已通过平台联系投诉人' }).expect(201));
    unitSaw('WS03 question', await ws03Api.post(`/cases/${String(webCase._id)}/questions`, { text: '请补充办理窗口的编号和日期。' }).expect(201));
    // The filer answers on the tracking page.
    const tracker = browser(t.app);
    const tcsrf = await tracker.csrf('/track');
    await tracker.agent.post('/track/supplement').type('form').send({ _csrf: tcsrf, code: receipt.code, secret: receipt.secret, text: '是 3 号窗口，二月二十六日上午。' }).expect(200);
    unitSaw('WS03 report 1', await ws03Api.post(`/cases/${String(webCase._id)}/reports`, REPORT).expect(201));
    await staff.post(`/cases/${String(webCase._id)}/reports/1/decision`, { accept: false, reasons: '未说明对窗口人员的处理，退回重办。', workingDays: 5 }).expect(200);
    unitSaw('WS03 report 2', await ws03Api.post(`/cases/${String(webCase._id)}/reports`, REPORT).expect(201));
    await staff.post(`/cases/${String(webCase._id)}/reports/2/decision`, { accept: true }).expect(200);
    // The filer rates it, dissatisfied; the commission calls back and closes it with a note.
    await tracker.agent.post('/track/rate').type('form').send({ _csrf: tcsrf, code: receipt.code, secret: receipt.secret, rating: 'dissatisfied', comment: '窗口态度仍然不好。' }).expect(200);
    await staff.post(`/cases/${String(webCase._id)}/follow-up`, { result: 'basically_satisfied', note: '电话回访，基本认可。' }).expect(201);
    await staff.post(`/cases/${String(webCase._id)}/close`, { note: '回访后基本认可，归档。' }).expect(200);

    // 6. CM02 handles the supervisor's feedback: signs, reports; the commission accepts.
    const cm02Api = await apiAs(t.app, 'unit', 'CM02');
    unitSaw('CM02 sign', await cm02Api.post(`/cases/${String(fed.body.id)}/sign`).expect(200), cm02Seen);
    unitSaw('CM02 report', await cm02Api.post(`/cases/${String(fed.body.id)}/reports`, REPORT).expect(201), cm02Seen);
    await staff.post(`/cases/${String(fed.body.id)}/reports/1/decision`, { accept: true }).expect(200);

    // 7. LE02 does not sign: the sweep reminds it; the commission urges one case and supervises the other.
    at('2026-03-04T00:30:00');
    expect((await sweepNow(t.ctx)).length).toBeGreaterThan(0);
    const urgePage = await jw.agent.get(`/commission/cases/${String(o311Case._id)}`).expect(200);
    await jw.agent.post(`/commission/cases/${String(o311Case._id)}/urge`).type('form').send({ _csrf: formTokens(urgePage.text).csrf }).expect(303);
    await jw.agent.post(`/commission/cases/${String(apiFiled.body.id)}/supervise`).type('form').send({ _csrf: formTokens(urgePage.text).csrf }).expect(303);
    await until(() => SupervisionNotice.findOne({ caseId: apiFiled.body.id }).lean());

    // Every mail owed so far has gone out: the outbox has nothing pending.
    await until(async () => (await Notification.countDocuments({ status: 'pending' })) === 0 && (await Notification.countDocuments()) > 0);

    // --- What a unit can get: its inbox and tabs, case pages, notices, supervision notices, metrics; the API.
    for (const [code, username] of [
      ['WS03', 'ws03'],
      ['LE02', 'le02'],
      ['CM02', 'cm02'],
    ] as const) {
      const unit = await unitByCode(code);
      if (code !== 'WS03') await givenUser('unit', { username, unitCode: code });
      const b = code === 'WS03' ? ws03Page : browser(t.app);
      if (code !== 'WS03') await b.login(username);
      const api = code === 'WS03' ? ws03Api : await apiAs(t.app, 'unit', code);
      const own = code === 'CM02' ? cm02Seen : undefined;
      const get = async (path: string) => unitSaw(`${code} ${path}`, await b.agent.get(path).expect(200), own);
      await get('/unit/cases');
      for (const tab of INBOX_TABS) await get(`/unit/cases?tab=${tab}`);
      const cases = await Case.find({ unitHistory: unit._id }, { _id: 1 }).lean();
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) await get(`/unit/cases/${String(c._id)}`);
      for (const n of await Notice.find({ unitId: unit._id }).lean()) await get(`/notices/${String(n._id)}`);
      for (const n of await SupervisionNotice.find({ unitId: unit._id }).lean()) await get(`/supervision-notices/${String(n._id)}`);
      await get('/unit/metrics');
      const apiGet = async (path: string) => unitSaw(`${code} API ${path}`, await api.get(path).expect(200), own);
      for (const path of ['/me', '/cases', '/units', '/categories', `/units/${String(unit._id)}/metrics`, `/units/${String(unit._id)}/sanctions`]) await apiGet(path);
      for (const c of cases) await apiGet(`/cases/${String(c._id)}`);
    }
    expect(unitSeen.filter((s) => s.where.includes('/supervision-notices/')).length).toBe(1);

    // --- What anyone can get without a secret or with a unit's key.
    const anon = browser(t.app);
    const pub = async (where: string, res: request.Response) => publicSeen.push({ where, text: bodyOf(res) });
    for (const path of ['/', '/complaints/new', '/track', '/public/evaluations', '/healthz', '/api/v1/openapi.json', '/open311/v2/services.json', '/open311/v2/services.xml']) await pub(path, await anon.agent.get(path));
    const acsrf = await anon.csrf('/track');
    await pub('tracking page, wrong secret', await anon.agent.post('/track').type('form').send({ _csrf: acsrf, code: receipt.code, secret: 'AAAAAAAAAAAAAAAA' }).expect(404));
    await pub('tracking API, wrong secret', await request(t.app).post('/api/v1/tracking').send({ code: receipt.code, secret: 'AAAAAAAAAAAAAAAA' }).expect(404));
    await pub('receipt page in another browser', await anon.agent.get('/complaints/received').expect(200));
    await pub('receipt page reloaded by the filer', await citizen.agent.get('/complaints/received').expect(200));
    for (const key of ['', ws03Api.token]) {
      for (const path of ['/open311/v2/requests.json', `/open311/v2/requests/${receipt.number}.json`, `/open311/v2/requests.xml`]) await pub(`open311 ${path} key=${key ? 'unit' : 'none'}`, await request(t.app).get(`${path}?api_key=${key}`));
    }
    // Open311 reads with a commission key are the machine format, a whitelist without the filer.
    for (const path of ['/open311/v2/requests.json', `/open311/v2/requests/${receipt.number}.json`, `/open311/v2/requests/${o311Case.number}.xml`]) {
      await pub(`open311 ${path} key=commission`, await request(t.app).get(`${path}?api_key=${staff.token}`).expect(200));
    }

    // --- Every mail, as each of its recipients sees it (To/Cc headers, subject, text): nobody's
    // identity but the recipient's own. A mail to a filer and the supervisor who filed for them
    // must not show either address to the other.
    const mails = t.smtp.mails;
    expect(mails.length).toBeGreaterThan(5);
    const mailLeaks = mails.flatMap((m, i) =>
      m.to.flatMap((rcpt) =>
        leaks([{ where: `mail ${i} "${m.subject}" as ${rcpt} sees it`, text: `${m.headers}\n${m.subject}\n${m.text}` }], [...FILERS, SUPERVISOR].filter((who) => who.email !== rcpt)),
      ),
    );
    expect(mails.some((m) => m.to.includes(SUPERVISOR.email))).toBe(true);
    expect(mails.some((m) => m.to.includes(MET.email))).toBe(true);
    expect(mails.some((m) => m.to.includes(WEB.email))).toBe(true);

    // --- The logs of the app and the workers, at trace level.
    expect(t.logs.length).toBeGreaterThan(20);
    const logLeaks = leaks([{ where: 'logs', text: t.logs.join('') }], [...FILERS, SUPERVISOR]);

    // --- Every key under the test's Redis prefix: job payloads (completed and failed too), results, events.
    const redis = t.ctx.redis;
    const redisSeen: Seen[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${t.ctx.config.REDIS_PREFIX}:*`, 'COUNT', 500);
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'string' ? await redis.get(key)
          : type === 'hash' ? JSON.stringify(await redis.hgetall(key))
          : type === 'list' ? JSON.stringify(await redis.lrange(key, 0, -1))
          : type === 'set' ? JSON.stringify(await redis.smembers(key))
          : type === 'zset' ? JSON.stringify(await redis.zrange(key, 0, -1))
          : type === 'stream' ? JSON.stringify(await redis.xrange(key, '-', '+'))
          : '';
        redisSeen.push({ where: `redis ${key}`, text: `${key}\n${value}` });
      }
      cursor = next;
    } while (cursor !== '0');
    const jobs = (await Promise.all(t.ctx.queues.all().map((q) => q.getJobs(['completed', 'failed', 'delayed', 'waiting', 'active', 'prioritized'], 0, -1)))).flat();
    expect(jobs.length).toBeGreaterThan(10);
    const jobSeen = jobs.map((j) => ({ where: `job ${j.queueName}/${j.name}/${j.id}`, text: JSON.stringify({ id: j.id, name: j.name, data: j.data, returnvalue: j.returnvalue, failedReason: j.failedReason, stacktrace: j.stacktrace }) }));

    expect({
      unit: leaks(unitSeen, [...FILERS, SUPERVISOR]),
      supervisorsChannelToCM02: leaks(cm02Seen, [], [...CHANNEL_TELLTALES, '城关镇城管中队']),
      public: leaks(publicSeen, [...FILERS, SUPERVISOR]),
      mails: mailLeaks,
      logs: logLeaks,
      redis: leaks(redisSeen, [...FILERS, SUPERVISOR]),
      jobs: leaks(jobSeen, [...FILERS, SUPERVISOR]),
    }).toEqual({ unit: [], supervisorsChannelToCM02: [], public: [], mails: [], logs: [], redis: [], jobs: [] });
  }, 180_000); // a county week through real services: about a minute on a busy CI machine
});
