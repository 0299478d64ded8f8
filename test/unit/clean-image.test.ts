import sharp from 'sharp';
import { cleanImage, createLimiter, maxCleanBytes, type ImageLimits } from '../../src/platform/files/clean-image';
import { animatedGifWithComment, jpegs, leaks, pngChunks, pngs, webpWithExifXmp } from '../helpers/images';

const LIMITS: ImageLimits = { maxPixels: 50_000_000, concurrency: 1, threads: 1, timeoutSeconds: 30 };

/** What a clean picture must be: decodable, and without EXIF, XMP, ICC or comments. */
async function expectNoMetadata(buf: Buffer) {
  const meta = await sharp(buf).metadata();
  expect(meta.exif).toBeUndefined();
  expect(meta.xmp).toBeUndefined();
  expect(meta.icc).toBeUndefined();
  expect(meta.comments).toBeUndefined();
  expect(leaks(buf)).toEqual([]);
}

async function cleaned(buf: Buffer, type: string): Promise<Buffer> {
  const result = await cleanImage(buf, type, LIMITS);
  if (!result.cleaned) throw new Error(`not cleaned: ${result.reason}`);
  return result.data;
}

describe('pictures are re-encoded without metadata before units can see them', () => {
  it('when a phone JPEG carries EXIF (name, GPS), a comment and a sideways orientation, then the copy has none of it and stands upright', async () => {
    const { exifGpsComment } = await jpegs();
    expect(leaks(exifGpsComment)).toEqual(expect.arrayContaining(['Zhang San', 'GPS 31.2304N 121.4737E']));
    const out = await cleaned(exifGpsComment, 'image/jpeg');
    await expectNoMetadata(out);
    const meta = await sharp(out).metadata();
    expect([meta.format, meta.width, meta.height, meta.orientation]).toEqual(['jpeg', 20, 40, undefined]);
    // Orientation 6 means "turn a quarter clockwise": the left (red) half is now on top.
    const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3)];
    expect(pixel(10, 5)[0]).toBeGreaterThan(150);
    expect(pixel(10, 35)[2]).toBeGreaterThan(150);
  });

  it.each(['fillBytes', 'trailerWithJpeg', 'exifAfterScan'] as const)('when a JPEG is unusual the way phones write them (%s), then the copy is clean', async (name) => {
    const input = (await jpegs())[name];
    expect(leaks(input).length).toBeGreaterThan(0);
    const out = await cleaned(input, 'image/jpeg');
    await expectNoMetadata(out);
    // One image only: neither the trailer's second JPEG nor anything after EOI survives.
    expect(out.indexOf(Buffer.from([0xff, 0xd8]), 2)).toBe(-1);
    expect(out.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
  });

  it('when a JPEG segment runs past the end of the file, then it is not cleaned (and so is withheld)', async () => {
    const result = await cleanImage((await jpegs()).lengthPastEnd, 'image/jpeg', LIMITS);
    expect(result).toMatchObject({ cleaned: false, reason: expect.stringMatching(/JPEG/) });
  });

  it('when a PNG carries tEXt, iTXt, eXIf, tIME and a private chunk, then only image chunks remain', async () => {
    const input = (await pngs()).textTimeExifPrivate;
    expect(pngChunks(input).map((c) => c.type)).toEqual(expect.arrayContaining(['tEXt', 'iTXt', 'eXIf', 'tIME', 'prVt']));
    const out = await cleaned(input, 'image/png');
    await expectNoMetadata(out);
    for (const type of pngChunks(out).map((c) => c.type)) expect(['IHDR', 'PLTE', 'tRNS', 'pHYs', 'IDAT', 'IEND']).toContain(type);
  });

  it.each(['badDataCrc', 'badLength'] as const)('when a PNG chunk is broken (%s), then it is not cleaned', async (name) => {
    expect((await cleanImage((await pngs())[name], 'image/png', LIMITS)).cleaned).toBe(false);
  });

  it('when a WEBP carries EXIF and XMP, then the copy has neither', async () => {
    const input = await webpWithExifXmp();
    expect(leaks(input)).toEqual(expect.arrayContaining(['Zhang San', 'Li Si']));
    const out = await cleaned(input, 'image/webp');
    await expectNoMetadata(out);
    expect((await sharp(out).metadata()).format).toBe('webp');
  });

  it('when an animated GIF carries a comment, then the copy has no comment and is still animated', async () => {
    const input = await animatedGifWithComment();
    expect(leaks(input)).toEqual(expect.arrayContaining(['Zhang San']));
    const out = await cleaned(input, 'image/gif');
    await expectNoMetadata(out);
    const meta = await sharp(out, { animated: true }).metadata();
    expect([meta.format, meta.pages, meta.delay, meta.loop]).toEqual(['gif', 2, [120, 120], 0]);
  });

  it('when a file is a PDF or HEIC, then it is not cleaned', async () => {
    expect(await cleanImage(Buffer.from('%PDF-1.4\n/Author (Zhang San)\n%%EOF\n'), 'application/pdf', LIMITS)).toEqual({ cleaned: false, reason: 'type_not_cleanable' });
    expect((await cleanImage(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1'), 'image/heic', LIMITS)).cleaned).toBe(false);
  });

  it('when a picture has more pixels than allowed, then it is not decoded (memory stays bounded)', async () => {
    const big = await sharp({ create: { width: 1500, height: 1000, channels: 3, background: 'white' } }).png().toBuffer();
    expect(await cleanImage(big, 'image/png', { ...LIMITS, maxPixels: 1_000_000 })).toEqual({ cleaned: false, reason: expect.stringMatching(/pixel limit/) });
    expect((await cleanImage(big, 'image/png', { ...LIMITS, maxPixels: 2_000_000 })).cleaned).toBe(true);
  });
});

describe('the size of a cleaned copy', () => {
  it('when a small upload would re-encode to a much larger copy, then that copy is not kept (the file goes to the commission only)', async () => {
    // A one-pixel checkerboard is a few bytes as lossless WEBP and tens of KB written lossy again.
    const w = 400;
    const px = Buffer.alloc(w * w * 3);
    for (let i = 0; i < w * w; i++) px.fill(((i % w) ^ Math.floor(i / w)) & 1 ? 255 : 0, i * 3, i * 3 + 3);
    const small = await sharp(px, { raw: { width: w, height: w, channels: 3 } }).webp({ lossless: true }).toBuffer();
    expect(small.length).toBeLessThan(1000);
    expect(await cleanImage(small, 'image/webp', { ...LIMITS, keepCopyBytes: 0 })).toEqual({ cleaned: false, reason: 'cleaned_copy_too_large' });
    // Under the default allowance (2 MB whatever the upload), the same picture is kept.
    expect((await cleanImage(small, 'image/webp', LIMITS)).cleaned).toBe(true);
    expect(maxCleanBytes(80_000)).toBe(2 * 1024 * 1024);
    expect(maxCleanBytes(1_000_000)).toBe(4_000_000);
    expect(maxCleanBytes(5_000_000)).toBe(10 * 1024 * 1024);
  });
});

describe('the cleaning limiter', () => {
  it('when more tasks arrive than slots, then the others wait and run in order as slots free up', async () => {
    const run = createLimiter(2);
    const gates: (() => void)[] = [];
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const task = (i: number) =>
      run(async () => {
        started.push(i);
        peak = Math.max(peak, ++running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return i;
      });
    const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
    const tasks = [task(0), task(1), task(2)];
    await flush();
    expect(started).toEqual([0, 1]);
    gates.shift()!(); // 0 ends: its slot goes to 2
    await flush();
    expect(started).toEqual([0, 1, 2]);
    tasks.push(task(3)); // arrives while 1 and 2 hold both slots: it waits
    await flush();
    expect(started).toEqual([0, 1, 2]);
    while (gates.length) {
      gates.shift()!();
      await flush();
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
  });

  it('when a task fails, then its slot is freed for the next', async () => {
    const run = createLimiter(1);
    await expect(run(() => Promise.reject(new Error('bad picture')))).rejects.toThrow('bad picture');
    expect(await run(() => Promise.resolve('next'))).toBe('next');
  });
});
