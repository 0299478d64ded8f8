import { isObjectId } from '../platform/http/validate';
import { Types } from 'mongoose';
import { isDuplicateKey } from '../platform/mongo';
import type { Context } from '../context';
import { Case } from '../cases/case.model';
import { fileComplaint } from '../intake/filing.service';
import { countyDate } from '../clock';
import { RESOLVED_STATES, type CaseState } from '../cases/case.states';
import { Category } from '../cases/category.model';
import { AppError, NotFoundError, ValidationError } from '../platform/http/errors';
import { Unit } from '../units/unit.model';
import { User } from '../users/user.model';
import { Campaign } from './campaign.model';
import { MAX_LETTERS, type CampaignInput, type LetterInput } from './campaign.schemas';
import { Letter } from './letter.model';
import { Returner } from './returner.model';


export async function createCampaign(ctx: Context, input: CampaignInput, userId: Types.ObjectId): Promise<string> {
  const campaign = await Campaign.create({ ...input, createdBy: userId });
  ctx.logger.info({ campaignId: String(campaign._id), year: input.year }, 'campaign.created');
  return String(campaign._id);
}

export async function getCampaign(id: string) {
  if (!isObjectId(id)) throw new NotFoundError();
  const campaign = await Campaign.findById(id).lean();
  if (!campaign) throw new NotFoundError();
  return campaign;
}

/** Special supervisors who can be named on a campaign's forms. */
export async function listSupervisors(): Promise<{ id: string; displayName: string }[]> {
  const users = await User.find({ role: 'supervisor', active: true }, { displayName: 1 }).sort({ displayName: 1 }).lean();
  return users.map((u) => ({ id: String(u._id), displayName: u.displayName }));
}

async function isSupervisor(id: string): Promise<boolean> {
  return isObjectId(id) && (await User.exists({ _id: id, role: 'supervisor' })) !== null;
}

/**
 * Records how many letters a supervisor handed out: sets the number (a repeat changes nothing).
 * FerretDB has no positional `$` update, so the list is replaced whole under a version check and
 * retried when another write came first.
 */
export async function setDistribution(ctx: Context, campaignId: string, supervisorId: string, letters: number): Promise<void> {
  let campaign = await getCampaign(campaignId);
  if (!(await isSupervisor(supervisorId))) throw new ValidationError({ supervisorId: 'unknown_supervisor' });
  if (!Number.isInteger(letters) || letters < 0 || letters > MAX_LETTERS) throw new ValidationError({ letters: 'out_of_range' });
  const sid = new Types.ObjectId(supervisorId);

  for (let attempt = 0; attempt < 5; attempt++) {
    const current = campaign.distributions.find((d) => sid.equals(d.supervisorId));
    if (current?.letters === letters) return;
    const next = current
      ? campaign.distributions.map((d) => (sid.equals(d.supervisorId) ? { supervisorId: sid, letters } : d))
      : [...campaign.distributions, { supervisorId: sid, letters }];
    const res = await Campaign.updateOne({ _id: campaign._id, __v: campaign.__v }, { $set: { distributions: next }, $inc: { __v: 1 } });
    if (res.matchedCount === 1) {
      ctx.logger.info({ campaignId, supervisorId, letters }, 'campaign.distribution_set');
      return;
    }
    campaign = await getCampaign(campaignId);
  }
  throw new AppError(409, 'conflict', 'distribution_conflict');
}

export interface RecordedLetter {
  letterId: string;
  cases: { id: string; number: string }[];
  /** True when this repeated an earlier submission of the same form (same key). */
  repeated: boolean;
}

/**
 * Records a returned letter: checks everything first (nothing is saved when one opinion is
 * wrong), saves the letter, the returner's identity apart, then files each opinion as a case of
 * its own. No transactions (FerretDB): a repeat with the same form key resumes where a failed
 * attempt stopped, and files each opinion once (one intake key per opinion).
 */
export async function recordLetter(
  ctx: Context,
  campaignId: string,
  input: LetterInput,
  by: { userId: Types.ObjectId; intakeKey: string },
): Promise<RecordedLetter> {
  const started = Date.now();
  const campaign = await getCampaign(campaignId);
  await checkLetter(ctx, campaign.startDate, input);

  let letter = await Letter.findOne({ intakeKey: by.intakeKey }).lean();
  const repeated = letter !== null;
  if (!letter) {
    try {
      const created = await Letter.create({
        campaignId: campaign._id,
        intakeKey: by.intakeKey,
        receivedOn: input.receivedOn,
        collectedBy: input.collectedBy ? new Types.ObjectId(input.collectedBy) : null,
        opinionCount: input.opinions.length,
        recordedBy: by.userId,
      });
      letter = created.toObject();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      letter = await Letter.findOne({ intakeKey: by.intakeKey }).lean();
    }
  }
  if (!letter || !letter.campaignId.equals(campaign._id)) throw new AppError(409, 'conflict', 'letter_key_reused');
  await saveReturner(letter._id, input);

  const cases: RecordedLetter['cases'] = [];
  // The letter as first recorded decides how many opinions it has.
  for (const [i, opinion] of input.opinions.slice(0, letter.opinionCount).entries()) {
    const filed = await fileComplaint(
      ctx,
      { categoryCode: opinion.categoryCode, description: opinion.description, unitId: opinion.unitId },
      { channel: 'campaign', userId: by.userId, campaignId: campaign._id, letterId: letter._id },
      { idempotencyKey: `${by.intakeKey}-${i}` },
    );
    await Letter.updateOne({ _id: letter._id }, { $addToSet: { caseIds: new Types.ObjectId(filed.id) } });
    cases.push({ id: filed.id, number: filed.number });
  }
  ctx.logger.info(
    { campaignId, letterId: String(letter._id), opinions: cases.length, repeated, durationMs: Date.now() - started },
    'campaign.letter_recorded',
  );
  return { letterId: String(letter._id), cases, repeated };
}

/** Every check that needs the database, all reported at once, before anything is saved. */
async function checkLetter(ctx: Context, campaignStart: string, input: LetterInput): Promise<void> {
  const codes = [...new Set(input.opinions.map((o) => o.categoryCode))];
  const unitIds = [...new Set(input.opinions.flatMap((o) => (o.unitId ? [o.unitId] : [])))];
  const [categories, units, collectorOk] = await Promise.all([
    Category.find({ code: { $in: codes }, active: true }, { code: 1 }).lean(),
    Unit.find({ _id: { $in: unitIds }, active: true }, { _id: 1 }).lean(),
    input.collectedBy ? isSupervisor(input.collectedBy) : Promise.resolve(true),
  ]);
  const knownCodes = new Set(categories.map((c) => c.code));
  const knownUnits = new Set(units.map((u) => String(u._id)));

  const fields: Record<string, string> = {};
  if (input.receivedOn > countyDate(ctx.clock.now(), ctx.config.TZ_COUNTY)) fields.receivedOn = 'future_date';
  else if (input.receivedOn < campaignStart) fields.receivedOn = 'before_campaign_start';
  if (!collectorOk) fields.collectedBy = 'unknown_supervisor';
  input.opinions.forEach((o, i) => {
    if (!knownCodes.has(o.categoryCode)) fields[`opinions.${i}.categoryCode`] = 'unknown_category';
    if (o.unitId && !knownUnits.has(o.unitId)) fields[`opinions.${i}.unitId`] = 'unknown_unit';
  });
  if (Object.keys(fields).length) throw new ValidationError(fields);
}

/** Saved only when something was given; an upsert, so a resumed attempt saves it once. */
async function saveReturner(letterId: Types.ObjectId, input: LetterInput): Promise<void> {
  const identity = { name: input.returnerName ?? null, unit: input.returnerUnit ?? null, phone: input.returnerPhone ?? null };
  if (!identity.name && !identity.unit && !identity.phone) return;
  try {
    await Returner.updateOne({ letterId }, { $setOnInsert: { letterId, ...identity } }, { upsert: true });
  } catch (err) {
    // A simultaneous repeat of the same form inserted it first: it is saved.
    if (!isDuplicateKey(err)) throw err;
  }
}

export interface SupervisorRow {
  supervisorId: string;
  name: string;
  distributed: number;
  returned: number;
}

export interface CampaignStats {
  distributed: number;
  returned: number;
  /** returned / distributed in percent, one decimal; null when nothing was distributed. */
  returnRate: number | null;
  opinions: number;
  resolved: number;
  supervisors: SupervisorRow[];
  /** Returned letters with no collecting supervisor recorded. */
  unattributed: number;
}

/** Whole-number counts with `$group`/`$sum` (all FerretDB offers); the ratio in TypeScript. */
export async function campaignStats(campaignId: string): Promise<CampaignStats> {
  const campaign = await getCampaign(campaignId);
  const [byCollector, byStatus] = await Promise.all([
    Letter.aggregate<{ _id: Types.ObjectId | null; n: number }>([
      { $match: { campaignId: campaign._id } },
      { $group: { _id: '$collectedBy', n: { $sum: 1 } } },
    ]),
    Case.aggregate<{ _id: CaseState; n: number }>([{ $match: { campaignId: campaign._id } }, { $group: { _id: '$status', n: { $sum: 1 } } }]),
  ]);

  const returnedBy = new Map(byCollector.filter((g) => g._id).map((g) => [String(g._id), g.n]));
  const ids = [...new Set([...campaign.distributions.map((d) => String(d.supervisorId)), ...returnedBy.keys()])];
  const names = new Map((await User.find({ _id: { $in: ids } }, { displayName: 1 }).lean()).map((u) => [String(u._id), u.displayName]));
  const supervisors = ids.map((id) => ({
    supervisorId: id,
    name: names.get(id) ?? '—',
    distributed: campaign.distributions.find((d) => String(d.supervisorId) === id)?.letters ?? 0,
    returned: returnedBy.get(id) ?? 0,
  }));

  const distributed = campaign.distributions.reduce((sum, d) => sum + d.letters, 0);
  const returned = byCollector.reduce((sum, g) => sum + g.n, 0);
  return {
    distributed,
    returned,
    returnRate: returnRate(returned, distributed),
    opinions: byStatus.reduce((sum, g) => sum + g.n, 0),
    resolved: byStatus.filter((g) => RESOLVED_STATES.includes(g._id)).reduce((sum, g) => sum + g.n, 0),
    supervisors,
    unattributed: byCollector.find((g) => !g._id)?.n ?? 0,
  };
}

export function returnRate(returned: number, distributed: number): number | null {
  return distributed > 0 ? Math.round((returned / distributed) * 1000) / 10 : null;
}

export interface CampaignListItem {
  id: string;
  title: string;
  year: number;
  startDate: string;
  endDate: string;
  distributed: number;
  returned: number;
  returnRate: number | null;
}

export async function listCampaigns(): Promise<CampaignListItem[]> {
  const [campaigns, returns] = await Promise.all([
    Campaign.find().sort({ year: -1, startDate: -1 }).lean(),
    Letter.aggregate<{ _id: Types.ObjectId; n: number }>([{ $group: { _id: '$campaignId', n: { $sum: 1 } } }]),
  ]);
  const returnedBy = new Map(returns.map((g) => [String(g._id), g.n]));
  return campaigns.map((c) => {
    const distributed = c.distributions.reduce((sum, d) => sum + d.letters, 0);
    const returned = returnedBy.get(String(c._id)) ?? 0;
    return { id: String(c._id), title: c.title, year: c.year, startDate: c.startDate, endDate: c.endDate, distributed, returned, returnRate: returnRate(returned, distributed) };
  });
}

export interface LetterListItem {
  id: string;
  receivedOn: string;
  collectedBy: string | null;
  /** Whether the returner left a name or contact; the identity itself is not read here. */
  identified: boolean;
  cases: { id: string; number: string; status: CaseState }[];
}

/** The campaign's letters, newest first, each with its opinions' case numbers and states. */
export async function listLetters(campaignId: string): Promise<LetterListItem[]> {
  const campaign = await getCampaign(campaignId);
  const [letters, cases] = await Promise.all([
    Letter.find({ campaignId: campaign._id }).sort({ receivedOn: -1, createdAt: -1 }).lean(),
    Case.find({ campaignId: campaign._id }, { number: 1, status: 1, letterId: 1 }).sort({ number: 1 }).lean(),
  ]);
  const letterIds = letters.map((l) => l._id);
  const collectorIds = [...new Set(letters.flatMap((l) => (l.collectedBy ? [String(l.collectedBy)] : [])))];
  const [identified, collectors] = await Promise.all([
    Returner.find({ letterId: { $in: letterIds } }, { letterId: 1 }).lean(),
    User.find({ _id: { $in: collectorIds } }, { displayName: 1 }).lean(),
  ]);
  const identifiedIds = new Set(identified.map((r) => String(r.letterId)));
  const names = new Map(collectors.map((u) => [String(u._id), u.displayName]));
  return letters.map((l) => ({
    id: String(l._id),
    receivedOn: l.receivedOn,
    collectedBy: l.collectedBy ? (names.get(String(l.collectedBy)) ?? '—') : null,
    identified: identifiedIds.has(String(l._id)),
    cases: cases
      .filter((c) => c.letterId && l._id.equals(c.letterId))
      .map((c) => ({ id: String(c._id), number: c.number, status: c.status })),
  }));
}
