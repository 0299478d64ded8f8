import { isObjectId } from '../platform/http/validate';
import { Types } from 'mongoose';
import type { Context } from '../context';
import { ValidationError } from '../platform/http/errors';
import { hashPassword } from './password';
import { findActiveUnit } from '../units/unit.service';
import { User } from './user.model';
import type { NewUserInput } from './user.schemas';

/** Creates an account; unit staff are bound to one unit, supervisors carry their appointment. */
export async function createUser(ctx: Pick<Context, 'logger'>, input: NewUserInput, by: Types.ObjectId): Promise<string> {
  const fields: Record<string, string> = {};
  if (await User.exists({ username: input.username })) fields.username = 'username_taken';
  const unit = input.role === 'unit' && input.unitId ? await findActiveUnit(input.unitId) : null;
  if (input.role === 'unit' && !unit) fields.unitId = 'unknown_unit';
  if (Object.keys(fields).length) throw new ValidationError(fields);
  const user = await User.create({
    username: input.username,
    displayName: input.displayName,
    role: input.role,
    unitId: unit?._id ?? null,
    email: input.email ?? null,
    passwordHash: await hashPassword(input.password),
    supervisor:
      input.role === 'supervisor'
        ? { termStart: new Date(`${input.termStart}T00:00:00+08:00`), termEnd: input.termEnd ? new Date(`${input.termEnd}T00:00:00+08:00`) : null, area: input.area ?? null }
        : undefined,
  });
  ctx.logger.info({ userId: String(user._id), role: input.role, by: String(by) }, 'user.created');
  return String(user._id);
}

/** Accounts are switched off, never deleted: cases and timelines keep pointing at them. */
export async function setUserActive(userId: string, active: boolean, by: Types.ObjectId): Promise<boolean> {
  if (!isObjectId(userId) || String(by) === userId) return false;
  const res = await User.updateOne({ _id: userId }, { $set: { active } });
  return res.matchedCount === 1;
}

export async function listUsers() {
  return User.find({}, { passwordHash: 0 }).sort({ role: 1, username: 1 }).lean();
}

/** Where mails to the commission go: the addresses of its active staff accounts. */
export async function commissionEmails(): Promise<string[]> {
  const staff = await User.find({ role: 'commission', active: true, email: { $ne: null } }, { email: 1 }).lean();
  return staff.map((u) => u.email!).filter(Boolean);
}

/** A user's email, when the user is an active special supervisor (they follow their items by mail). */
export async function supervisorEmail(userId: Types.ObjectId | null | undefined): Promise<string | null> {
  if (!userId) return null;
  const u = await User.findOne({ _id: userId, role: 'supervisor', active: true }, { email: 1 }).lean();
  return u?.email ?? null;
}

/** Where mails to the administrators go (e.g. the calendar of next year is missing). */
export async function adminEmails(): Promise<string[]> {
  const admins = await User.find({ role: 'admin', active: true, email: { $ne: null } }, { email: 1 }).lean();
  return admins.map((u) => u.email!).filter(Boolean);
}
