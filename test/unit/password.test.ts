import { hashPassword, verifyPassword } from '../../src/users/password';

describe('password hashing', () => {
  it('when the right password is given, then it verifies; a wrong one does not', async () => {
    const h = await hashPassword('s3cret-pass');
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(h).not.toContain('s3cret-pass');
    await expect(verifyPassword('s3cret-pass', h)).resolves.toBe(true);
    await expect(verifyPassword('s3cret-pasS', h)).resolves.toBe(false);
  });
  it('when the same password is hashed twice, then the salts differ', async () => {
    expect(await hashPassword('x')).not.toBe(await hashPassword('x'));
  });
  it('when the stored hash is malformed, then verification fails instead of throwing', async () => {
    await expect(verifyPassword('x', 'plain-text')).resolves.toBe(false);
  });
});
