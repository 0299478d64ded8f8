import { ConfigError, loadConfig } from '../../src/config';

describe('config', () => {
  it('when the environment is empty, then development defaults apply', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.MONGODB_URI).toBe('mongodb://127.0.0.1:27017/county_feedback');
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it.each([
    ['PORT', 'eighty'],
    ['MONGODB_URI', 'postgres://localhost/x'],
    ['REDIS_URL', 'localhost:6379'],
    ['SMTP_URL', 'mail.example'],
    ['LOG_LEVEL', 'loud'],
    ['SESSION_SECRET', 'short'],
    ['IMAGE_MAX_PIXELS', '1000'],
    ['IMAGE_CLEAN_CONCURRENCY', '0'],
  ])('when %s is %p, then loading fails and names %s', (key, value) => {
    let err: unknown;
    try {
      loadConfig({ [key]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).keys).toEqual([key]);
    expect((err as Error).message).toContain(key);
  });

  it('when two keys are bad, then both are named at once', () => {
    expect(() => loadConfig({ PORT: '0', REDIS_URL: 'x' })).toThrow(/PORT[\s\S]*REDIS_URL|REDIS_URL[\s\S]*PORT/);
  });

  it('when production runs with the development session secret, then it refuses to start', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'a-real-secret-of-some-length' }).NODE_ENV).toBe('production');
  });
});

describe('TZ_COUNTY', () => {
  it('when the county time zone is unknown, then loading fails naming the key', () => {
    expect(() => loadConfig({ TZ_COUNTY: 'Nowhere/Atlantis' })).toThrow(/TZ_COUNTY/);
  });
});
