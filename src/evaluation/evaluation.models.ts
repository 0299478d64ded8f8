import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { SERIES } from '../units/unit.model';

export const EVALUATION_STATES = ['draft', 'drawn', 'voting', 'closed', 'published'] as const;
export type EvaluationState = (typeof EVALUATION_STATES)[number];

const rulesSchema = new Schema(
  {
    quota: { entrepreneur: Number, public: Number, groups: { type: Schema.Types.Mixed, default: null } },
    scale: { type: String, enum: ['three-level', 'score'] },
    mapping: { satisfied: Number, basically_satisfied: Number, dissatisfied: Number },
    weights: { panel: Number, handling: Number },
    handlingWeights: { response: Number, onTime: Number, satisfaction: Number },
    penalties: { level3: Number, returnedReport: Number },
    minBallots: Number,
    minCases: Number,
  },
  { _id: false },
);

const seriesUnitSchema = new Schema(
  { unitId: { type: Schema.Types.ObjectId, required: true }, code: String, nameZh: String, nameEn: String, vertical: Boolean, headName: String, headTitle: String },
  { _id: false },
);

const rankingRowSchema = new Schema(
  {
    unitId: Schema.Types.ObjectId,
    unitCode: String,
    rank: Number,
    total: Number,
    panelScore: { type: Number, default: null },
    handlingScore: Number,
    handlingFromMean: Boolean,
    ballots: Number,
    flags: [String],
    outcome: { type: String, default: null },
    sanction: { type: String, default: null },
    consecutive: { type: Number, default: 0 },
    reportToSuperior: Boolean,
    vetoed: Boolean,
    headName: { type: String, default: null },
    components: { type: Schema.Types.Mixed, default: null },
  },
  { _id: false },
);

/**
 * What the ballots said of one unit, once voting closed: counts per answer (three-level scale) or
 * the scores sorted (score scale). Nothing per ballot survives, so neither a member's own-unit
 * gap nor how they voted (link or paper) can single their ballot out.
 */
const tallySchema = new Schema(
  {
    unitId: { type: Schema.Types.ObjectId, required: true },
    satisfied: { type: Number, default: 0 },
    basically_satisfied: { type: Number, default: 0 },
    dissatisfied: { type: Number, default: 0 },
    unknown: { type: Number, default: 0 },
    scores: { type: [Number], default: [] },
    comments: { type: Number, default: 0 },
  },
  { _id: false },
);

// An annual two-hundred evaluation (双百双评): its units by series as of its year, its rules
// (frozen once voting opens), the draw(s) of its panel, vetoes, and once closed, its results.
const evaluationSchema = new Schema(
  {
    year: { type: Number, required: true },
    name: { type: String, required: true },
    state: { type: String, enum: EVALUATION_STATES, required: true, default: 'draft' },
    rules: { type: rulesSchema, required: true },
    rulesFrozenAt: { type: Date, default: null },
    /** The sanction ladder's rule period (五年不变): years within which consecutive last places count. */
    rulePeriod: { from: Number, to: Number },
    series: { type: [new Schema({ code: { type: String, enum: SERIES }, units: [seriesUnitSchema] }, { _id: false })], default: [] },
    /** The registry as frozen for the draw (no contact details); its hash is published before the seed is fixed. */
    snapshot: { type: Schema.Types.Mixed, default: null },
    snapshotHash: { type: String, default: null },
    /** Every draw, kept on record (a redraw needs a reason); the last is the panel. */
    draws: {
      type: [
        new Schema(
          { n: Number, at: Date, by: Schema.Types.ObjectId, seed: String, reason: { type: String, default: null }, snapshotHash: String, panel: [{ representativeId: Schema.Types.ObjectId, kind: String, order: Number, _id: false }] },
          { _id: false },
        ),
      ],
      default: [],
    },
    vetoes: { type: [new Schema({ unitId: Schema.Types.ObjectId, reason: String, evidence: String, at: Date, by: Schema.Types.ObjectId }, { _id: false })], default: [] },
    /** Outcomes of units flagged for too few valid votes, confirmed by the commission before publishing. */
    confirmations: { type: [new Schema({ unitId: Schema.Types.ObjectId, at: Date, by: Schema.Types.ObjectId, note: String }, { _id: false })], default: [] },
    results: { type: [new Schema({ code: String, ranking: [rankingRowSchema] }, { _id: false })], default: [] },
    turnout: { type: Schema.Types.Mixed, default: null },
    /** Set once the ballots are tallied (and deleted); a close interrupted before is resumed. */
    tallies: { type: [tallySchema], default: [] },
    talliedAt: { type: Date, default: null },
    /** The year's handling record of each unit, read once from the cases (unitId → inputs). */
    handling: { type: Schema.Types.Mixed, default: null },
    /** Raised by every change the results depend on (a veto); results say which they were computed for. */
    inputsVersion: { type: Number, default: 0 },
    resultsOf: { type: Number, default: null },
    /** Set once every outcome document exists; a publication interrupted before is resumed. */
    documentsAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    publishedAt: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true },
);
// One evaluation a year: the sanction ladder counts years.
evaluationSchema.index({ year: 1 }, { unique: true });

export type EvaluationFields = InferSchemaType<typeof evaluationSchema> & { _id: Types.ObjectId };
export const Evaluation = model('Evaluation', evaluationSchema);

// One ballot per panel member. While voting is open it knows its member (so one member has one
// ballot and never rates their own unit); when voting closes, ballots are counted
// into per-unit tallies and these documents are deleted, so no rating can be tied to a person.
const ballotSchema = new Schema(
  {
    evaluationId: { type: Schema.Types.ObjectId, required: true },
    representativeId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    /** sha256 of the one-time code (the code itself is shown once, for the mail or the printed ballot). */
    codeHash: { type: String, required: true, unique: true },
    /** The unit the member works for: never rated by them. */
    excludedUnitId: { type: Schema.Types.ObjectId, default: null },
    channel: { type: String, enum: ['link', 'paper'], default: 'link' },
    ratings: { type: [new Schema({ unitId: Schema.Types.ObjectId, rating: { type: String, default: null }, score: { type: Number, default: null }, comment: { type: String, default: null } }, { _id: false })], default: [] },
    votedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
ballotSchema.index({ evaluationId: 1, representativeId: 1 }, { unique: true });
export const Ballot = model('Ballot', ballotSchema);

// The panel's comments, one document each, written in one shuffled order over all units when
// voting closes: no member, no time, no ballot; they cannot be put back together into ballots.
const panelCommentSchema = new Schema({ evaluationId: { type: Schema.Types.ObjectId, required: true }, unitId: { type: Schema.Types.ObjectId, required: true }, text: { type: String, required: true } }, { timestamps: false, versionKey: false });
panelCommentSchema.index({ evaluationId: 1, unitId: 1 });
export const PanelComment = model('PanelComment', panelCommentSchema);

// Last places entered by hand for years before the system (so a county starting mid-period gets the right step).
const priorLastSchema = new Schema(
  { unitId: { type: Schema.Types.ObjectId, required: true }, year: { type: Number, required: true }, note: String, by: Schema.Types.ObjectId },
  { timestamps: true },
);
priorLastSchema.index({ unitId: 1, year: 1 }, { unique: true });
export const PriorLastPlace = model('PriorLastPlace', priorLastSchema);

// The documents an evaluation's outcomes produce, numbered in their own yearly series
// (〔2026〕评第N号), printable; and the commission's to-do for each, tracked until done.
export const OUTCOME_DOCUMENTS = ['commendation', 'criticism', 'sanction', 'superior_letter'] as const;
const outcomeDocumentSchema = new Schema(
  {
    year: { type: Number, required: true },
    seq: { type: Number, required: true },
    evaluationId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: OUTCOME_DOCUMENTS, required: true },
    unitId: { type: Schema.Types.ObjectId, required: true },
    seriesCode: String,
    unitName: String,
    headName: { type: String, default: null },
    headTitle: { type: String, default: null },
    rank: Number,
    sanction: { type: String, default: null },
    consecutive: { type: Number, default: 0 },
    issuedAt: { type: Date, required: true },
    todo: { what: String, doneAt: { type: Date, default: null }, doneBy: { type: Schema.Types.ObjectId, default: null }, note: { type: String, default: null } },
  },
  { timestamps: true },
);
outcomeDocumentSchema.index({ year: 1, seq: 1 }, { unique: true });
outcomeDocumentSchema.index({ evaluationId: 1, kind: 1, unitId: 1 }, { unique: true });
export const OutcomeDocument = model('OutcomeDocument', outcomeDocumentSchema);

/** 〔2026〕评第3号 */
export function outcomeNumber(d: { year: number; seq: number }): string {
  return `〔${d.year}〕评第${d.seq}号`;
}
