import request from 'supertest';
import ExcelJS from 'exceljs';
import { Representative } from '../../../src/evaluation/representative.model';
import { createRepresentative, listEligible, markDrawn } from '../../../src/evaluation/representatives.service';
import { representativeInput } from '../../../src/evaluation/representatives.schemas';
import { useTestApp } from '../../helpers/app';
import { givenUser, unitByCode } from '../../helpers/builders';
import { apiAs } from '../../helpers/cases';
import { browser, formTokens } from '../../helpers/http';

// The representative registry (双百双评 代表库): import by API and page, the page's add / edit /
// deactivate, who may see what, and what a draw fixes. Units are seeded once; the registry is
// emptied before each test.

const t = useTestApp({ seed: 'once' });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let commission: Awaited<ReturnType<typeof apiAs>>;
let staff: ReturnType<typeof browser>;
let staffUser: Awaited<ReturnType<typeof givenUser>>;

beforeAll(async () => {
  commission = await apiAs(t.app, 'commission');
  staffUser = await givenUser('commission', { username: 'jiwei-reps' });
  await givenUser('admin', { username: 'admin-reps' });
  await givenUser('unit', { username: 'unit-reps', unitCode: 'LE01' });
  staff = browser(t.app);
  expect((await staff.login('jiwei-reps')).status).toBe(302);
});

beforeEach(async () => {
  await Representative.deleteMany({});
});

const importCsv = (csv: string | Buffer, token = commission.token, type = 'text/csv') =>
  request(t.app).post('/api/v1/representatives/import').set('Authorization', `Bearer ${token}`).set('Content-Type', type).send(typeof csv === 'string' ? Buffer.from(csv, 'utf8') : csv);

const HEADER = 'kind,name,organization,email,phone,unitCode,sector,publicRole';

// One row per reason; the blank line 4 counts, as in any text editor.
const MIXED = [
  HEADER, //                                                                          1
  'entrepreneur,张三,"县兴旺机械有限公司,二分厂",Zhang@Example.cn,139 1234 5678,,制造业,', // 2 ok
  'public,李四,县人大常委会,,0571-8765432,LE01,,deputy', //                             3 ok
  '', //                                                                              4 blank
  ',王五,,w@example.cn,,,,', //                                                        5 missing_kind
  'teacher,王五,,w@example.cn,,,,', //                                                 6 invalid_kind
  'public,,,x@example.cn,,,,', //                                                      7 missing_name
  'public,赵六,,not-an-email,,,,', //                                                  8 invalid_email
  'public,赵六,,,12345,,,', //                                                         9 invalid_phone
  'public,孙七,,,,LE01,,', //                                                          10 no_contact
  'public,周八,,zhou@example.cn,,ZZ99,,', //                                           11 unknown_unit
  'entrepreneur,张三,另一家公司,,+86 13912345678,,,', //                               12 duplicate_in_file (line 2)
  'entrepreneur,吴九,,,13800000000,,,', //                                             13 missing_organization
  'public,郑十,,,13700000000,,,mayor', //                                              14 invalid_public_role
  'entrepreneur,钱一,某公司,,13600000000,,,deputy', //                                 15 public_role_for_entrepreneur
  'public,冯二,,,13500000000,,餐饮,', //                                               16 sector_for_public
  'public,陈三,,,13400000000,,,,多余', //                                              17 extra_cells
  'public,褚四,,,13300000000,le01,,citizen', //                                        18 ok
  'public,卫五,县政协,WEI@example.cn,,,,cppcc', //                                     19 already_registered
].join('\r\n');

const MIXED_REFUSED = [
  { line: 5, reason: 'missing_kind' },
  { line: 6, reason: 'invalid_kind' },
  { line: 7, reason: 'missing_name' },
  { line: 8, reason: 'invalid_email' },
  { line: 9, reason: 'invalid_phone' },
  { line: 10, reason: 'no_contact' },
  { line: 11, reason: 'unknown_unit' },
  { line: 12, reason: 'duplicate_in_file' },
  { line: 13, reason: 'missing_organization' },
  { line: 14, reason: 'invalid_public_role' },
  { line: 15, reason: 'public_role_for_entrepreneur' },
  { line: 16, reason: 'sector_for_public' },
  { line: 17, reason: 'extra_cells' },
  { line: 19, reason: 'already_registered' },
];

async function givenRegistered(name = '卫五', email = 'wei@example.cn') {
  return createRepresentative(t.ctx, representativeInput.parse({ kind: 'public', name, organization: '县政协', email, publicRole: 'cppcc' }), staffUser._id);
}

describe('POST /api/v1/representatives/import (CSV)', () => {
  it('when a file mixes good and bad rows, then the good ones are added and each bad one is refused with its line and reason', async () => {
    await givenRegistered();
    const res = await importCsv(MIXED).expect(200);
    expect(res.body).toEqual({ imported: 3, refused: MIXED_REFUSED });

    const saved = await Representative.find({ name: { $in: ['张三', '李四', '褚四'] } }).sort({ name: 1 }).lean();
    const le01 = await unitByCode('LE01');
    const byName = Object.fromEntries(saved.map((r) => [r.name, r]));
    // Contacts in one written form: the same person typed another way is still recognised.
    expect(byName['张三']).toMatchObject({ kind: 'entrepreneur', organization: '县兴旺机械有限公司,二分厂', sector: '制造业', publicRole: null, email: 'zhang@example.cn', phone: '13912345678', unitId: null, active: true, drawnAt: null });
    expect(byName['李四']).toMatchObject({ kind: 'public', publicRole: 'deputy', phone: '0571-8765432', email: null });
    expect(String(byName['李四']!.unitId)).toBe(String(le01._id));
    expect(byName['褚四']).toMatchObject({ kind: 'public', publicRole: 'citizen', phone: '13300000000' });
    expect(String(byName['褚四']!.unitId)).toBe(String(le01._id));
    expect(await Representative.countDocuments()).toBe(4);
  });

  it('when the same file is imported again, then nothing is added and every row added before is refused as already_registered', async () => {
    const good = [HEADER, 'entrepreneur,张三,县兴旺机械有限公司,zhang@example.cn,13912345678,,制造业,', 'public,李四,,,0571-8765432,LE01,,deputy', 'public,褚四,,,13300000000,,,citizen'].join('\n');
    expect((await importCsv(good).expect(200)).body).toEqual({ imported: 3, refused: [] });
    expect((await importCsv(good).expect(200)).body).toEqual({
      imported: 0,
      refused: [
        { line: 2, reason: 'already_registered' },
        { line: 3, reason: 'already_registered' },
        { line: 4, reason: 'already_registered' },
      ],
    });
    expect(await Representative.countDocuments()).toBe(3);

    // A mixed file again: what it added is now registered, the rest keeps its reason.
    await givenRegistered();
    await Representative.deleteMany({ name: { $ne: '卫五' } });
    await importCsv(MIXED).expect(200);
    const again = await importCsv(MIXED).expect(200);
    expect(again.body.imported).toBe(0);
    const expected = [...MIXED_REFUSED.filter((r) => r.line !== 12), { line: 2, reason: 'already_registered' }, { line: 3, reason: 'already_registered' }, { line: 12, reason: 'already_registered' }, { line: 18, reason: 'already_registered' }];
    expect(again.body.refused).toEqual(expected.sort((a, b) => a.line - b.line));
    expect(await Representative.countDocuments()).toBe(4);
  });

  it('when two imports of one file run at once, then each person is added once and the other import refuses them', async () => {
    const good = [HEADER, ...Array.from({ length: 40 }, (_, i) => `public,代表${i},,,139${String(i).padStart(8, '0')},,,citizen`)].join('\n');
    const [a, b] = await Promise.all([importCsv(good), importCsv(good)]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.imported + b.body.imported).toBe(40);
    expect(a.body.refused.length + b.body.refused.length).toBe(40);
    expect([...a.body.refused, ...b.body.refused].every((r: { reason: string }) => r.reason === 'already_registered')).toBe(true);
    expect(await Representative.countDocuments()).toBe(40);
  });

  it('when the CSV was saved by a Chinese Excel (GBK, no UTF-8), then its names are read correctly', async () => {
    // 张三 in GBK: D5 C5 C8 FD.
    const gbk = Buffer.concat([Buffer.from(`${HEADER}\r\npublic,`), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), Buffer.from(',,,13912345678,,,\r\n')]);
    expect((await importCsv(gbk).expect(200)).body).toEqual({ imported: 1, refused: [] });
    expect(await Representative.findOne({ name: '张三' }).lean()).not.toBeNull();
  });

  it('when the header lacks kind or names an unknown column, then the file is refused with each column named and nothing is added', async () => {
    const res = await importCsv('name,organization,emial,phone\n张三,公司,a@b.cn,13912345678\n').expect(400);
    expect(res.body).toMatchObject({ error: 'invalid_header', fields: { kind: 'missing_column', emial: 'unknown_column' } });
    expect((await importCsv('').expect(400)).body.error).toBe('empty_file');
    expect((await importCsv(`${HEADER}\npublic,"张三,,,13912345678,,,\n`).expect(400)).body.error).toBe('invalid_csv');
    expect((await request(t.app).post('/api/v1/representatives/import').set('Authorization', `Bearer ${commission.token}`).send({ kind: 'public' }).expect(415)).body.error).toBe('unsupported_media_type');
    expect(await Representative.countDocuments()).toBe(0);
  });

  it('when the body is larger than 2 MB, then it is refused with 413 before anything is read', async () => {
    const huge = `${HEADER}\n${'public,某某,,,13912345678,,,\n'.repeat(80_000)}`;
    expect(Buffer.byteLength(huge)).toBeGreaterThan(2 * 1024 * 1024);
    const res = await importCsv(huge).expect(413);
    expect(res.body.error).toBe('payload_too_large');
    expect(await Representative.countDocuments()).toBe(0);
  });

  it('when the file has more than 5000 rows, then it is refused with 413 too_many_rows and nothing is added', async () => {
    const rows = Array.from({ length: 5001 }, (_, i) => `public,代表${i},,,139${String(i).padStart(8, '0')},,,`);
    const res = await importCsv([HEADER, ...rows].join('\n')).expect(413);
    expect(res.body.error).toBe('too_many_rows');
    expect(await Representative.countDocuments()).toBe(0);
  });

  it('when a unit, supervisor or administrator token imports, then it is 403 and nothing is added', async () => {
    for (const role of ['unit', 'supervisor', 'admin'] as const) {
      const other = await apiAs(t.app, role, role === 'unit' ? 'LE01' : undefined);
      expect((await importCsv(MIXED, other.token).expect(403)).body.error).toBe('forbidden');
    }
    await request(t.app).post('/api/v1/representatives/import').set('Content-Type', 'text/csv').send(MIXED).expect(401);
    expect(await Representative.countDocuments()).toBe(0);
  });
});

describe('POST /api/v1/representatives/import (XLSX)', () => {
  it('when the workbook’s first sheet has the columns, then its rows are imported as the CSV’s would be', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('代表');
    wb.addWorksheet('说明').addRow(['kind', 'name']); // not read: only the first sheet counts
    ws.addRow(['Kind', 'Name', 'Organization', 'Email', 'Phone', 'UnitCode']);
    // A name in rich text, an email Excel turned into a mailto link, a phone typed as a number.
    ws.addRow(['entrepreneur', { richText: [{ text: '韩' }, { text: '梅', font: { bold: true } }] }, '梅氏茶业', { text: 'han@example.cn', hyperlink: 'mailto:han@example.cn' }, 13811112222, '']);
    ws.addRow([]);
    ws.addRow(['public', '杨雷', null, null, null, 'WS01']);
    ws.addRow(['企业家', '秦风', '秦氏茶业', null, '0571-88886666', null]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());

    const res = await importCsv(buf, commission.token, XLSX).expect(200);
    expect(res.body).toEqual({ imported: 2, refused: [{ line: 4, reason: 'no_contact' }] });
    expect(await Representative.findOne({ name: '韩梅' }).lean()).toMatchObject({ kind: 'entrepreneur', organization: '梅氏茶业', email: 'han@example.cn', phone: '13811112222' });
    expect(await Representative.findOne({ name: '秦风' }).lean()).toMatchObject({ kind: 'entrepreneur', phone: '0571-88886666' });

    expect((await importCsv(buf, commission.token, XLSX).expect(200)).body).toEqual({ imported: 0, refused: [{ line: 2, reason: 'already_registered' }, { line: 4, reason: 'no_contact' }, { line: 5, reason: 'already_registered' }] });
    expect((await importCsv(Buffer.from('PK\x03\x04 not really a zip'), commission.token, XLSX).expect(400)).body.error).toBe('invalid_xlsx');
  });
});

describe('GET /api/v1/representatives', () => {
  it('when commission staff list, then they get contacts and counts; an administrator gets no contacts; units and supervisors 403', async () => {
    await importCsv(MIXED).expect(200);
    const all = await commission.get('/representatives').expect(200);
    expect(all.body.counts).toEqual({ entrepreneur: 1, public: 3, publicRoles: { deputy: 1, cppcc: 1, leader: 0, citizen: 1, unspecified: 0 }, inactive: 0 });
    const zhang = all.body.representatives.find((r: { name: string }) => r.name === '张三');
    expect(zhang).toMatchObject({ kind: 'entrepreneur', email: 'zhang@example.cn', phone: '13912345678', hasEmail: true, hasPhone: true, unitCode: null });
    expect(all.body.representatives.find((r: { name: string }) => r.name === '李四')).toMatchObject({ unitCode: 'LE01' });

    const publicOnly = await commission.get('/representatives?kind=public&active=true').expect(200);
    expect(publicOnly.body.representatives.map((r: { name: string }) => r.name).sort()).toEqual(['李四', '褚四', '卫五'].sort());
    expect((await commission.get(`/representatives?q=${encodeURIComponent('兴旺')}`).expect(200)).body.representatives.map((r: { name: string }) => r.name)).toEqual(['张三']);
    expect((await commission.get('/representatives?kind=teacher').expect(400)).body.fields).toEqual({ kind: 'invalid_kind' });

    const admin = await apiAs(t.app, 'admin');
    const seen = await admin.get('/representatives').expect(200);
    expect(seen.body.representatives.find((r: { name: string }) => r.name === '张三')).toMatchObject({ email: null, phone: null, hasEmail: true, hasPhone: true });
    expect(JSON.stringify(seen.body)).not.toContain('13912345678');

    for (const role of ['unit', 'supervisor'] as const) {
      const other = await apiAs(t.app, role, role === 'unit' ? 'LE01' : undefined);
      await other.get('/representatives').expect(403);
    }
  });
});

describe('the registry pages', () => {
  const page = (path = '/commission/representatives') => staff.agent.get(path).expect(200);
  const post = async (action: string, fields: Record<string, string>, from = '/commission/representatives') => {
    const { csrf } = formTokens((await page(from)).text);
    return staff.agent.post(action).type('form').send({ _csrf: csrf, ...fields });
  };
  const person = { kind: 'public', name: '蒋六', organization: '', sector: '', publicRole: 'deputy', email: 'jiang@example.cn', phone: '', unitId: '' };

  it('when staff add a representative, then it is saved and listed with its contact; bad fields are shown next to them and nothing is saved', async () => {
    const res = await post('/commission/representatives', person);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/commission/representatives?added=1');
    expect(await Representative.findOne({ name: '蒋六' }).lean()).toMatchObject({ kind: 'public', publicRole: 'deputy', email: 'jiang@example.cn', phone: null, active: true });
    const list = await page('/commission/representatives?added=1');
    expect(list.text).toContain('代表已添加');
    expect(list.text).toContain('jiang@example.cn');
    expect(list.text).toMatch(/data-count="public">[^<]*<strong>1</);

    const bad = await post('/commission/representatives', { ...person, name: '', kind: 'teacher', email: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('id="name-error"');
    expect(bad.text).toContain('缺少姓名');
    expect(bad.text).toContain('类别应为 entrepreneur 或 public');
    expect(bad.text).toContain('邮箱格式不正确');
    const none = await post('/commission/representatives', { ...person, name: '沈七', email: '', phone: '' });
    expect(none.status).toBe(400);
    expect(none.text).toContain('邮箱和电话至少填一项');
    const twice = await post('/commission/representatives', person);
    expect(twice.status).toBe(400);
    expect(twice.text).toContain('已在代表库中');
    expect(await Representative.countDocuments()).toBe(1);
  });

  it('when staff edit, deactivate and reactivate a representative, then each is saved and the draw sees only active ones', async () => {
    const id = await givenRegistered();
    const edit = await page(`/commission/representatives/${id}`);
    expect(edit.text).toContain('wei@example.cn');
    const { csrf } = formTokens(edit.text);
    const saved = await staff.agent
      .post(`/commission/representatives/${id}`)
      .type('form')
      .send({ _csrf: csrf, kind: 'public', name: '卫五', organization: '县政协', sector: '', publicRole: 'cppcc', email: 'wei@example.cn', phone: '(0571) 8765 4321', unitId: String((await unitByCode('CM01'))._id) });
    expect(saved.status).toBe(303);
    const after = await Representative.findById(id).lean();
    expect(after).toMatchObject({ phone: '0571-87654321', email: 'wei@example.cn' });
    expect(String(after!.unitId)).toBe(String((await unitByCode('CM01'))._id));

    expect((await post(`/commission/representatives/${id}/active?kind=public`, { active: 'false' })).headers.location).toBe('/commission/representatives?kind=public');
    expect(await Representative.findById(id).lean()).toMatchObject({ active: false });
    expect(await listEligible()).toEqual([]);
    expect((await page('/commission/representatives?active=false')).text).toContain(`data-representative="${id}"`);
    expect((await page('/commission/representatives?active=true')).text).not.toContain(`data-representative="${id}"`);

    await post(`/commission/representatives/${id}/active`, { active: 'true' });
    expect(await listEligible()).toEqual([{ id, kind: 'public', publicRole: 'cppcc' }]);
  });

  it('when a representative was drawn, then their kind cannot change, the rest can, and there is no way to delete them', async () => {
    const id = await givenRegistered();
    await markDrawn([id], new Date('2026-03-01T02:00:00Z'));
    const edit = await page(`/commission/representatives/${id}`);
    expect(edit.text).toContain('该代表已被抽中过，类别不能再更改');
    const { csrf } = formTokens(edit.text);
    const fields = { _csrf: csrf, kind: 'entrepreneur', name: '卫五', organization: '卫氏农业', sector: '农业', publicRole: '', email: 'wei@example.cn', phone: '', unitId: '' };
    const refused = await staff.agent.post(`/commission/representatives/${id}`).type('form').send(fields);
    expect(refused.status).toBe(400);
    expect(await Representative.findById(id).lean()).toMatchObject({ kind: 'public', organization: '县政协' });

    const renamed = await staff.agent.post(`/commission/representatives/${id}`).type('form').send({ ...fields, kind: 'public', name: '卫武', organization: '县政协', sector: '', publicRole: 'cppcc' });
    expect(renamed.status).toBe(303);
    expect(await Representative.findById(id).lean()).toMatchObject({ kind: 'public', name: '卫武', drawnAt: new Date('2026-03-01T02:00:00Z') });

    // No delete, by page or API: only deactivation.
    await staff.agent.post(`/commission/representatives/${id}/delete`).type('form').send({ _csrf: csrf }).expect(404);
    await staff.agent.delete(`/commission/representatives/${id}`).set('x-csrf-token', csrf).expect(404);
    // (An API path no route takes falls through to the pages' CSRF check: 403 rather than 404.)
    expect((await request(t.app).delete(`/api/v1/representatives/${id}`).set('Authorization', `Bearer ${commission.token}`)).status).toBeGreaterThanOrEqual(400);
    expect(await Representative.exists({ _id: id })).not.toBeNull();
    await post(`/commission/representatives/${id}/active`, { active: 'false' });
    expect(await Representative.findById(id).lean()).toMatchObject({ active: false, drawnAt: new Date('2026-03-01T02:00:00Z') });
  });

  it('when staff upload a CSV or XLSX on the page, then the row-by-row report is shown; a file too large or of the old .xls kind is refused', async () => {
    await givenRegistered();
    const { csrf } = formTokens((await page()).text);
    const res = await staff.agent.post(`/commission/representatives/import?_csrf=${encodeURIComponent(csrf)}`).attach('file', Buffer.from(MIXED), 'reps.csv').expect(200);
    expect(res.text).toContain('id="import-report" data-imported="3" data-refused="14"');
    for (const r of MIXED_REFUSED) expect(res.text).toContain(`data-line="${r.line}" data-reason="${r.reason}"`);
    expect(res.text).toContain('与文件中前面一行是同一人');

    // An XLSX is recognised by its bytes, whatever its name says.
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['kind', 'name', 'organization', 'email', 'phone', 'unitCode', 'publicRole']);
    ws.addRow(['public', '孔八', '', 'kong@example.cn', '', 'WS01', 'leader']);
    ws.addRow(['public', '', '', 'nobody@example.cn', '', '', '']);
    const xlsx = await staff.agent
      .post(`/commission/representatives/import?_csrf=${encodeURIComponent(csrf)}`)
      .attach('file', Buffer.from(await wb.xlsx.writeBuffer()), 'reps.txt')
      .expect(200);
    expect(xlsx.text).toContain('id="import-report" data-imported="1" data-refused="1"');
    expect(xlsx.text).toContain('data-line="3" data-reason="missing_name"');
    expect(await Representative.findOne({ name: '孔八' }).lean()).toMatchObject({ publicRole: 'leader', email: 'kong@example.cn' });

    const big = await staff.agent.post(`/commission/representatives/import?_csrf=${encodeURIComponent(csrf)}`).attach('file', Buffer.alloc(2 * 1024 * 1024 + 1, 0x41), 'big.csv');
    expect(big.status).toBe(413);
    expect(big.text).toContain('data-code="file_too_large"');
    const xls = await staff.agent.post(`/commission/representatives/import?_csrf=${encodeURIComponent(csrf)}`).attach('file', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'old.xls');
    expect(xls.status).toBe(400);
    expect(xls.text).toContain('data-code="xls_not_supported"');
    // Without the CSRF token the upload is refused before it is read.
    await staff.agent.post('/commission/representatives/import').attach('file', Buffer.from(MIXED), 'reps.csv').expect(403);
    expect(await Representative.countDocuments()).toBe(5);
  });

  it('when an administrator opens the list, then contacts are not shown and nothing can be changed; unit staff get 403', async () => {
    await importCsv(MIXED).expect(200);
    const admin = browser(t.app);
    await admin.login('admin-reps');
    const list = await admin.agent.get('/commission/representatives').expect(200);
    expect(list.text).toContain('张三');
    expect(list.text).not.toContain('13912345678');
    expect(list.text).not.toContain('zhang@example.cn');
    expect(list.text).not.toContain('id="add-form"');
    const id = String((await Representative.findOne({ name: '张三' }).lean())!._id);
    await admin.agent.get(`/commission/representatives/${id}`).expect(403);
    const { csrf } = formTokens(list.text);
    await admin.agent.post(`/commission/representatives/${id}/active`).type('form').send({ _csrf: csrf, active: 'false' }).expect(403);
    expect(await Representative.findById(id).lean()).toMatchObject({ active: true });

    const unit = browser(t.app);
    await unit.login('unit-reps');
    await unit.agent.get('/commission/representatives').expect(403);
  });
});
