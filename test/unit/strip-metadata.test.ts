import { stripJpeg, stripPng } from '../../src/platform/files/strip-metadata';

function segment(marker: number, payload: string): Buffer {
  const body = Buffer.from(payload, 'latin1');
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

function chunk(type: string, payload: string): Buffer {
  const body = Buffer.from(payload, 'latin1');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, Buffer.from(type, 'latin1'), body, Buffer.alloc(4)]);
}

describe('photo metadata is removed before storing', () => {
  const SOI = Buffer.from([0xff, 0xd8]);
  const scan = Buffer.from([0xff, 0xda, 0x00, 0x04, 0x01, 0x02, 0xaa, 0xbb, 0xff, 0xd9]);

  it('when a JPEG carries EXIF (GPS) and a comment, then both are gone and the picture data stays', () => {
    const jfif = segment(0xe0, 'JFIF\0\x01\x01');
    const exif = segment(0xe1, 'Exif\0\0GPS 31.23N 121.47E owner Zhang San');
    const comment = segment(0xfe, 'taken by Zhang San');
    const quant = segment(0xdb, '\0quant-table');
    const out = stripJpeg(Buffer.concat([SOI, jfif, exif, comment, quant, scan]));
    expect(out.toString('latin1')).not.toContain('Zhang San');
    expect(out.toString('latin1')).not.toContain('GPS');
    expect(Buffer.compare(out, Buffer.concat([SOI, jfif, quant, scan]))).toBe(0);
  });

  it('when a JPEG is malformed, then it is kept as it came rather than damaged', () => {
    const bad = Buffer.concat([SOI, Buffer.from('not a segment')]);
    expect(stripJpeg(bad)).toBe(bad);
  });

  it('when a PNG carries text and EXIF chunks, then they are gone and the image chunks stay', () => {
    const sig = Buffer.from('89504e470d0a1a0a', 'hex');
    const ihdr = chunk('IHDR', '0123456789abc');
    const idat = chunk('IDAT', 'pixels');
    const iend = chunk('IEND', '');
    const out = stripPng(Buffer.concat([sig, ihdr, chunk('tEXt', 'Author\0Zhang San'), chunk('eXIf', 'GPS'), idat, iend]));
    expect(out.toString('latin1')).not.toContain('Zhang San');
    expect(Buffer.compare(out, Buffer.concat([sig, ihdr, idat, iend]))).toBe(0);
  });
});
