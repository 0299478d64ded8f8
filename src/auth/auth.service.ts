import { isObjectId } from '../platform/http/validate';
import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { Context } from '../context';
import { TooManyRequestsError } from '../platform/http/errors';
import { clearLimit, hitLimit, peekLimit } from '../platform/http/rate-limit';
import { ApiToken, User } from '../users/user.model';
import type { CurrentUser } from '../types/express';
import { dummyPasswordHash, verifyPassword } from '../users/password';

type UserLean = { _id: Types.ObjectId; username: string; displayName: string; role: CurrentUser['role']; unitId?: Types.ObjectId | null };

function toCurrent(u: UserLean, via: CurrentUser['via']): CurrentUser {
  return { id: u._id, username: u.username, displayName: u.displayName, role: u.role, unitId: u.unitId ?? null, via };
}

function throttleKey(ctx: Pick<Context, 'config'>, username: string, ip: string): string {
  return `${ctx.config.REDIS_PREFIX}:login:${username}:${ip}`;
}

/**
 * Checks a password login. Failed attempts are counted per account and IP in Redis; past the
 * limit, login is refused (429) until the window ends, even with the right password.
 */
export async function login(
  ctx: Pick<Context, 'config' | 'redis' | 'logger'>,
  usernameRaw: string,
  password: string,
  ip: string,
): Promise<CurrentUser | null> {
  const username = usernameRaw.trim().toLowerCase();
  const key = throttleKey(ctx, username, ip);
  const limit = await peekLimit(ctx.redis, key, ctx.config.LOGIN_MAX_ATTEMPTS);
  if (limit.blocked) throw new TooManyRequestsError(limit.retryAfterSeconds);

  const user = await User.findOne({ username, active: true }).lean();
  // Compare against a dummy hash when the user is unknown, so timing does not reveal accounts.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) {
    await hitLimit(ctx.redis, key, ctx.config.LOGIN_MAX_ATTEMPTS, ctx.config.LOGIN_WINDOW_SECONDS);
    ctx.logger.info({ event: 'auth.login_failed' }, 'auth.login_failed');
    return null;
  }
  await clearLimit(ctx.redis, key);
  ctx.logger.info({ userId: String(user._id) }, 'auth.login');
  return toCurrent(user, 'session');
}

export async function userFromSession(userId: string): Promise<CurrentUser | null> {
  if (!isObjectId(userId)) return null;
  const user = await User.findOne({ _id: userId, active: true }).lean();
  return user ? toCurrent(user, 'session') : null;
}

const TOKEN_PREFIX = 'cft_';
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates an API token; the plain token is returned once, only its hash is stored. */
export async function createApiToken(userId: Types.ObjectId, label: string): Promise<string> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  await ApiToken.create({ userId, label, hash: hashToken(token) });
  return token;
}

export async function userFromToken(token: string): Promise<CurrentUser | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const record = await ApiToken.findOne({ hash: hashToken(token), revokedAt: null }).lean();
  if (!record) return null;
  const user = await User.findOne({ _id: record.userId, active: true }).lean();
  if (!user) return null;
  await ApiToken.updateOne({ _id: record._id }, { $set: { lastUsedAt: new Date() } });
  return toCurrent(user, 'token');
}

export async function listApiTokens(userId: Types.ObjectId) {
  return ApiToken.find({ userId, revokedAt: null }, { hash: 0 }).sort({ createdAt: -1 }).lean();
}

export async function revokeApiToken(userId: Types.ObjectId, tokenId: string, at: Date): Promise<boolean> {
  if (!isObjectId(tokenId)) return false;
  const res = await ApiToken.updateOne({ _id: tokenId, userId, revokedAt: null }, { $set: { revokedAt: at } });
  return res.modifiedCount === 1;
}
