// Reporter protection: photos from phones carry EXIF data (GPS position, device, owner name) that
// can identify the person who took them. Units see attachments, so metadata is removed before a
// file is stored. JPEG and PNG are rewritten here without a dependency; other types are stored
// as they came (see the note on the intake issue).

/** JPEG without APPn segments other than JFIF (APP0) and Adobe colour info (APP14), and without comments. */
export function stripJpeg(buf: Buffer): Buffer {
  if (buf[0] !== 0xff || buf[1] !== 0xd8) return buf;
  const out: Buffer[] = [buf.subarray(0, 2)];
  let i = 2;
  while (i + 4 <= buf.length) {
    if (buf[i] !== 0xff) return buf; // not a marker where one must be: leave the file alone
    const marker = buf[i + 1]!;
    if (marker === 0xda) {
      out.push(buf.subarray(i)); // start of scan: the image data and the rest are kept as they are
      return Buffer.concat(out);
    }
    const length = buf.readUInt16BE(i + 2);
    const segment = buf.subarray(i, i + 2 + length);
    const isApp = marker >= 0xe1 && marker <= 0xef && marker !== 0xee;
    const isComment = marker === 0xfe;
    if (!isApp && !isComment) out.push(segment);
    i += 2 + length;
  }
  return buf;
}

const PNG_DROP = new Set(['eXIf', 'tEXt', 'iTXt', 'zTXt', 'tIME']);

/** PNG without text, time and EXIF chunks. */
export function stripPng(buf: Buffer): Buffer {
  const out: Buffer[] = [buf.subarray(0, 8)];
  let i = 8;
  while (i + 12 <= buf.length) {
    const length = buf.readUInt32BE(i);
    const type = buf.subarray(i + 4, i + 8).toString('latin1');
    const end = i + 12 + length;
    if (end > buf.length) return buf;
    if (!PNG_DROP.has(type)) out.push(buf.subarray(i, end));
    i = end;
    if (type === 'IEND') return Buffer.concat(out);
  }
  return buf; // no proper end: leave the file alone rather than damage it
}

/** Types whose metadata we remove; the others may still identify the filer (see unitMaySee). */
export const CLEANED_TYPES: readonly string[] = ['image/jpeg', 'image/png'];

/** Units see only attachments whose metadata was removed; the commission sees all. */
export function unitMaySee(contentType: string): boolean {
  return CLEANED_TYPES.includes(contentType);
}

export function stripMetadata(buf: Buffer, contentType: string): Buffer {
  if (contentType === 'image/jpeg') return stripJpeg(buf);
  if (contentType === 'image/png') return stripPng(buf);
  return buf;
}
