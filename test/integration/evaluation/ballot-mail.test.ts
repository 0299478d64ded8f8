import request from 'supertest';
import { Notification } from '../../../src/platform/mail/notification.model';
import { Representative } from '../../../src/evaluation/representative.model';
import { useTestApp } from '../../helpers/app';
import { apiAs } from '../../helpers/cases';

const t = useTestApp({ smtp: true, workers: true });
jest.setTimeout(60000);

describe('ballot links by mail', () => {
  it('when ballots are issued, then each member with an address gets their own link, the others none; after the close no record keeps a code', async () => {
    await Representative.insertMany([
      { kind: 'entrepreneur', name: '王企业', organization: '甲公司', email: 'wang@firm.example' },
      { kind: 'entrepreneur', name: '李企业', organization: '乙公司', phone: '13800000001' },
      { kind: 'public', name: '赵代表', publicRole: 'deputy', email: 'zhao@people.example' },
    ]);
    const staff = await apiAs(t.app, 'commission');
    const { id } = (await staff.post('/evaluations', { year: 2026, name: '2026年度双百双评', rules: { quota: { entrepreneur: 2, public: 1 }, minBallots: 1 } }).expect(201)).body;
    await staff.post(`/evaluations/${id}/draw`, { seed: 's' }).expect(200);
    const issued: { representativeId: string; code: string }[] = (await staff.post(`/evaluations/${id}/ballots/issue`).expect(200)).body;
    const mails = await t.smtp.waitForMails(2);
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['wang@firm.example', 'zhao@people.example']);
    const wang = await Representative.findOne({ name: '王企业' }).lean();
    const code = issued.find((i) => i.representativeId === String(wang!._id))!.code;
    const toWang = mails.find((m) => m.to[0] === 'wang@firm.example')!;
    expect(toWang.text).toContain(`/ballot/${code}`);
    expect(toWang.subject).toContain('2026年度双百双评');
    // The link opens that member's ballot.
    expect((await request(t.app).get(`/ballot/${code}`).expect(200)).text).toContain('2026年度双百双评');
    // Issuing again mails nobody twice.
    await staff.post(`/evaluations/${id}/ballots/issue`).expect(200);
    expect(await Notification.countDocuments({ kind: 'ballot-link' })).toBe(2);
    await staff.post(`/evaluations/${id}/close`).expect(200);
    const kept = JSON.stringify(await Notification.find({ kind: 'ballot-link' }).lean());
    // The record still says who was mailed (the panel is on record anyway), never the code.
    for (const i of issued) expect(kept).not.toContain(i.code);
    expect(kept).not.toMatch(/"code"|"representativeId"/);
  });
});
