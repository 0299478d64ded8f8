import { hashPassword } from '../../src/users/password';
import { Category } from '../../src/cases/category.model';
import { seedReferenceData } from '../../src/seed/seed.service';
import { Unit } from '../../src/units/unit.model';
import { User, type Role } from '../../src/users/user.model';

export const PASSWORD = 'Correct-Horse-9';
let hash: Promise<string> | undefined;

/** Units (70, from seed/units.json) and the categories. */
export async function givenReferenceData(): Promise<void> {
  await seedReferenceData();
}

export async function givenUser(role: Role, opts: { username?: string; unitCode?: string } = {}) {
  hash ??= hashPassword(PASSWORD);
  const unit = opts.unitCode ? await Unit.findOne({ code: opts.unitCode }).lean() : null;
  return User.create({
    username: opts.username ?? `${role}-${Math.random().toString(36).slice(2, 8)}`,
    displayName: `Test ${role}`,
    role,
    unitId: unit?._id ?? null,
    passwordHash: await hash,
  });
}

export async function unitByCode(code: string) {
  const unit = await Unit.findOne({ code }).lean();
  if (!unit) throw new Error(`no unit ${code}: call givenReferenceData() first`);
  return unit;
}

export async function aCategory(): Promise<string> {
  const c = await Category.findOne().lean();
  if (!c) throw new Error('no category: call givenReferenceData() first');
  return c.code;
}
