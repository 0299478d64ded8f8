import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../src/app';
import { Case } from '../../src/cases/case.model';
import { listRoutes, type RouteEntry } from '../../src/platform/http/route-table';
import { PROBE_ROLES, type ProbeRole } from '../../scripts/access-matrix-table';
import { givenMatrixFixture, isTokenRoute, type MatrixFixture } from '../helpers/access-matrix';
import { PASSWORD } from '../helpers/builders';
import { useE2e } from '../helpers/e2e';
import { until } from '../helpers/wait';

// axe is injected as a script tag, so the contexts bypass the app's CSP (script-src 'self').
// Every page of every role, as a phone (360 px) and a desktop (1366 px) show it: no serious or
// critical axe-core violation, no sideways scrolling on the phone, a visible keyboard focus.
// The pages are not listed by hand: every GET route of the app's route table (the one the access
// matrix probes) outside the token API, its `:params` filled from the access-matrix fixture, is
// asked for by each role; what a role gets as an HTML page (200, text/html) is checked. A page
// added later is covered as soon as its route is mounted (and the fixture knows its params).

const e = useE2e();
const AXE = require.resolve('axe-core/axe.min.js');
const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 360, height: 740 };
const SUITE_MS = 600_000;

interface Finding {
  role: string;
  path: string;
  width: number;
  problem: string;
}

/** Every role in Chinese at both widths; the public's and the units' pages in English on the phone too. */
interface Pass {
  role: ProbeRole;
  lang: 'zh-CN' | 'en';
}
const PASSES: Pass[] = [...PROBE_ROLES.map((role) => ({ role, lang: 'zh-CN' as const })), { role: 'anonymous', lang: 'en' }, { role: 'unit', lang: 'en' }];

let fx: MatrixFixture;
let routes: RouteEntry[];

beforeAll(async () => {
  const app = createApp(e.ctx);
  fx = await givenMatrixFixture(e.ctx, app);
  routes = listRoutes(app).filter((r) => r.method === 'GET' && !isTokenRoute(r.path));
  routes.push({ method: 'GET', path: '/no-such-page' }); // the error page's layout too
}, SUITE_MS);

/**
 * The supervisor files feedback from the keyboard (its own case, for the page only its filer may
 * open): fields take typed input, the submit button is reached with Tab and pressed with Enter.
 */
async function keyboardFeedback(page: Page): Promise<string> {
  await page.goto(`${e.base}/supervisor/feedback/new`);
  await page.focus('#categoryCode');
  await page.keyboard.press('ArrowDown');
  await page.focus('#description');
  await page.keyboard.type('无障碍检查：乡镇便民服务中心的自助机长期故障无人维修。');
  let onSubmit = false;
  for (let i = 0; i < 30 && !onSubmit; i++) {
    await page.keyboard.press('Tab');
    onSubmit = (await page.evaluate("document.activeElement && document.activeElement.type === 'submit'")) as boolean;
  }
  expect(onSubmit).toBe(true);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => !url.pathname.endsWith('/new'));
  const filed = await until(() => Case.findOne({ channel: 'supervisor' }).sort({ _id: -1 }).lean());
  return String(filed._id);
}

/** Logs in with the keyboard alone: the login form must work without a mouse. */
async function keyboardLogin(page: Page, username: string): Promise<void> {
  await page.goto(`${e.base}/login`);
  await page.focus('#username');
  await page.keyboard.type(username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

const minor: Record<string, number> = {};
const timing = { axe: 0, load: 0 };

/**
 * The serious and critical violations axe-core finds. `sameColours`: the page was already checked
 * at another width; the media queries change layout only, not colours, so the costliest rule
 * (colour contrast) is not run again.
 */
async function axeViolations(page: Page, sameColours = false): Promise<string[]> {
  const t0 = Date.now();
  if (!(await page.evaluate("'axe' in window"))) await page.addScriptTag({ path: AXE });
  // In-page code is passed as text (this project's TypeScript has no DOM types).
  const rules = sameColours ? "{ 'color-contrast': { enabled: false } }" : '{}';
  const results = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'], rules: ${rules} }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`)) as { id: string; impact: string; targets: string[] }[];
  timing.axe += Date.now() - t0;
  for (const v of results) if (v.impact !== 'serious' && v.impact !== 'critical') minor[`${v.impact} ${v.id}`] = (minor[`${v.impact} ${v.id}`] ?? 0) + 1;
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`);
}

/** The first Tab from the top of the page lands on something drawn with a visible focus ring. */
async function focusVisible(page: Page): Promise<string | null> {
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  await page.keyboard.press('Tab');
  return (await page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'Tab focuses nothing';
    const s = getComputedStyle(el);
    const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none';
    return ring ? null : 'no visible focus on <' + el.tagName.toLowerCase() + '> "' + (el.textContent || '').trim().slice(0, 30) + '"';
  })()`)) as string | null;
}

/**
 * A GET with the context's cookies, not following redirects. A kept-alive socket the server has
 * just closed answers ECONNRESET (a transport race, more likely on a loaded machine): asked again
 * once on a new socket; a page that resets every time still fails.
 */
async function askOnce(context: BrowserContext, url: string) {
  try {
    return await context.request.get(url, { maxRedirects: 0 });
  } catch (err) {
    if (!/ECONNRESET/.test(String(err))) throw err;
    return context.request.get(url, { maxRedirects: 0, headers: { connection: 'close' } });
  }
}

/** The outermost element reaching past the phone's width (what to fix when a page scrolls sideways). */
async function widest(page: Page): Promise<string> {
  return (await page.evaluate(`(() => {
    const over = [...document.body.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > ${PHONE.width + 1} || el.scrollWidth > ${PHONE.width + 1});
    const outer = over.reverse().find((el) => el.scrollWidth > el.clientWidth || el.getBoundingClientRect().right > ${PHONE.width + 1}) || over[0];
    return outer ? '<' + outer.tagName.toLowerCase() + (outer.id ? '#' + outer.id : '') + (outer.className ? '.' + String(outer.className).split(' ').join('.') : '') + '>' : 'no element found';
  })()`)) as string;
}

it('when every role opens every page it may open, at 360 px and 1366 px, then axe finds nothing serious, nothing scrolls sideways and focus is visible', async () => {
  const started = Date.now();
  const findings: Finding[] = [];
  const checked: Record<string, string[]> = {};
  const contexts: BrowserContext[] = [];
  // One context per role (one login each), the roles side by side: most of the time is waiting.
  const checkRole = async ({ role, lang }: Pass) => {
    // English adds longer words, not other colours or markup: it is checked where it can break, on the phone.
    const desktop = lang === 'zh-CN';
    const context = await e.browser.newContext({ viewport: desktop ? DESKTOP : PHONE, locale: lang, bypassCSP: true });
    contexts.push(context);
    await context.addCookies([{ name: 'lang', value: lang, url: e.base }]);
    const page = await context.newPage();
    if (role !== 'anonymous') await keyboardLogin(page, `u-${role}`);
    const ownCase = role === 'supervisor' && lang === 'zh-CN' ? await keyboardFeedback(page) : null;
    const name = lang === 'zh-CN' ? role : `${role} (${lang})`;
    checked[name] = [];
    for (const route of routes) {
      // The matrix's case was filed by a citizen; the supervisor's own case page needs its own.
      const path = ownCase && route.path === '/supervisor/cases/:id' ? `/supervisor/cases/${ownCase}` : fx.params(route);
      // Ask first (same cookies): only what this role gets as an HTML page is a page to check.
      const probe = await askOnce(context, `${e.base}${path}`);
      const html = (probe.headers()['content-type'] ?? '').startsWith('text/html');
      if (!html || (probe.status() !== 200 && route.path !== '/no-such-page')) continue;
      checked[name]!.push(route.path);
      const t0 = Date.now();
      if (desktop) {
        await page.setViewportSize(DESKTOP);
        await page.goto(`${e.base}${path}`);
        timing.load += Date.now() - t0;
        for (const problem of await axeViolations(page)) findings.push({ role: name, path: route.path, width: DESKTOP.width, problem });
        const focus = await focusVisible(page);
        if (focus) findings.push({ role: name, path: route.path, width: DESKTOP.width, problem: focus });
        await page.setViewportSize(PHONE);
        await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(0)))'); // the page's resize handlers have run
      } else {
        await page.goto(`${e.base}${path}`);
        timing.load += Date.now() - t0;
      }
      const scrollWidth = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      if (scrollWidth > PHONE.width + 1) findings.push({ role: name, path: route.path, width: PHONE.width, problem: `scrolls sideways: ${scrollWidth} px wide, ${await widest(page)}` });
      for (const problem of await axeViolations(page, true)) findings.push({ role: name, path: route.path, width: PHONE.width, problem });
    }
  };
  try {
    await Promise.all(PASSES.map(checkRole));
  } finally {
    for (const c of contexts) await c.close();
  }
  const seconds = (Date.now() - started) / 1000;
  fs.mkdirSync('test-results', { recursive: true });
  fs.writeFileSync('test-results/a11y-pages.json', JSON.stringify({ seconds, timing, minor, checked, findings }, null, 2));
  process.stdout.write(`a11y: ${Object.values(checked).flat().length} role-pages (${Object.entries(checked).map(([r, list]) => `${r} ${list.length}`).join(', ')}) in ${seconds.toFixed(1)} s\n`);

  // Every role saw pages (a login that failed would leave a role with only the public ones).
  expect(checked.commission!.length).toBeGreaterThan(checked.anonymous!.length);
  expect(checked.admin).toContain('/admin/users');
  expect(checked.unit).toContain('/unit/cases/:id');
  expect(checked.supervisor).toContain('/supervisor/cases/:id');
  expect(checked['unit (en)']).toEqual(checked.unit);
  // The pages that need records past a draft (the fixture builds them): reached, not 404.
  expect(checked.commission).toEqual(expect.arrayContaining(['/supervision-notices/:id', '/evaluation-documents/:id', '/public/evaluations/:id', '/ballot/:code']));
  expect(checked.unit).toEqual(expect.arrayContaining(['/supervision-notices/:id', '/public/evaluations/:id']));
  expect(checked.anonymous).toEqual(expect.arrayContaining(['/public/evaluations/:id', '/ballot/:code']));
  expect(findings.map((f) => `${f.role} ${f.path} @${f.width}: ${f.problem}`)).toEqual([]);
}, SUITE_MS);
