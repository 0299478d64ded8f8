import mongoose from 'mongoose';
import sharp from 'sharp';
import { Case } from '../../src/cases/case.model';
import { givenUser, unitByCode } from '../helpers/builders';
import { browser, formTokens } from '../helpers/http';
import { useTestApp } from '../helpers/app';
import { animatedGifWithComment, jpegs, leaks, pngs, webpWithExifXmp } from '../helpers/images';
import { until } from '../helpers/wait';

// The whole path a photo takes: the public form, GridFS, and what the unit handling the case can
// download. Units must get either a clean re-encoded picture or nothing (withheld).

const t = useTestApp({ smtp: true, workers: true });

type Agent = ReturnType<typeof browser>['agent'];

async function download(agent: Agent, url: string) {
  return agent
    .get(url)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (d: Buffer) => chunks.push(d));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
}

async function storedBytes(fileId: mongoose.Types.ObjectId): Promise<Buffer> {
  const chunks = await mongoose.connection.db!.collection('attachments.chunks').find({ files_id: fileId }).sort({ n: 1 }).toArray();
  return Buffer.concat(chunks.map((c) => Buffer.from((c.data as { buffer: Uint8Array }).buffer)));
}

/** Files a complaint naming unit LE01 with these files, and waits until it is assigned there. */
async function fileWith(files: { name: string; data: Buffer }[], description: string) {
  const unit = await unitByCode('LE01');
  const b = browser(t.app);
  const { csrf, idempotencyKey } = formTokens((await b.agent.get('/complaints/new').expect(200)).text);
  let req = b.agent
    .post(`/complaints?_csrf=${encodeURIComponent(csrf)}`)
    .field('idempotencyKey', idempotencyKey!)
    .field('categoryCode', 'conduct')
    .field('unitId', String(unit._id))
    .field('description', description);
  for (const f of files) req = req.attach('attachments', f.data, f.name);
  await req.expect(303);
  return until(() => Case.findOne({ description, status: 'assigned' }).lean());
}

describe('photos reach the unit only without their metadata', () => {
  it('when a citizen uploads photos carrying name and position, then the unit downloads clean copies or nothing, and the commission keeps every file', async () => {
    const j = await jpegs();
    const p = await pngs();
    const first = await fileWith(
      [
        { name: 'IMG_0001.jpg', data: j.exifGpsComment },
        { name: 'motion.jpg', data: j.trailerWithJpeg },
        { name: 'screen.png', data: p.textTimeExifPrivate },
        { name: 'broken.png', data: p.badDataCrc },
        { name: 'anim.gif', data: await animatedGifWithComment() },
      ],
      '村干部工作时间聚众打牌，附现场照片。',
    );
    const second = await fileWith(
      [
        { name: 'a.webp', data: await webpWithExifXmp() },
        { name: 'fill.jpg', data: j.fillBytes },
        { name: 'cut.jpg', data: j.lengthPastEnd },
        { name: 'late.jpg', data: j.exifAfterScan },
      ],
      '窗口工作人员索要好处费，附照片。',
    );

    await givenUser('unit', { username: 'le01', unitCode: 'LE01' });
    const unit = browser(t.app);
    await unit.login('le01');
    await givenUser('commission', { username: 'wang' });
    const commission = browser(t.app);
    await commission.login('wang');

    // Which files could not be decoded and so are withheld: the cut JPEG and the PNG with a bad CRC.
    const withheld = new Set([`${String(first._id)}:4`, `${String(second._id)}:3`]);
    const sent = new Map<string, Buffer>([
      [`${String(first._id)}:1`, j.exifGpsComment],
      [`${String(first._id)}:4`, p.badDataCrc],
      [`${String(second._id)}:3`, j.lengthPastEnd],
    ]);

    for (const c of [first, second]) {
      for (const [i, a] of c.attachments.entries()) {
        const key = `${String(c._id)}:${i + 1}`;
        const url = `/cases/${String(c._id)}/attachments/${i + 1}`;
        const stored = await storedBytes(a.fileId);
        const asUnit = await download(unit.agent, url);
        const asCommission = await download(commission.agent, url);
        expect(asCommission.status).toBe(200);
        if (withheld.has(key)) {
          expect({ key, cleaned: a.cleaned, unit: asUnit.status }).toEqual({ key, cleaned: false, unit: 404 });
          // Nothing submitted is lost: the commission gets the file exactly as sent.
          expect(Buffer.compare(asCommission.body as Buffer, sent.get(key)!)).toBe(0);
        } else {
          expect({ key, cleaned: a.cleaned, unit: asUnit.status }).toEqual({ key, cleaned: true, unit: 200 });
          const body = asUnit.body as Buffer;
          expect({ key, leaks: leaks(body), stored: leaks(stored) }).toEqual({ key, leaks: [], stored: [] });
          expect(Buffer.compare(body, stored)).toBe(0);
          const meta = await sharp(body).metadata();
          expect({ key, exif: meta.exif, xmp: meta.xmp, comments: meta.comments, type: `image/${meta.format}` }).toEqual({ key, exif: undefined, xmp: undefined, comments: undefined, type: a.contentType });
          expect(asUnit.headers['content-type']).toBe(a.contentType);
        }
      }
    }
    // The sideways phone photo arrives upright.
    const upright = await sharp((await download(unit.agent, `/cases/${String(first._id)}/attachments/1`)).body as Buffer).metadata();
    expect([upright.width, upright.height]).toEqual([20, 40]);
    expect(leaks(sent.get(`${String(first._id)}:1`)!).length).toBeGreaterThan(0);

    // The unit's case page lists the withheld file without a link, and links the clean ones.
    const page = (await unit.agent.get(`/unit/cases/${String(first._id)}`).expect(200)).text;
    expect(page).toContain('仅纪委监委可查看');
    expect(page).toContain(`/cases/${String(first._id)}/attachments/1"`);
    expect(page).not.toContain(`/cases/${String(first._id)}/attachments/4"`);
  });

  it('when a case holds an attachment stored before cleaning existed (no cleaned flag), then the unit cannot open it', async () => {
    const c = await fileWith([{ name: 'old.png', data: (await pngs()).textTimeExifPrivate }], '旧附件，清理功能上线前保存。');
    await mongoose.connection.db!.collection('cases').updateOne({ _id: c._id }, { $unset: { 'attachments.0.cleaned': '' } });
    await givenUser('unit', { username: 'le01', unitCode: 'LE01' });
    const unit = browser(t.app);
    await unit.login('le01');
    await unit.agent.get(`/cases/${String(c._id)}/attachments/1`).expect(404);
  });
});
