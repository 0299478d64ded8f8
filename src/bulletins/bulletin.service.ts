import { foldForMatch, maskPersonalData } from '../transparency/mask';
import type { TFunction } from 'i18next';
import type { Types } from 'mongoose';
import type { Context } from '../context';
import { Case, type CaseLean } from '../cases/case.model';
import { countyYear } from '../cases/case.numbers';
import { findCaseByNumber } from '../cases/case.service';
import { findCategory } from '../cases/category.service';
import { filerMarks } from '../cases/identity.service';
import { ConflictError, NotFoundError, ValidationError } from '../platform/http/errors';
import { tryEnqueue } from '../platform/jobs/enqueue';
import { createNumbered } from '../platform/numbering';
import { findUnit } from '../units/unit.service';
import { Bulletin, bulletinNumber, BulletinNumber, type BulletinLean } from './bulletin.model';
import type { BulletinDraftInput, BulletinEditInput } from './bulletin.schemas';
import { bulletinMailsJob } from './bulletin-mails.job';

/** Cases on the level-3 list (通报) at most this many, newest first: the page is a picking list. */
const LISTED_LIMIT = 200;
const REDACTED = '×××';

export interface ListedCase {
  id: string;
  number: string;
  categoryCode: string;
  unitId: string | null;
  listedAt: Date;
}

/**
 * The cases a level-3 escalation listed for the next notice (src/escalation sets
 * `typicalListedAt`), without those already in an issued notice. A read of the cases collection
 * (no index is used on FerretDB): only the commission's "new notice" page asks, not a hot path.
 */
export async function listedForNotice(): Promise<ListedCase[]> {
  const [cases, issued] = await Promise.all([
    Case.find({ typicalListedAt: { $ne: null } }, { number: 1, categoryCode: 1, assignedUnitId: 1, typicalListedAt: 1 }).sort({ typicalListedAt: -1 }).limit(LISTED_LIMIT).lean(),
    Bulletin.find({ status: 'issued' }, { 'items.caseId': 1 }).lean<BulletinLean[]>(),
  ]);
  const done = new Set(issued.flatMap((b) => b.items.map((i) => String(i.caseId))));
  return cases
    .filter((c) => !done.has(String(c._id)))
    .map((c) => ({ id: String(c._id), number: c.number, categoryCode: c.categoryCode, unitId: c.assignedUnitId ? String(c.assignedUnitId) : null, listedAt: c.typicalListedAt as Date }));
}

const dateIn = (lang: string, tz: string) => (d: Date | null | undefined) =>
  d ? new Intl.DateTimeFormat(lang, { timeZone: tz, year: 'numeric', month: 'long', day: 'numeric' }).format(d) : '';

/** Text with every mark of the filer replaced (a prefill must not carry one into the draft). */
function redact(text: string, marks: readonly string[]): string {
  // The filer's own terms in any spacing, and any phone, email or ID number (a reply may hold one).
  return maskPersonalData(text, marks, REDACTED);
}

/**
 * Whether a text names the filer: a name, phone or email however it is spaced, dotted, dashed or
 * typed (full-width digits and letters): both sides are folded the same way before comparing.
 */
export function holdsMark(text: string, marks: readonly string[]): boolean {
  const folded = foldForMatch(text);
  return marks.some((m) => {
    const mark = foldForMatch(m);
    return mark.length >= 2 && folded.includes(mark);
  });
}

const TIMELINE_SHOWN = ['assigned', 'rerouted', 'signed', 'extension_approved', 'escalated', 'reported', 'returned', 'accepted', 'reopened'] as const;

/**
 * How the case stands against its deadline, as the item's first sentence says it: resolved on
 * time or late (recorded when the report was accepted), or still open and overdue or not yet due.
 * A case picked by number need not be overdue at all.
 */
export function deadlineOutcome(c: Pick<CaseLean, 'resolvedOnTime' | 'deadlineAt'>, now: Date): 'onTime' | 'late' | 'open' | undefined {
  if (c.resolvedOnTime === true) return 'onTime';
  if (c.resolvedOnTime === false) return 'late';
  return c.deadlineAt && now > c.deadlineAt ? undefined : 'open';
}

/** One item written from the case: category, unit, dates, handling steps, published reply. Never the filer. */
async function prefill(c: CaseLean, t: TFunction, lang: string, tz: string, marks: readonly string[], now: Date) {
  const unitId = c.assignedUnitId ?? c.unitHistory.at(-1) ?? null;
  const [unit, category] = await Promise.all([findUnit(unitId), findCategory(c.categoryCode)]);
  const date = dateIn(lang, tz);
  const unitName = unit ? (lang === 'en' ? unit.nameEn : unit.nameZh) : '';
  const happened = t('bulletins.prefill.happened', { category: category ? (lang === 'en' ? category.nameEn : category.nameZh) : c.categoryCode, unit: unitName, number: c.number, submitted: date(c.submittedAt), deadline: c.deadlineDate ?? '—', context: deadlineOutcome(c, now) });
  const steps = c.timeline
    .filter((e) => (TIMELINE_SHOWN as readonly string[]).includes(e.action))
    .map((e) => `${date(e.at)} ${e.action === 'escalated' ? t(`escalation.levels.${Number((e.data as { level?: number } | null)?.level ?? e.note ?? 0)}`) : t(`bulletins.events.${e.action}`)}`);
  const outcome = c.publicReply?.text ? t('bulletins.prefill.reply', { reply: c.publicReply.text }) : t('bulletins.prefill.unresolved');
  return {
    caseId: c._id,
    caseNumber: c.number,
    unitId,
    unitName: redact(unitName, marks),
    happened: redact(happened, marks),
    handling: redact(steps.join(t('bulletins.prefill.separator')), marks),
    outcome: redact(outcome, marks),
  };
}

/** The cases named by id (picked from the list) or by number (typed), each once; unknown numbers are refused. */
async function pickCases(input: { caseIds: string[]; caseNumbers: string[] }): Promise<CaseLean[]> {
  const byId = input.caseIds.length ? await Case.find({ _id: { $in: input.caseIds } }).lean<CaseLean[]>() : [];
  const unknown: string[] = [];
  const byNumber: CaseLean[] = [];
  for (const n of input.caseNumbers) {
    const c = await findCaseByNumber(n);
    if (c) byNumber.push(c);
    else unknown.push(n);
  }
  if (unknown.length) throw new ValidationError({ caseNumbers: 'unknown_case' });
  const seen = new Set<string>();
  return [...byId, ...byNumber].filter((c) => !seen.has(String(c._id)) && !!seen.add(String(c._id)));
}

/** A new draft: the chosen cases, each prefilled; or a correction of an issued notice, its items copied. */
export async function createDraft(ctx: Pick<Context, 'config' | 'clock'>, input: BulletinDraftInput, by: Types.ObjectId, t: TFunction, lang: string): Promise<string> {
  let items: Awaited<ReturnType<typeof prefill>>[] = [];
  if (input.corrects) {
    const old = await Bulletin.findById(input.corrects).lean<BulletinLean>();
    if (!old) throw new ValidationError({ corrects: 'unknown_bulletin' });
    if (old.status !== 'issued') throw new ConflictError('not_issued');
    if (old.correctedBy) throw new ConflictError('already_corrected');
    items = old.items.map((i) => ({ caseId: i.caseId, caseNumber: i.caseNumber, unitId: i.unitId ?? null, unitName: i.unitName ?? '', happened: i.happened ?? '', handling: i.handling ?? '', outcome: i.outcome ?? '' }));
  }
  const cases = await pickCases(input);
  const marks = await filerMarks(cases.map((c) => c._id));
  for (const c of cases) if (!items.some((i) => String(i.caseId) === String(c._id))) items.push(await prefill(c, t, lang, ctx.config.TZ_COUNTY, marks, ctx.clock.now()));
  if (!items.length) throw new ValidationError({ caseIds: 'required' });
  scan({ title: input.title }, await filerMarks(items.map((i) => i.caseId)));
  const doc = await Bulletin.create({ title: input.title, items, corrects: input.corrects ?? null, createdBy: by });
  return String(doc._id);
}

/** Refuses (400, naming the field) any text that holds a mark of a filer. */
function scan(fields: Record<string, string>, marks: readonly string[]): void {
  const bad = Object.fromEntries(Object.entries(fields).filter(([, v]) => holdsMark(v, marks)).map(([k]) => [k, 'names_filer']));
  if (Object.keys(bad).length) throw new ValidationError(bad);
}

export async function getBulletin(id: string): Promise<BulletinLean> {
  const b = await Bulletin.findById(id).lean<BulletinLean>();
  if (!b) throw new NotFoundError();
  return b;
}

/** An issued notice the commission published, for anyone to read (404 otherwise). */
export async function getPublishedBulletin(id: string): Promise<BulletinLean> {
  const b = await Bulletin.findOne({ _id: id, status: 'issued', published: true }).lean<BulletinLean>();
  if (!b) throw new NotFoundError();
  return b;
}

export async function listBulletins(): Promise<BulletinLean[]> {
  return Bulletin.find({}, { title: 1, status: 1, year: 1, seq: 1, issuedAt: 1, published: 1, corrects: 1, correctedBy: 1, createdAt: 1, 'items.caseNumber': 1 }).sort({ createdAt: -1 }).limit(500).lean<BulletinLean[]>();
}

/** Saves a draft's title and summaries (items may be removed, not added: add by a new draft). An issued notice is 409. */
export async function updateDraft(id: string, input: BulletinEditInput): Promise<void> {
  const b = await getBulletin(id);
  if (b.status !== 'draft') throw new ConflictError('issued');
  const kept = b.items.filter((_, i) => !input.remove.includes(i));
  const items = kept.map((item) => {
    const i = b.items.indexOf(item);
    const edit = input.items[i];
    return { ...item, happened: edit?.happened ?? item.happened, handling: edit?.handling ?? item.handling, outcome: edit?.outcome ?? item.outcome };
  });
  if (!items.length) throw new ValidationError({ items: 'required' });
  const fields: Record<string, string> = { title: input.title };
  for (const [i, edit] of Object.entries(input.items)) if (!input.remove.includes(Number(i))) for (const k of ['happened', 'handling', 'outcome'] as const) fields[`items.${i}.${k}`] = edit[k];
  scan(fields, await filerMarks(b.items.map((x) => x.caseId)));
  const done = await Bulletin.findOneAndUpdate({ _id: b._id, status: 'draft' }, { $set: { title: input.title, items } }, { returnDocument: 'after' }).lean();
  if (!done) throw new ConflictError('issued');
}

/**
 * Issues a draft: numbers it in the yearly 通报 series (createNumbered: gap-free, a repeated call
 * finds its number), freezes it, marks a notice it corrects, and owes one mail per active unit's
 * head (queued as one job; the reconciler queues it if Redis was down).
 */
export async function issueBulletin(ctx: Pick<Context, 'clock' | 'config' | 'queues' | 'logger'>, id: string, by: Types.ObjectId): Promise<BulletinLean> {
  const b = await getBulletin(id);
  if (b.status !== 'draft') throw new ConflictError('issued');
  if (!b.items.length) throw new ValidationError({ items: 'required' });
  // A notice names the unit each case is about: an item whose case never reached a unit (one
  // picked by number from triage) has nobody to notify and is refused, its item named.
  const noUnit = b.items.flatMap((item, i) => (item.unitId && item.unitName ? [] : [[`items.${i}.unit`, 'no_unit'] as const]));
  if (noUnit.length) throw new ValidationError(Object.fromEntries(noUnit));
  const fields: Record<string, string> = { title: b.title };
  b.items.forEach((item, i) => ['happened', 'handling', 'outcome'].forEach((k) => (fields[`items.${i}.${k}`] = String((item as unknown as Record<string, unknown>)[k] ?? ''))));
  scan(fields, await filerMarks(b.items.map((x) => x.caseId)));
  // One correction per notice: two drafts correcting the same one cannot both be issued (the
  // second would leave the first orphaned). Claimed before numbering, so a refusal spends no number.
  if (b.corrects) {
    const claimed = await Bulletin.findOneAndUpdate({ _id: b.corrects, $or: [{ correctedBy: null }, { correctedBy: b._id }] }, { $set: { correctedBy: b._id } }).lean();
    if (!claimed) throw new ConflictError('already_corrected');
  }
  const now = ctx.clock.now();
  const { doc: n } = await createNumbered(BulletinNumber, countyYear(now, ctx.config.TZ_COUNTY), { bulletinId: b._id }, { bulletinId: b._id });
  const issued = await Bulletin.findOneAndUpdate({ _id: b._id, status: 'draft' }, { $set: { status: 'issued', year: n.year, seq: n.seq, issuedAt: now, issuedBy: by, mailsQueued: false } }, { returnDocument: 'after' }).lean<BulletinLean>();
  if (!issued) throw new ConflictError('issued');
  ctx.logger.info({ bulletinId: id, year: n.year, seq: n.seq }, 'bulletin.issued');
  if (await tryEnqueue(ctx, bulletinMailsJob, { bulletinId: id })) await Bulletin.updateOne({ _id: issued._id }, { $set: { mailsQueued: true } });
  return issued;
}

/** Shows or withdraws an issued notice on the public page; a draft is 409. */
export async function setPublished(ctx: Pick<Context, 'clock'>, id: string, published: boolean): Promise<void> {
  const done = await Bulletin.findOneAndUpdate({ _id: id, status: 'issued' }, { $set: { published, publishedAt: published ? ctx.clock.now() : null } }, { returnDocument: 'after' }).lean();
  if (!done) {
    await getBulletin(id);
    throw new ConflictError('not_issued');
  }
}

export interface PublishedBulletin {
  id: string;
  number: string;
  title: string;
  issuedAt: Date;
  corrects: string | null;
  items: { unitName: string; summary: string; outcome: string }[];
}

/**
 * The published notices for the public page, newest first: number, title, date and per case the
 * unit, the summary and the outcome the commission wrote (checked for filer marks on save and on
 * issue). No case number, no case id: nothing to look a filer up by.
 */
export async function publishedBulletins(limit = 10): Promise<PublishedBulletin[]> {
  const rows = await Bulletin.find({ status: 'issued', published: true }).sort({ issuedAt: -1 }).limit(limit).lean<BulletinLean[]>();
  const cited = new Map((await Bulletin.find({ _id: { $in: rows.map((b) => b.corrects).filter(Boolean) } }, { year: 1, seq: 1 }).lean()).map((b) => [String(b._id), bulletinNumber(b)]));
  return rows.map((b) => ({
    id: String(b._id),
    number: bulletinNumber(b)!,
    title: b.title,
    issuedAt: b.issuedAt as Date,
    corrects: b.corrects ? (cited.get(String(b.corrects)) ?? null) : null,
    items: b.items.map((i) => ({ unitName: i.unitName ?? '', summary: [i.happened, i.handling].filter(Boolean).join(' '), outcome: i.outcome ?? '' })),
  }));
}

export { bulletinNumber };

/** A notice as the API gives it (commission tokens): ids as strings, its number once issued. */
export function bulletinJson(b: BulletinLean) {
  return {
    id: String(b._id),
    number: bulletinNumber(b),
    title: b.title,
    status: b.status,
    issuedAt: b.issuedAt ?? null,
    published: !!b.published,
    publishedAt: b.publishedAt ?? null,
    corrects: b.corrects ? String(b.corrects) : null,
    correctedBy: b.correctedBy ? String(b.correctedBy) : null,
    items: b.items.map((i) => ({ caseId: String(i.caseId), caseNumber: i.caseNumber, unitId: i.unitId ? String(i.unitId) : null, unitName: i.unitName ?? '', happened: i.happened ?? '', handling: i.handling ?? '', outcome: i.outcome ?? '' })),
  };
}
