import { isObjectId } from '../platform/http/validate';
import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { Context } from '../context';
import type { Bulkhead } from '../platform/http/bulkhead';
import { BusyError, TooManyRequestsError } from '../platform/http/errors';
import { clearLimit, hitLimit, refundLimit } from '../platform/http/rate-limit';
import { referenceMemo } from '../platform/reference-cache';
import { ApiToken, User } from '../users/user.model';
import type { CurrentUser } from '../types/express';
import { dummyPasswordHash, verifyPassword } from '../users/password';

type UserLean = { _id: Types.ObjectId; username: string; displayName: string; role: CurrentUser['role']; unitId?: Types.ObjectId | null };

function toCurrent(u: UserLean, via: CurrentUser['via']): CurrentUser {
  return { id: u._id, username: u.username, displayName: u.displayName, role: u.role, unitId: u.unitId ?? null, via };
}

/**
 * Checks a password login. Every attempt is counted before anything is checked (one atomic INCR
 * per key, so parallel guesses cannot all slip in before the count), per account and IP and per IP
 * across usernames; past either limit the password is not checked at all and login is refused
 * (429) until the window ends, even with the right password. A success gives its counts back.
 * The check itself waits its turn in `checks`, which bounds concurrent scrypt work; a full line
 * answers BusyError (503), and such an unchecked attempt is not counted against anyone.
 */
export async function login(
  ctx: Pick<Context, 'config' | 'redis' | 'logger'>,
  checks: Bulkhead,
  usernameRaw: string,
  password: string,
  ip: string,
): Promise<CurrentUser | null> {
  const { config, redis } = ctx;
  const username = usernameRaw.trim().toLowerCase();
  const accountKey = `${config.REDIS_PREFIX}:login:${username}:${ip}`;
  const ipKey = `${config.REDIS_PREFIX}:login-ip:${ip}`;
  const [account, address] = await Promise.all([
    hitLimit(redis, accountKey, config.LOGIN_MAX_ATTEMPTS, config.LOGIN_WINDOW_SECONDS),
    hitLimit(redis, ipKey, config.LOGIN_IP_MAX_ATTEMPTS, config.LOGIN_WINDOW_SECONDS),
  ]);
  if (account.blocked || address.blocked) {
    ctx.logger.info({ event: 'auth.login_throttled', scope: account.blocked ? 'account' : 'ip' }, 'auth.login_throttled');
    throw new TooManyRequestsError(Math.max(account.blocked ? account.retryAfterSeconds : 0, address.blocked ? address.retryAfterSeconds : 0));
  }

  let user: UserLean & { passwordHash: string } | null;
  let ok: boolean;
  try {
    ({ user, ok } = await checks.run(async () => {
      const found = await User.findOne({ username, active: true }).lean();
      // Compare against a dummy hash when the user is unknown, so timing does not reveal accounts.
      return { user: found, ok: await verifyPassword(password, found?.passwordHash ?? (await dummyPasswordHash())) };
    }));
  } catch (err) {
    if (err instanceof BusyError) await Promise.all([refundLimit(redis, accountKey), refundLimit(redis, ipKey)]);
    throw err;
  }
  if (!user || !ok) {
    ctx.logger.info({ event: 'auth.login_failed' }, 'auth.login_failed');
    return null;
  }
  await Promise.all([clearLimit(redis, accountKey), refundLimit(redis, ipKey)]);
  ctx.logger.info({ userId: String(user._id) }, 'auth.login');
  return toCurrent(user, 'session');
}

export async function userFromSession(userId: string): Promise<CurrentUser | null> {
  if (!isObjectId(userId)) return null;
  const user = await User.findOne({ _id: userId, active: true }).lean();
  return user ? toCurrent(user, 'session') : null;
}

const TOKEN_PREFIX = 'cft_';
const LAST_USED_EVERY_MS = 60_000;
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates an API token; the plain token is returned once, only its hash is stored. */
export async function createApiToken(userId: Types.ObjectId, label: string): Promise<string> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  await ApiToken.create({ userId, label, hash: hashToken(token) });
  return token;
}

/**
 * Tokens found, with their users, held per process: the two look-ups cost more than most API
 * requests' own work. Any write to users or tokens (revoking, deactivating, a role change, the
 * minute's lastUsedAt) empties it in every process (reference-cache); unknown tokens are not kept.
 */
const tokenUsers = referenceMemo<{ tokenId: Types.ObjectId; lastUsedAt: Date | null; user: CurrentUser }>(['users', 'api_tokens']);

export async function userFromToken(token: string): Promise<CurrentUser | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const hash = hashToken(token);
  let found = tokenUsers.get(hash);
  if (!found) {
    const since = tokenUsers.generation();
    const record = await ApiToken.findOne({ hash, revokedAt: null }).lean();
    if (!record) return null;
    const user = await User.findOne({ _id: record.userId, active: true }).lean();
    if (!user) return null;
    found = { tokenId: record._id, lastUsedAt: record.lastUsedAt ?? null, user: toCurrent(user, 'token') };
    tokenUsers.set(hash, found, since);
  }
  const record = { _id: found.tokenId, lastUsedAt: found.lastUsedAt };
  // "Last used" to the minute is what the token list shows; writing it on every request cost more
  // than most requests' own work. The guard makes it one write a minute per token in all processes.
  const now = new Date();
  if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() >= LAST_USED_EVERY_MS) {
    await ApiToken.updateOne({ _id: record._id, $or: [{ lastUsedAt: null }, { lastUsedAt: { $lte: new Date(now.getTime() - LAST_USED_EVERY_MS) } }] }, { $set: { lastUsedAt: now } });
  }
  return { ...found.user };
}

export async function listApiTokens(userId: Types.ObjectId) {
  return ApiToken.find({ userId, revokedAt: null }, { hash: 0 }).sort({ createdAt: -1 }).lean();
}

export async function revokeApiToken(userId: Types.ObjectId, tokenId: string, at: Date): Promise<boolean> {
  if (!isObjectId(tokenId)) return false;
  const res = await ApiToken.updateOne({ _id: tokenId, userId, revokedAt: null }, { $set: { revokedAt: at } });
  return res.modifiedCount === 1;
}
