import request from 'supertest';
import { refreshSnapshot } from '../../../src/transparency/refresh.service';
import { TransparencySnapshot } from '../../../src/transparency/snapshot.model';
import { useTestApp } from '../../helpers/app';

// A new county: the first refresh finds no case at all, so the snapshot it creates holds empty
// totals and lists, and the refreshes after it (nothing changed) start from that snapshot. No
// workers here, so no scheduled refresh writes the snapshot first.

const t = useTestApp();
jest.setTimeout(60000);

it('when the first refresh found no case, then the next refresh with nothing changed keeps the page answering with zero totals', async () => {
  expect(await TransparencySnapshot.countDocuments()).toBe(0);
  expect((await refreshSnapshot(t.ctx)).mode).toBe('full');
  const next = await refreshSnapshot(t.ctx);
  expect([next.mode, next.written]).toEqual(['none', true]);
  const html = (await request(t.app).get('/public').expect(200)).text;
  expect(html).toMatch(/<dd data-total="filed">0<\/dd>/);
});
