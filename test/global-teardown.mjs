// Stops only the servers the global setup started; a server that was already running stays.
import { stopChildren } from '../scripts/services.mjs';

export default async function globalTeardown() {
  const children = globalThis.__SERVICES__ ?? [];
  globalThis.__SERVICES__ = undefined;
  await stopChildren(children);
}
