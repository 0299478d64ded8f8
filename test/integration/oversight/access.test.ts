import request from 'supertest';
import { useTestApp } from '../../helpers/app';
import { givenUser } from '../../helpers/builders';
import { apiAs } from '../../helpers/cases';
import { browser } from '../../helpers/http';

// Who may see the dashboard and the rankings (no cases needed: the role checks come first).

const t = useTestApp({ seed: 'once' });
jest.setTimeout(180000); // seeding the 70 units is slow on a busy shared server

it('when a unit or a supervisor token asks for the monthly ranking, then 403; commission and administrator get it; no token 401', async () => {
  for (const role of ['unit', 'supervisor'] as const) await (await apiAs(t.app, role, role === 'unit' ? 'LE01' : undefined)).get('/rankings/monthly?month=2026-03').expect(403);
  for (const role of ['commission', 'admin'] as const) {
    const res = await (await apiAs(t.app, role)).get('/rankings/monthly?month=2026-03').expect(200);
    expect(res.body.series.map((s: { code: string }) => s.code)).toEqual(['law_enforcement', 'comprehensive_management', 'window_service']);
  }
  await request(t.app).get('/api/v1/rankings/monthly?month=2026-03').expect(401);
});

it('when a unit or a supervisor opens the dashboard or the live ranking, then 403; a unit sees its published rankings page', async () => {
  for (const role of ['unit', 'supervisor'] as const) {
    const u = await givenUser(role, { unitCode: role === 'unit' ? 'LE01' : undefined });
    const b = browser(t.app);
    await b.login(u.username);
    await b.agent.get('/commission').expect(403);
    await b.agent.get('/commission/rankings').expect(403);
    await b.agent.get('/commission/rankings/history').expect(403);
    if (role === 'unit') expect((await b.agent.get('/unit/rankings').expect(200)).text).toContain('id="no-history"');
  }
});
