import { CalendarYear } from '../../src/calendar/calendar.model';
import { Case } from '../../src/cases/case.model';
import { Category } from '../../src/cases/category.model';
import { fileComplaint } from '../../src/intake/filing.service';
import { DeadlinePolicy } from '../../src/routing/deadline-policy.model';
import { Unit } from '../../src/units/unit.model';
import { User } from '../../src/users/user.model';
import { useTestApp } from '../helpers/app';
import { givenUser, unitByCode } from '../helpers/builders';

// useTestApp's contract, which every integration file relies on: each test starts from the seeded
// reference data and nothing else, although the data is seeded once per run and only what a test
// changed is put back. The second test reads what the first one left (Jest runs a file's tests in order).
const t = useTestApp();

describe('fresh data before each test', () => {
  it('when a test edits a unit, adds a category, deletes the calendar and a policy, and files a case, then it sees its changes', async () => {
    await Unit.updateOne({ code: 'LE01' }, { $set: { nameZh: '改过的名字', active: false } });
    await Category.create({ code: 'extra', nameZh: '额外', nameEn: 'Extra', order: 99 });
    await CalendarYear.deleteMany({});
    await DeadlinePolicy.deleteOne({ priority: 'urgent' });
    await givenUser('admin', { username: 'left-over' });
    const unit = await unitByCode('LE02');
    await fileComplaint(t.ctx, { categoryCode: 'inaction', unitId: String(unit._id), description: '派出所对报警求助长期不出警。' }, { channel: 'web' });
    await t.ctx.redis.set(`${t.ctx.config.REDIS_PREFIX}:left-over`, '1');
    expect(await Unit.countDocuments({ active: false })).toBe(1);
    expect(await Category.countDocuments()).toBe(8);
    expect(await CalendarYear.countDocuments()).toBe(0);
    expect(await Case.countDocuments()).toBe(1);
  });

  it('then the next test finds the 70 units, 7 categories, 3 calendar years and 3 deadline policies as seeded, and no user, case or Redis key', async () => {
    expect(await Unit.countDocuments()).toBe(70);
    expect(await Unit.countDocuments({ active: false })).toBe(0);
    expect((await Unit.findOne({ code: 'LE01' }).lean())!.nameZh).toBe('县公安局');
    expect((await Category.find().sort({ order: 1 }).lean()).map((c) => c.code)).toEqual(['inaction', 'efficiency', 'attitude', 'favours', 'conduct', 'business_env', 'other']);
    expect((await CalendarYear.find().sort({ year: 1 }).lean()).map((y) => y.year)).toEqual([2024, 2025, 2026]);
    expect((await DeadlinePolicy.find({ categoryCode: '*' }).lean()).map((p) => [p.priority, p.workingDays]).sort()).toEqual([
      ['complex', 20],
      ['normal', 10],
      ['urgent', 3],
    ]);
    expect(await User.countDocuments()).toBe(0);
    expect(await Case.countDocuments()).toBe(0);
    expect(await t.ctx.redis.exists(`${t.ctx.config.REDIS_PREFIX}:left-over`)).toBe(0);
  });

  it('then the unique indexes of every model are in place (built in the first file of a worker, found in the later ones)', async () => {
    await expect(Unit.create({ code: 'LE01', series: 'law_enforcement', nameZh: '重复', nameEn: 'Duplicate' })).rejects.toMatchObject({ code: 11000 });
    await givenUser('admin', { username: 'same' });
    await expect(givenUser('admin', { username: 'same' })).rejects.toMatchObject({ code: 11000 });
  });
});
