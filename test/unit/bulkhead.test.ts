import { Bulkhead } from '../../src/platform/http/bulkhead';
import { BusyError } from '../../src/platform/http/errors';

/** A task the test finishes by hand, recording when it started. */
function gate(started: string[], name: string) {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { task: async () => { started.push(name); await done; return name; }, open };
}

describe('bulkhead', () => {
  it('when more tasks come than may run, then only that many run and the rest wait their turn in order', async () => {
    const b = new Bulkhead(2, 5);
    const started: string[] = [];
    const gates = ['a', 'b', 'c', 'd'].map((n) => gate(started, n));
    const results = gates.map((g) => b.run(g.task));
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    expect(b.stats).toEqual({ running: 2, waiting: 2 });
    gates[1]!.open();
    await results[1];
    await new Promise(setImmediate);
    expect(started).toEqual(['a', 'b', 'c']);
    for (const g of gates) g.open();
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(b.stats).toEqual({ running: 0, waiting: 0 });
  });

  it('when the line is full, then a new task is refused at once with Retry-After and never runs', async () => {
    const b = new Bulkhead(1, 1);
    const started: string[] = [];
    const [first, second] = [gate(started, 'first'), gate(started, 'second')];
    const running = [b.run(first.task), b.run(second.task)];
    let ran = false;
    const refused = b.run(async () => { ran = true; });
    await expect(refused).rejects.toBeInstanceOf(BusyError);
    await refused.catch((err: BusyError) => expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(1));
    first.open();
    second.open();
    await Promise.all(running);
    expect(ran).toBe(false);
    // Room again once the line has gone through.
    await expect(b.run(async () => 'later')).resolves.toBe('later');
  });

  it('when a task fails, then its slot is handed on all the same', async () => {
    const b = new Bulkhead(1, 2);
    const failing = b.run(async () => { throw new Error('boom'); });
    const next = b.run(async () => 'next');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
    expect(b.stats).toEqual({ running: 0, waiting: 0 });
  });
});
