/** Polls until the probe returns something truthy (a worker has done its part), or fails. */
export async function until<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 30000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Retries an assertion until it passes, or rethrows its last failure. */
export async function eventually(check: () => Promise<void>, timeoutMs = 15000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
