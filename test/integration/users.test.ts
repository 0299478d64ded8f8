import { verifyPassword } from '../../src/users/password';
import { User } from '../../src/users/user.model';
import { useTestApp } from '../helpers/app';
import { givenUser, unitByCode } from '../helpers/builders';
import { browser } from '../helpers/http';

const t = useTestApp();

async function asAdmin() {
  await givenUser('admin', { username: 'root' });
  const b = browser(t.app);
  await b.login('root');
  return { b, csrf: await b.csrf('/admin/users') };
}

describe('accounts kept by the administrator', () => {
  it('when the admin appoints a special supervisor, then the account has the term and area and can log in to the portal', async () => {
    const { b, csrf } = await asAdmin();
    await b.agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: csrf, username: 'jdy-zhou', displayName: '特邀监督员 周', role: 'supervisor', email: 'zhou@example.cn', password: 'long-enough-pass', termStart: '2026-01-01', termEnd: '2027-12-31', area: '城东片区' })
      .expect(303);
    const zhou = await User.findOne({ username: 'jdy-zhou' }).lean();
    expect(zhou!.supervisor).toMatchObject({ area: '城东片区' });
    expect(zhou!.supervisor!.termStart!.toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(await verifyPassword('long-enough-pass', zhou!.passwordHash)).toBe(true);

    const portal = browser(t.app);
    expect((await portal.login('jdy-zhou', 'long-enough-pass')).headers.location).toBe('/supervisor');
    expect((await portal.agent.get('/supervisor').expect(200)).text).toContain('城东片区');
  });

  it('when unit staff are added, then they are bound to their unit', async () => {
    const { b, csrf } = await asAdmin();
    const unit = await unitByCode('CM12');
    await b.agent.post('/admin/users').type('form').send({ _csrf: csrf, username: 'cm12-li', displayName: '李明', role: 'unit', unitId: String(unit._id), password: 'long-enough-pass' }).expect(303);
    expect(String((await User.findOne({ username: 'cm12-li' }).lean())!.unitId)).toBe(String(unit._id));
  });

  it('when the input is bad, then each field says why, the password is not echoed, and nothing is created', async () => {
    const { b, csrf } = await asAdmin();
    await givenUser('commission', { username: 'taken' });
    const before = await User.countDocuments();
    const res = await b.agent
      .post('/admin/users')
      .type('form')
      .send({ _csrf: csrf, username: 'A', displayName: 'x', role: 'unit', password: 'short', termStart: '2026-13-01' });
    expect(res.status).toBe(400);
    for (const field of ['username', 'displayName', 'unitId', 'password', 'termStart']) expect(res.text).toContain(`id="${field}-error"`);
    expect(res.text).not.toContain('value="short"');
    const dup = await b.agent.post('/admin/users').type('form').send({ _csrf: csrf, username: 'taken', displayName: '重复', role: 'commission', password: 'long-enough-pass' });
    expect(dup.status).toBe(400);
    expect(dup.text).toContain('用户名已存在');
    expect(await User.countDocuments()).toBe(before);
  });

  it('when an account is switched off, then it can no longer log in and its open session stops working', async () => {
    const { b, csrf } = await asAdmin();
    const li = await givenUser('unit', { username: 'li', unitCode: 'LE01' });
    const session = browser(t.app);
    await session.login('li');
    await session.agent.get('/unit/cases').expect(200);
    await b.agent.post(`/admin/users/${li._id}/active`).type('form').send({ _csrf: csrf, active: 'false' }).expect(303);
    await session.agent.get('/unit/cases').expect(302);
    expect((await browser(t.app).login('li')).status).toBe(401);
  });
});
