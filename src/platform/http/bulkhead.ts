import { BusyError } from './errors';

/**
 * Runs at most `concurrent` tasks at once, with at most `waiting` more in line; past that, a task is
 * refused at once with BusyError (503 and Retry-After) instead of queueing without end. For
 * CPU-bound work such as password hashing, where an unbounded pile-up makes every request slow
 * (200 parallel logins once took a real login from 0.24 s to 12.7 s) and can starve the server.
 */
export class Bulkhead {
  private running = 0;
  private readonly line: Array<() => void> = [];
  /** Mean run time, smoothed, for an honest Retry-After. */
  private meanMs = 100;

  constructor(
    private readonly concurrent: number,
    private readonly waiting: number,
  ) {}

  get stats() {
    return { running: this.running, waiting: this.line.length };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrent) {
      if (this.line.length >= this.waiting) throw new BusyError(this.retryAfterSeconds());
      // A finishing task hands its slot over directly (running is not decremented), so a newcomer
      // cannot overtake the line.
      await new Promise<void>((resolve) => this.line.push(resolve));
    } else {
      this.running++;
    }
    const started = performance.now();
    try {
      return await task();
    } finally {
      this.meanMs = 0.8 * this.meanMs + 0.2 * (performance.now() - started);
      const nextInLine = this.line.shift();
      if (nextInLine) nextInLine();
      else this.running--;
    }
  }

  /** Seconds until the line now waiting has been through, at least 1. */
  private retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(((this.running + this.line.length) / this.concurrent) * this.meanMs / 1000));
  }
}
