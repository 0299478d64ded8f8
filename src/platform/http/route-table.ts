import type { Express } from 'express';

/** One endpoint of the app: an HTTP method (upper case) and its full path as declared. */
export interface RouteEntry {
  method: string;
  path: string;
}

// Express 5 (router 2) keeps no public route list; its layers keep the declared path in
// `rawPath`, a route's methods in `route.methods`, and a mounted router in `handle.stack`.
interface Layer {
  rawPath?: string | RegExp | (string | RegExp)[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[]; name?: string; set?: unknown };
}

const join = (prefix: string, path: string) => (prefix + (path === '/' && prefix ? '' : path)).replace(/\/{2,}/g, '/') || '/';

function paths(raw: Layer['rawPath'] | string[]): string[] {
  if (raw === undefined) return [''];
  const list = Array.isArray(raw) ? raw : [raw];
  // A RegExp path is shown as its source (none in this app; kept readable if one appears).
  return list.map((p) => (typeof p === 'string' ? p : `<${p.source}>`));
}

/**
 * Every method and path the app answers with a route (mounted routers included), in declaration
 * order and without repeats. Plain middleware (static files, token loading) adds nothing; a
 * mounted sub-application is listed as method `ALL` at its mount point.
 */
export function listRoutes(app: Express): RouteEntry[] {
  const seen = new Set<string>();
  const out: RouteEntry[] = [];
  const add = (entry: RouteEntry) => {
    const key = `${entry.method} ${entry.path}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(entry);
  };
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const p of paths(layer.route.path)) {
          for (const [m, on] of Object.entries(layer.route.methods)) {
            if (!on) continue;
            add({ method: m === '_all' ? 'ALL' : m.toUpperCase(), path: join(prefix, p) });
          }
        }
      } else if (layer.handle?.stack) {
        for (const p of paths(layer.rawPath)) walk(layer.handle.stack, join(prefix, p === '/' ? '' : p));
      } else if (layer.handle?.name === 'mounted_app' || typeof layer.handle?.set === 'function') {
        // A sub-application (the queue board, bull-board's own app) is someone else's route
        // table: listed once, as everything under its mount point.
        for (const p of paths(layer.rawPath)) add({ method: 'ALL', path: join(prefix, p) });
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}
