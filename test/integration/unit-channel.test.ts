import { Case } from '../../src/cases/case.model';
import { Notice } from '../../src/routing/notice.model';
import { unitEmail } from '../../src/seed/seed.service';
import { useTestApp } from '../helpers/app';
import { givenUser, unitByCode } from '../helpers/builders';
import { apiAs } from '../helpers/cases';
import { browser } from '../helpers/http';
import { until } from '../helpers/wait';

// Issue 12, finding 9: units cannot tell that a special supervisor filed.
const t = useTestApp({ smtp: true, workers: true });

const CONCERNS = '城关镇财政所副所长';
/** What would tell a unit a supervisor filed it, on a page, in JSON or in a mail. */
const TELLTALES = ['监督员', 'Supervisor', '"supervisor"', '此问题是我接触的群众反映的', 'A citizen I met', 'fromCitizenMet', CONCERNS];

async function supervisorFeedback(unitCode: string) {
  const unit = await unitByCode(unitCode);
  const supervisor = await apiAs(t.app, 'supervisor');
  const res = await supervisor
    .post('/complaints', { categoryCode: 'favours', unitId: String(unit._id), description: '财政所在拨付补贴时要求群众请客送礼，群众不敢声张。', concerns: CONCERNS, fromCitizenMet: true })
    .expect(201);
  const c = await until(() => Case.findOne({ _id: res.body.id, noticeId: { $ne: null } }).lean());
  return { id: res.body.id as string, c };
}

const expectNoTelltale = (what: string, text: string) => {
  for (const word of TELLTALES) expect({ what, found: text.includes(word) ? word : null }).toEqual({ what, found: null });
};

describe('what a unit learns about how a case came in', () => {
  it('when a special supervisor files feedback from a citizen they met, then the unit sees the neutral channel on every page, API answer and mail; the commission sees the real one', async () => {
    const { id, c } = await supervisorFeedback('WS02');
    expect(c.channel).toBe('supervisor');

    await givenUser('unit', { username: 'ws02', unitCode: 'WS02' });
    const unitBrowser = browser(t.app);
    await unitBrowser.login('ws02');
    const inbox = await unitBrowser.agent.get('/unit/cases').expect(200);
    expectNoTelltale('inbox', inbox.text);
    const page = await unitBrowser.agent.get(`/unit/cases/${id}`).expect(200);
    expectNoTelltale('case page', page.text);
    expect(page.text).toContain('来信来访');
    const notice = await Notice.findOne({ caseId: id }).lean();
    expectNoTelltale('notice', (await unitBrowser.agent.get(`/notices/${String(notice!._id)}`).expect(200)).text);

    const api = await apiAs(t.app, 'unit', 'WS02');
    const list = await api.get('/cases').expect(200);
    expect(list.body.cases[0].channel).toBe('commission');
    expectNoTelltale('API list', JSON.stringify(list.body));
    const one = await api.get(`/cases/${id}`).expect(200);
    expect(one.body.channel).toBe('commission');
    expectNoTelltale('API case', JSON.stringify(one.body));
    // Every answer of a unit's action carries the case the same way.
    const signed = await api.post(`/cases/${id}/sign`).expect(200);
    expect(signed.body.channel).toBe('commission');

    const unit = await unitByCode('WS02');
    const mails = (await until(async () => {
      const ms = t.smtp.mails.filter((m) => m.to.includes(unitEmail(unit.code)));
      return ms.length ? ms : null;
    }));
    for (const m of mails) expectNoTelltale(`mail ${m.subject}`, `${m.subject}\n${m.text}`);

    // The commission sees how it came in and who brought it.
    await givenUser('commission', { username: 'jw' });
    const staff = browser(t.app);
    await staff.login('jw');
    const staffPage = await staff.agent.get(`/commission/cases/${id}`).expect(200);
    expect(staffPage.text).toContain('监督员');
    expect(staffPage.text).toContain('此问题是我接触的群众反映的');
    expect(staffPage.text).toContain(CONCERNS);
    const commission = await apiAs(t.app, 'commission');
    expect((await commission.get(`/cases/${id}`).expect(200)).body.channel).toBe('supervisor');
  });

  it('when a case came by phone or the web, then the unit sees the same neutral channel, so channels cannot be told apart', async () => {
    const unit = await unitByCode('WS02');
    const commission = await apiAs(t.app, 'commission');
    await commission.post('/complaints', { categoryCode: 'efficiency', unitId: String(unit._id), description: '社保窗口排队两小时未办成，电话反映。', channel: 'phone' }).expect(201);
    await supervisorFeedback('WS02');
    await until(async () => (await Case.countDocuments({ noticeId: { $ne: null } })) === 2);
    const api = await apiAs(t.app, 'unit', 'WS02');
    const list = await api.get('/cases').expect(200);
    expect(list.body.cases.map((x: { channel: string }) => x.channel)).toEqual(['commission', 'commission']);
  });
});
