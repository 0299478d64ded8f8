import request from 'supertest';
import { fileComplaint } from '../../src/intake/filing.service';
import { routeCase } from '../../src/routing/routing.service';
import { useTestApp } from '../helpers/app';
import { givenRoleClients, type RoleClients } from '../helpers/access-matrix';
import { unitByCode } from '../helpers/builders';

const t = useTestApp({ seed: 'once' });
let tokens: RoleClients['tokens'];

beforeAll(async () => {
  ({ tokens } = await givenRoleClients(t.app));
});

// Which role may open which page or API route is the access matrix (README, generated and checked
// by access-matrix.test.ts from the app's own route table); here, what an allowed role may read.
describe('what each role can read', () => {
  it('when cases exist for two units, then a unit token lists only its own unit\'s cases, without identity', async () => {
    const le01 = await unitByCode('LE01');
    const le02 = await unitByCode('LE02');
    const mine = await fileComplaint(t.ctx, { categoryCode: 'inaction', unitId: String(le01._id), description: '派出所办理户口迁移一拖再拖。', name: '王五', phone: '13911112222' }, { channel: 'web' });
    const other = await fileComplaint(t.ctx, { categoryCode: 'inaction', unitId: String(le02._id), description: '城管乱罚款，不开票据。' }, { channel: 'web' });
    await routeCase(t.ctx, mine.id);
    await routeCase(t.ctx, other.id);

    const list = await request(t.app).get('/api/v1/cases').set('Authorization', `Bearer ${tokens.unit}`).expect(200);
    expect(list.body.cases.map((c: { number: string }) => c.number)).toEqual([mine.number]);
    expect(JSON.stringify(list.body)).not.toMatch(/王五|13911112222/);
    await request(t.app).get(`/api/v1/cases/${other.id}`).set('Authorization', `Bearer ${tokens.unit}`).expect(404);
    const one = await request(t.app).get(`/api/v1/cases/${mine.id}`).set('Authorization', `Bearer ${tokens.unit}`).expect(200);
    expect(JSON.stringify(one.body)).not.toMatch(/王五|13911112222/);

    const all = await request(t.app).get('/api/v1/cases').set('Authorization', `Bearer ${tokens.commission}`).expect(200);
    expect(all.body.cases).toHaveLength(2);
    const supervisor = await request(t.app).get('/api/v1/cases').set('Authorization', `Bearer ${tokens.supervisor}`).expect(200);
    expect(supervisor.body.cases).toHaveLength(0); // they filed none
  });
});
