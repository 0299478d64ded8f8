import request from 'supertest';
import { createApiToken, revokeApiToken } from '../../src/auth/auth.service';
import { setUserActive } from '../../src/users/user.service';
import { ApiToken } from '../../src/users/user.model';
import { useTestApp } from '../helpers/app';
import { givenUser } from '../helpers/builders';

// An API token's user is held in memory per process after its first request (the look-ups cost
// more than most requests' work), and "last used" is written at most once a minute per token.
// No reference data needed: only users and tokens.
const t = useTestApp({ seed: false });

async function tokenFor(role: 'commission' | 'admin' = 'commission') {
  const user = await givenUser(role);
  const token = await createApiToken(user._id, 'test');
  const record = (await ApiToken.findOne({ userId: user._id }).lean())!;
  return { user, token, tokenId: String(record._id) };
}

const list = (token: string) => request(t.app).get('/api/v1/cases').set('authorization', `Bearer ${token}`);

describe('API tokens in use', () => {
  it('when a token is used three times within a minute, then its last use is written once', async () => {
    const { token, tokenId } = await tokenFor();
    const before = Date.now();
    expect((await list(token)).status).toBe(200);
    const first = (await ApiToken.findById(tokenId).lean())!.lastUsedAt!;
    expect(first.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect((await list(token)).status).toBe(200);
    expect((await list(token)).status).toBe(200);
    expect((await ApiToken.findById(tokenId).lean())!.lastUsedAt).toEqual(first);
  });

  it('when a token was last used more than a minute ago, then using it writes the time again', async () => {
    const { token, tokenId } = await tokenFor();
    expect((await list(token)).status).toBe(200);
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await ApiToken.updateOne({ _id: tokenId }, { $set: { lastUsedAt: twoMinutesAgo } });
    expect((await list(token)).status).toBe(200);
    const now = (await ApiToken.findById(tokenId).lean())!.lastUsedAt!;
    expect(now.getTime()).toBeGreaterThan(twoMinutesAgo.getTime() + 60_000);
  });

  it('when a token that was just used is revoked, then its next request is refused', async () => {
    const { user, token, tokenId } = await tokenFor();
    expect((await list(token)).status).toBe(200);
    expect(await revokeApiToken(user._id, tokenId, new Date())).toBe(true);
    const refused = await list(token);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('unauthorized');
  });

  it("when a token's user is deactivated after using it, then the token's next request is refused", async () => {
    const { user, token } = await tokenFor();
    const admin = await givenUser('admin', { username: 'admin2' });
    expect((await list(token)).status).toBe(200);
    expect(await setUserActive(String(user._id), false, admin._id)).toBe(true);
    expect((await list(token)).status).toBe(401);
  });
});
