import { decodeCsv, mapHeader, parseCsv, zipInflatedSize } from '../../src/evaluation/representatives.service';
import { normalizePhone } from '../../src/evaluation/representatives.schemas';

// The pure parts of the representative import: CSV records and their lines, the header, phones.

describe('parseCsv', () => {
  it('when cells are quoted, then commas, quotes and line breaks inside them are kept, and each record says the line it starts on', () => {
    const rows = parseCsv('kind,name,organization\r\npublic,"张""三""","县政协,\n委员会"\r\n\r\nentrepreneur,李四,公司\n');
    expect(rows).toEqual([
      { line: 1, cells: ['kind', 'name', 'organization'] },
      { line: 2, cells: ['public', '张"三"', '县政协,\n委员会'] },
      { line: 4, cells: [''] },
      { line: 5, cells: ['entrepreneur', '李四', '公司'] },
    ]);
  });

  it('when the header is separated by tabs or semicolons, then so are the rows', () => {
    expect(parseCsv('kind\tname\npublic\t张三')[1]!.cells).toEqual(['public', '张三']);
    expect(parseCsv('kind;name\npublic;张三')[1]!.cells).toEqual(['public', '张三']);
  });

  it('when a quote is never closed, then the file is refused naming the line', () => {
    expect(() => parseCsv('kind,name\npublic,"张三\n')).toThrow(expect.objectContaining({ status: 400, code: 'invalid_csv', fields: { line: '2' } }));
  });
});

describe('decodeCsv', () => {
  it('reads UTF-8 with or without BOM, UTF-16 with BOM, and GBK when the bytes are not UTF-8', () => {
    expect(decodeCsv(Buffer.from('\uFEFFkind,name\n张三', 'utf8'))).toBe('kind,name\n张三');
    expect(decodeCsv(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('kind\t张三', 'utf16le')]))).toBe('kind\t张三');
    expect(decodeCsv(Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]))).toBe('张三');
    expect(() => decodeCsv(Buffer.from([0xd5, 0xc5]), 'utf-8')).toThrow(expect.objectContaining({ code: 'invalid_encoding' }));
  });
});

describe('mapHeader', () => {
  it('when names differ in case, blanks or underscores, then they are the columns; blank ones are left unnamed', () => {
    expect(mapHeader(['\uFEFFKind', ' Name ', 'unit_code', 'PublicRole', ''])).toEqual(['kind', 'name', 'unitCode', 'publicRole', null]);
  });
  it('when a required column is missing, one is unknown or one repeats, then each is named', () => {
    expect(() => mapHeader(['name', 'name', '备注'])).toThrow(expect.objectContaining({ code: 'invalid_header', fields: { kind: 'missing_column', name: 'duplicate_column', 备注: 'unknown_column' } }));
  });
});

describe('normalizePhone', () => {
  it.each([
    ['139 1234 5678', '13912345678'],
    ['+86 139-1234-5678', '13912345678'],
    ['８６１３９１２３４５６７８', '13912345678'],
    ['010 12345678', '010-12345678'],
    ['(0571)8765432', '0571-8765432'],
    ['0571-87654321', '0571-87654321'],
    ['8765432', '8765432'],
  ])('when written %s, then it is %s', (raw, phone) => expect(normalizePhone(raw)).toBe(phone));
  it.each(['12345', '1391234567', '23912345678', 'abc', '0571-123'])('when %s, then it is no phone number', (raw) => expect(normalizePhone(raw)).toBeNull());
});

describe('zipInflatedSize', () => {
  it('when the bytes are not a zip, then null', () => expect(zipInflatedSize(Buffer.from('PK\x03\x04 not a zip'))).toBeNull());
});
