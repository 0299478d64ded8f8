import request from 'supertest';
import { createApiToken } from '../../src/auth/auth.service';
import { CalendarYear } from '../../src/calendar/calendar.model';
import { seedCalendar } from '../../src/calendar/calendar.service';
import { SHIPPED_YEARS } from '../../src/calendar/holidays.data';
import { useTestApp } from '../helpers/app';
import { givenUser } from '../helpers/builders';
import { browser } from '../helpers/http';

const t = useTestApp({ seed: false });
let token: string;
let admin: ReturnType<typeof browser>;
let adminId: string;
let unitUser: ReturnType<typeof browser>;

const shipped2026 = SHIPPED_YEARS.find((y) => y.year === 2026)!;
const due = (from: string, workingDays: number | string) =>
  request(t.app).get('/api/v1/calendar/due-date').query({ from, workingDays }).set('Authorization', `Bearer ${token}`);

beforeEach(async () => {
  await seedCalendar();
  const unitAccount = await givenUser('unit', { username: 'cal-unit' });
  token = await createApiToken(unitAccount._id, 'calendar');
  const adminAccount = await givenUser('admin', { username: 'cal-admin' });
  adminId = String(adminAccount._id);
  admin = browser(t.app);
  expect((await admin.login('cal-admin')).status).toBe(302);
  unitUser = browser(t.app);
  expect((await unitUser.login('cal-unit')).status).toBe(302);
});

/** Posts the year form the way a browser does, with the page's CSRF token. */
async function postYear(year: number, fields: { holidays: string[]; workdays: string[]; source?: string }) {
  const csrf = await admin.csrf(`/admin/calendar/${year}`);
  return admin.agent
    .post(`/admin/calendar/${year}`)
    .type('form')
    .send({ _csrf: csrf, holidays: fields.holidays.join('\n'), workdays: fields.workdays.join('\r\n'), source: fields.source ?? 'test' });
}

describe('GET /api/v1/calendar/due-date', () => {
  it('when the shipped calendar is seeded, then Friday 2026-02-13 + 5 working days is due 2026-02-27', async () => {
    const res = await due('2026-02-13', 5).expect(200);
    expect(res.body).toEqual({ due: '2026-02-27', provisional: false });
  });

  it('when the input is bad, then 400 names each bad field', async () => {
    const res = await due('2026-02-30', 'abc').expect(400);
    expect(res.body.error).toBe('validation_failed');
    expect(res.body.fields).toEqual({ from: 'invalid_date', workingDays: 'invalid' });
    const missing = await request(t.app).get('/api/v1/calendar/due-date').set('Authorization', `Bearer ${token}`).expect(400);
    expect(missing.body.fields).toEqual({ from: 'invalid_date', workingDays: 'invalid' });
    expect((await due('2026-02-13', 0).expect(400)).body.fields).toEqual({ workingDays: 'invalid' });
  });

  it('when called without a token, then 401', async () => {
    await request(t.app).get('/api/v1/calendar/due-date').query({ from: '2026-02-13', workingDays: 5 }).expect(401);
  });

  it('when the period runs into a year the calendar lacks, then it counts Monday to Friday there and says the date is provisional', async () => {
    // 2026-12-31 (Thu), then 2027: Fri 01-01, Mon 01-04 .. Wed 01-06, as if no holiday were declared.
    const res = await due('2026-12-30', 5).expect(200);
    expect(res.body).toEqual({ due: '2027-01-06', provisional: true });
    expect((await due('2026-02-13', 5).expect(200)).body).toEqual({ due: '2026-02-27', provisional: false });
  });
});

describe('seedCalendar', () => {
  it('when run twice, then each shipped year exists once, as shipped', async () => {
    await seedCalendar();
    const years = await CalendarYear.find().sort({ year: 1 }).lean();
    expect(years.map((y) => y.year)).toEqual([2024, 2025, 2026]);
    const y2026 = years.find((y) => y.year === 2026)!;
    expect(y2026.holidays).toEqual(shipped2026.holidays);
    expect(y2026.workdays).toEqual(shipped2026.workdays);
    expect(y2026.source).toBe(shipped2026.source);
    // FerretDB v1.24 drops a null written by $setOnInsert, MongoDB keeps it: both mean "as shipped".
    expect(y2026.updatedBy ?? null).toBeNull();
  });
});

describe('the administrator edits a year', () => {
  it('when 2026-02-24 is added as a day off, then the API counts it and a later seed keeps the edit', async () => {
    const list = await admin.agent.get('/admin/calendar').expect(200);
    expect(list.text).toContain('/admin/calendar/2026');
    expect(list.text).toContain('/admin/calendar/2027'); // "add the next year"

    const res = await postYear(2026, { holidays: [...shipped2026.holidays, '2026-02-24'], workdays: [...shipped2026.workdays], source: '测试修改' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/calendar?saved=2026');

    // 02-14 is day 1, 02-15..02-24 now off, 25..27 are days 2..4, Saturday 02-28 (make-up) is day 5.
    expect((await due('2026-02-13', 5).expect(200)).body).toEqual({ due: '2026-02-28', provisional: false });

    const saved = await CalendarYear.findOne({ year: 2026 }).lean();
    expect(saved!.holidays).toContain('2026-02-24');
    expect(saved!.holidays).toHaveLength(shipped2026.holidays.length + 1);
    expect(String(saved!.updatedBy)).toBe(adminId);
    expect(saved!.source).toBe('测试修改');

    await seedCalendar();
    expect((await CalendarYear.findOne({ year: 2026 }).lean())!.holidays).toContain('2026-02-24');
  });

  it('when a new year is added, then the API can count into it', async () => {
    expect((await due('2026-12-30', 5).expect(200)).body).toEqual({ due: '2027-01-06', provisional: true });
    const res = await postYear(2027, { holidays: ['2027-01-01'], workdays: [] });
    expect(res.status).toBe(303);
    // 12-31 is day 1, 2027-01-01 (Fri) is off, then Mon 01-04 .. Thu 01-07 are days 2..5.
    expect((await due('2026-12-30', 5).expect(200)).body).toEqual({ due: '2027-01-07', provisional: false });
  });

  it('when the edit has a Tuesday as make-up day and a date outside the year, then 400 with both errors and nothing changes', async () => {
    const before = await CalendarYear.findOne({ year: 2026 }).lean();
    const res = await postYear(2026, { holidays: [...shipped2026.holidays, '2025-12-31'], workdays: [...shipped2026.workdays, '2026-03-03'] });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="holidays-error"');
    expect(res.text).toContain('id="workdays-error"');
    expect(res.text).toMatch(/<code>2025-12-31<\/code> 不在本年度内/);
    expect(res.text).toMatch(/<code>2026-03-03<\/code> 不是周六或周日/);
    // The input is kept, so the administrator fixes it rather than typing it again.
    expect(res.text).toMatch(/2026-10-10\s+2026-03-03<\/textarea>/);

    const after = await CalendarYear.findOne({ year: 2026 }).lean();
    expect(after!.holidays).toEqual(before!.holidays);
    expect(after!.workdays).toEqual(before!.workdays);
    expect(after!.updatedBy ?? null).toBeNull();
    expect((await due('2026-02-13', 5).expect(200)).body).toEqual({ due: '2026-02-27', provisional: false });
  });

  it('when the page is in English and a date is both a day off and a make-up day, then the error is in English', async () => {
    await admin.agent.get('/admin/calendar?lang=en').expect(200);
    const res = await postYear(2026, { holidays: [...shipped2026.holidays, '2026-03-07'], workdays: ['2026-13-01', '2026-03-07'] });
    expect(res.status).toBe(400);
    // The first problem in a field is the one shown: here the impossible date.
    expect(res.text).toMatch(/<code>2026-13-01<\/code> is not a valid date/);
    expect((await CalendarYear.findOne({ year: 2026 }).lean())!.workdays).toEqual(shipped2026.workdays);

    const both = await postYear(2026, { holidays: [...shipped2026.holidays, '2026-03-07'], workdays: ['2026-03-07'] });
    expect(both.status).toBe(400);
    expect(both.text).toMatch(/<code>2026-03-07<\/code> is listed both as a day off and as a make-up working day/);
  });

  it('when a unit user opens the calendar pages, then 403', async () => {
    await unitUser.agent.get('/admin/calendar').expect(403);
    await unitUser.agent.get('/admin/calendar/2026').expect(403);
  });

  it('when the year in the address is not a year, then 404', async () => {
    await admin.agent.get('/admin/calendar/abcd').expect(404);
    await admin.agent.get('/admin/calendar/1899').expect(404);
  });
});

// Issue 12, finding 6: a form with a field missing read as an empty list and wiped the year.
describe('an edit that would empty a year', () => {
  const form = async (year: number) => ({ _csrf: await admin.csrf(`/admin/calendar/${year}`), holidays: shipped2026.holidays.join('\n'), workdays: shipped2026.workdays.join('\n'), source: 'test' });
  const unchanged = async () => {
    const after = await CalendarYear.findOne({ year: 2026 }).lean();
    expect(after!.holidays).toEqual(shipped2026.holidays);
    expect(after!.workdays).toEqual(shipped2026.workdays);
    expect(after!.source).toBe(shipped2026.source);
    expect(after!.updatedBy ?? null).toBeNull();
    expect((await due('2026-02-13', 5).expect(200)).body).toEqual({ due: '2026-02-27', provisional: false });
  };

  it.each(['holidays', 'workdays', 'source'])('when the form comes without "%s", then 400 names it as required and the year is unchanged', async (field) => {
    const fields: Record<string, string> = await form(2026);
    delete fields[field];
    const res = await admin.agent.post('/admin/calendar/2026').type('form').send(fields);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(new RegExp(`id="${field}-error">必填<`));
    await unchanged();
  });

  it('when every day off is deleted without the confirmation, then 400 says what it would do and the year is unchanged', async () => {
    const res = await postYear(2026, { holidays: [], workdays: [] });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="holidays-error">清空全年放假日期会改变该年度所有期限：确需清空，请勾选下方的确认框后再保存<');
    expect(res.text).toContain('name="confirmNoHolidays"');
    await unchanged();
  });

  it('when every day off is deleted with the confirmation ticked, then the year is saved without days off', async () => {
    const res = await admin.agent
      .post('/admin/calendar/2026')
      .type('form')
      .send({ ...(await form(2026)), holidays: '', workdays: '', confirmNoHolidays: 'on' });
    expect(res.status).toBe(303);
    const saved = await CalendarYear.findOne({ year: 2026 }).lean();
    expect(saved!.holidays).toEqual([]);
    expect(saved!.workdays).toEqual([]);
    // Monday to Friday only: 02-16 .. 02-20 are working days now.
    expect((await due('2026-02-13', 5).expect(200)).body).toEqual({ due: '2026-02-20', provisional: false });
  });
});
