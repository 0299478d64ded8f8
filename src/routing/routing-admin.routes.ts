import { Router, type Request, type Response } from 'express';
import { localName, namesByKey } from '../platform/names';
import { requireRole } from '../platform/http/require-role';
import { Category } from '../cases/category.model';
import { NotFoundError, ValidationError } from '../platform/http/errors';
import { parseOrThrow } from '../platform/http/validate';
import { Unit } from '../units/unit.model';
import { listActiveUnits } from '../units/unit.service';
import { DEFAULT_DAYS, PRIORITIES, type Priority } from './deadline-policy.model';
import { policyTable, setPolicy } from './deadline.service';
import { cellField, deadlineTableInput, ruleInput } from './routing-admin.schemas';
import { createRule, listRules, setRuleActive, updateRule } from './routing-rule.service';

/** What the rule form shows: the text the administrator typed (or the stored rule, as text). */
interface RuleFormValues {
  name: string;
  order: string;
  categoryCodes: string[];
  keywords: string;
  places: string;
  useNamedUnit: boolean;
  unitId: string;
  priority: string;
}

const EMPTY_FORM: RuleFormValues = { name: '', order: '', categoryCodes: [], keywords: '', places: '', useNamedUnit: false, unitId: '', priority: 'normal' };

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** The posted form as it was typed, so a page with errors keeps the input. */
function postedValues(body: unknown): RuleFormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const codes = Array.isArray(b.categoryCodes) ? b.categoryCodes : [b.categoryCodes];
  return {
    name: text(b.name),
    order: text(b.order),
    categoryCodes: codes.filter((c): c is string => typeof c === 'string' && c !== ''),
    keywords: text(b.keywords),
    places: text(b.places),
    useNamedUnit: ['on', 'true', '1'].includes(text(b.useNamedUnit)),
    unitId: text(b.unitId),
    priority: text(b.priority),
  };
}

type StoredRule = Awaited<ReturnType<typeof listRules>>[number];

function storedValues(rule: StoredRule): RuleFormValues {
  return {
    name: rule.name,
    order: String(rule.order),
    categoryCodes: rule.categoryCodes,
    keywords: rule.keywords.join('\n'),
    places: rule.places.join('\n'),
    useNamedUnit: rule.useNamedUnit,
    unitId: rule.unitId ? String(rule.unitId) : '',
    priority: rule.priority ?? 'normal',
  };
}

/**
 * The administrator's pages for routing rules (which unit gets a new case, with which priority)
 * and for deadline policies (working days per category and priority). Rules are switched off,
 * never deleted, so the timeline's "assigned by rule X" keeps its meaning.
 */
export function routingAdminRoutes(): Router {
  const r = Router();
  const admin = requireRole('admin');

  /** Everything the rule pages need to show names instead of codes and ids. */
  const ruleRefs = async (req: Request, rules: StoredRule[]) => {
    const [categories, units] = await Promise.all([Category.find().sort({ order: 1, code: 1 }).lean(), listActiveUnits()]);
    const lang = req.lang;
    const categoryNames = namesByKey(categories, 'code', lang);
    const unitNames = namesByKey(units, 'id', lang);
    // A rule may still point at a unit switched off since: name it, marked as inactive.
    const missing = rules.map((x) => (x.unitId ? String(x.unitId) : '')).filter((id) => id && !(id in unitNames));
    const inactiveUnits: Record<string, string> = {};
    if (missing.length) for (const u of await Unit.find({ _id: { $in: missing } }).lean()) inactiveUnits[String(u._id)] = localName(u, lang);
    return { categories, activeCategories: categories.filter((c) => c.active), units, categoryNames, unitNames, inactiveUnits };
  };

  const renderList = async (req: Request, res: Response, values: RuleFormValues = EMPTY_FORM, errors: Record<string, string> = {}, status = 200) => {
    const rules = await listRules();
    res.status(status).render('admin/rules', { mode: 'list', rules, values, errors, priorities: PRIORITIES, ...(await ruleRefs(req, rules)) });
  };

  const renderEdit = async (req: Request, res: Response, rule: StoredRule, values: RuleFormValues, errors: Record<string, string> = {}, status = 200) => {
    res.status(status).render('admin/rules', { mode: 'edit', rule, rules: [], values, errors, priorities: PRIORITIES, ...(await ruleRefs(req, [rule])) });
  };

  const findRule = async (id: string) => {
    const rule = (await listRules()).find((x) => String(x._id) === id);
    if (!rule) throw new NotFoundError();
    return rule;
  };

  r.get('/admin/rules', admin, async (req, res) => renderList(req, res));

  r.post('/admin/rules', admin, async (req, res) => {
    try {
      await createRule(parseOrThrow(ruleInput, req.body));
      res.redirect(303, '/admin/rules');
    } catch (err) {
      if (err instanceof ValidationError) return renderList(req, res, postedValues(req.body), err.fields ?? {}, 400);
      throw err;
    }
  });

  r.get('/admin/rules/:id', admin, async (req, res) => {
    const rule = await findRule(String(req.params.id));
    await renderEdit(req, res, rule, storedValues(rule));
  });

  r.post('/admin/rules/:id', admin, async (req, res) => {
    const rule = await findRule(String(req.params.id));
    try {
      if (!(await updateRule(String(rule._id), parseOrThrow(ruleInput, req.body)))) throw new NotFoundError();
      res.redirect(303, '/admin/rules');
    } catch (err) {
      if (err instanceof ValidationError) return renderEdit(req, res, rule, postedValues(req.body), err.fields ?? {}, 400);
      throw err;
    }
  });

  r.post('/admin/rules/:id/active', admin, async (req, res) => {
    if (!(await setRuleActive(String(req.params.id), req.body?.active === 'true'))) throw new NotFoundError();
    res.redirect(303, '/admin/rules');
  });

  // Rows: the county default ('*') first, then every active category (inactive ones take no new cases).
  const deadlineRows = async (req: Request) => {
    const categories = await Category.find({ active: true }).sort({ order: 1, code: 1 }).lean();
    const names = namesByKey(categories, 'code', req.lang);
    return { table: await policyTable(categories.map((c) => c.code)), names };
  };

  const renderDeadlines = async (req: Request, res: Response, posted: Record<string, string> | null, errors: Record<string, string> = {}, status = 200) => {
    const { table, names } = await deadlineRows(req);
    const countyRow = table.find((row) => row.categoryCode === '*');
    // What an empty cell means: the shipped default on the default row, the default row elsewhere.
    const fallback = Object.fromEntries(PRIORITIES.map((p) => [p, countyRow?.days[p] ?? DEFAULT_DAYS[p]])) as Record<Priority, number>;
    const cells: Record<string, string> = {};
    for (const row of table) {
      for (const p of PRIORITIES) {
        const key = cellField(row.categoryCode, p);
        cells[key] = posted && key in posted ? posted[key]! : row.days[p] === null ? '' : String(row.days[p]);
      }
    }
    const saved = req.query.saved === '1' && status === 200;
    res.status(status).render('admin/deadlines', { table, names, cells, errors, fallback, defaults: DEFAULT_DAYS, priorities: PRIORITIES, cellField, saved });
  };

  r.get('/admin/deadlines', admin, async (req, res) => renderDeadlines(req, res, null));

  r.post('/admin/deadlines', admin, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const posted = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => e[0].startsWith('days.') && typeof e[1] === 'string'));
    const { table } = await deadlineRows(req);
    let input: Record<string, number | null | undefined>;
    try {
      // Every cell is checked before any is saved: a table with one bad cell changes nothing.
      input = parseOrThrow(deadlineTableInput(table.map((row) => row.categoryCode)), body);
    } catch (err) {
      if (err instanceof ValidationError) return renderDeadlines(req, res, posted, err.fields ?? {}, 400);
      throw err;
    }
    for (const row of table) {
      for (const p of PRIORITIES) {
        const days = input[cellField(row.categoryCode, p)];
        if (days === undefined) continue;
        const stored = days === null && row.categoryCode === '*' ? DEFAULT_DAYS[p] : days;
        if (stored !== row.days[p]) await setPolicy(row.categoryCode, p, days);
      }
    }
    res.redirect(303, '/admin/deadlines?saved=1');
  });

  return r;
}
