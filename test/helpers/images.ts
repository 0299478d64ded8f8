import { crc32 } from 'node:zlib';
import sharp from 'sharp';

// Pictures carrying planted personal data, made with sharp and by byte surgery the way phones
// and editors write them. A cleaned copy must contain none of the planted strings.

export const NAME = 'Zhang San';
export const GPS = 'GPS 31.2304N 121.4737E';
export const PLANTED = [NAME, GPS, 'Li Si', 'motion-photo'];

/** A 40×20 picture, left half red, right half blue: an upright copy is 20×40 with red on top. */
async function halves() {
  const w = 40;
  const h = 20;
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(x < w / 2 ? [220, 20, 20] : [20, 20, 220], (y * w + x) * 3);
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } });
}

function jpegSegment(marker: number, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

/** The APP1 EXIF segment of a JPEG sharp wrote with the planted name and position. */
async function exifSegment(): Promise<Buffer> {
  const jpg = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'white' } })
    .jpeg()
    .withExif({ IFD0: { ImageDescription: GPS, Artist: NAME, Copyright: NAME } })
    .toBuffer();
  for (let i = 2; i + 4 <= jpg.length; ) {
    const length = jpg.readUInt16BE(i + 2);
    if (jpg[i + 1] === 0xe1) return jpg.subarray(i, i + 2 + length);
    i += 2 + length;
  }
  throw new Error('sharp wrote no EXIF segment');
}

const comment = () => jpegSegment(0xfe, `taken by ${NAME} at ${GPS}`);

/** A plain small JPEG (no metadata), split after its SOI marker. */
async function plainJpeg(): Promise<{ soi: Buffer; rest: Buffer; whole: Buffer }> {
  const whole = await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 30, g: 160, b: 30 } } }).jpeg().toBuffer();
  return { soi: whole.subarray(0, 2), rest: whole.subarray(2), whole };
}

export async function jpegs() {
  const exif = await exifSegment();
  const { soi, rest, whole } = await plainJpeg();
  const eoiAt = whole.length - 2;
  return {
    /** A phone photo: EXIF with name and position, orientation 6 (taken sideways), a comment. */
    exifGpsComment: await (await halves())
      .jpeg()
      .withExif({ IFD0: { ImageDescription: GPS, Artist: NAME } })
      .withMetadata({ orientation: 6 })
      .toBuffer()
      .then((b) => Buffer.concat([b.subarray(0, 2), comment(), b.subarray(2)])),
    /** Fill bytes 0xFF before markers (allowed by the JPEG standard, which the old parser refused). */
    fillBytes: Buffer.concat([soi, Buffer.from([0xff, 0xff, 0xff]), exif, Buffer.from([0xff, 0xff]), comment(), rest]),
    /** An APP2 segment whose length runs past the end of the file. */
    lengthPastEnd: Buffer.concat([soi, exif, comment(), Buffer.from([0xff, 0xe2, 0xff, 0xf0]), Buffer.from(`${NAME} ${GPS}`, 'latin1')]),
    /** Samsung / motion-photo style: after EOI a trailer holding a second JPEG with its own EXIF. */
    trailerWithJpeg: Buffer.concat([whole, Buffer.from('motion-photo', 'latin1'), soi, exif, comment(), rest]),
    /** EXIF and a comment after the image data starts (between the scan and EOI). */
    exifAfterScan: Buffer.concat([whole.subarray(0, eoiAt), exif, comment(), whole.subarray(eoiAt)]),
  };
}

function pngChunk(type: string, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0);
  return Buffer.concat([len, typed, crc]);
}

/** Chunk types of a PNG, in order, with where each starts and ends. */
export function pngChunks(buf: Buffer): { type: string; start: number; end: number }[] {
  const out: { type: string; start: number; end: number }[] = [];
  for (let i = 8; i + 12 <= buf.length; ) {
    const end = i + 12 + buf.readUInt32BE(i);
    out.push({ type: buf.subarray(i + 4, i + 8).toString('latin1'), start: i, end });
    i = end;
  }
  return out;
}

export async function pngs() {
  const base = await sharp({ create: { width: 16, height: 8, channels: 3, background: { r: 0, g: 128, b: 0 } } })
    .png()
    .withExif({ IFD0: { Artist: NAME, ImageDescription: GPS } }) // an eXIf chunk
    .toBuffer();
  const [ihdr, ...others] = pngChunks(base);
  const planted = Buffer.concat([
    pngChunk('tEXt', `Author\0${NAME}`),
    pngChunk('iTXt', `Comment\0\0\0\0\0${GPS}`),
    pngChunk('tIME', Buffer.from([0x07, 0xea, 3, 1, 8, 0, 0])),
    pngChunk('prVt', `private ${NAME}`), // ancillary, private: decoders skip it, the old cleaner kept it
  ]);
  const full = Buffer.concat([base.subarray(0, 8), base.subarray(ihdr!.start, ihdr!.end), planted, ...others.map((c) => base.subarray(c.start, c.end))]);
  const broken = (type: string, edit: (b: Buffer, c: { start: number; end: number }) => void) => {
    const b = Buffer.from(full);
    edit(b, pngChunks(b).find((c) => c.type === type)!);
    return b;
  };
  return {
    textTimeExifPrivate: full,
    /** The image data's CRC is wrong. */
    badDataCrc: broken('IDAT', (b, c) => (b[c.end - 1] ^= 0xff)),
    /** A chunk claims 2 GB. */
    badLength: broken('prVt', (b, c) => b.writeUInt32BE(0x7fff0000, c.start)),
  };
}

export async function webpWithExifXmp(): Promise<Buffer> {
  const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Li Si</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`;
  return sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 200, b: 0 } } })
    .webp()
    .withExif({ IFD0: { Artist: NAME, ImageDescription: GPS } })
    .withXmp(xmp)
    .toBuffer();
}

/** A two-frame animated GIF with a comment extension naming the filer. */
export async function animatedGifWithComment(): Promise<Buffer> {
  const frame = (r: number, b: number) => sharp({ create: { width: 12, height: 10, channels: 3, background: { r, g: 0, b } } }).png().toBuffer();
  const gif = await sharp([await frame(255, 0), await frame(0, 255)], { join: { animated: true } }).gif({ delay: [120, 120], loop: 0 }).toBuffer();
  const tableBytes = gif[10]! & 0x80 ? 3 * (1 << ((gif[10]! & 7) + 1)) : 0;
  const at = 13 + tableBytes; // after the header, screen descriptor and global colour table
  const text = Buffer.from(`taken by ${NAME} at ${GPS}`, 'latin1');
  return Buffer.concat([gif.subarray(0, at), Buffer.from([0x21, 0xfe, text.length]), text, Buffer.from([0]), gif.subarray(at)]);
}

/** True when the bytes contain any planted string. */
export function leaks(buf: Buffer): string[] {
  const text = buf.toString('latin1');
  return PLANTED.filter((s) => text.includes(s));
}
