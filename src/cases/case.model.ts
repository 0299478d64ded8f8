import { Schema, model, type InferSchemaType, type HydratedDocument, type Types } from 'mongoose';
import { ROLES } from '../platform/roles';
import { CASE_STATES, CHANNELS, SATISFACTION } from './case.states';
import { TIMELINE_ACTIONS } from './case.timeline';

// A timeline event is appended with $push and never edited or deleted.
const timelineEventSchema = new Schema(
  {
    at: { type: Date, required: true },
    actor: {
      kind: { type: String, enum: ['citizen', 'user', 'system'], required: true },
      userId: { type: Schema.Types.ObjectId, default: null },
      role: { type: String, enum: [...ROLES, null], default: null },
    },
    action: { type: String, enum: TIMELINE_ACTIONS, required: true },
    from: { type: String, default: null },
    to: { type: String, default: null },
    unitId: { type: Schema.Types.ObjectId, default: null },
    note: { type: String, default: null },
    // Values before and after where the event changed one (e.g. the deadline).
    data: { type: Schema.Types.Mixed, default: null },
  },
  { _id: false },
);

const attachmentSchema = new Schema(
  {
    fileId: { type: Schema.Types.ObjectId, required: true }, // GridFS file in bucket `attachments`
    filename: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    // Re-encoded without metadata; absent on files stored before cleaning, which units never see.
    cleaned: { type: Boolean, default: false },
  },
  { _id: false },
);

// What units may read. The complainant's identity is NOT here: it lives in the `complainants`
// collection (see complainant.model.ts) and is read only by commission staff, with a log entry.
const caseSchema = new Schema(
  {
    number: { type: String, required: true, unique: true },
    channel: { type: String, enum: CHANNELS, required: true },
    categoryCode: { type: String, required: true },
    description: { type: String, required: true },
    place: { type: String, default: null },
    // Where it happened as a GeoJSON point (WGS84, [long, lat]), when the filer's app sent one
    // (Open311 lat/long); seen by whoever sees the place. And the filer's own address id, as sent.
    location: { type: new Schema({ type: { type: String, enum: ['Point'], required: true }, coordinates: { type: [Number], required: true } }, { _id: false }), default: null },
    addressId: { type: String, default: null },
    // The day the events happened, as the filer gave it ('YYYY-MM-DD', county calendar).
    eventDate: { type: String, default: null },
    // Supervisor feedback: which official or unit it concerns, and whether a citizen they met
    // brought it to them.
    concerns: { type: String, default: null },
    fromCitizenMet: { type: Boolean, default: null },
    // Opinions from a letter campaign (征求意见函) keep their links.
    campaignId: { type: Schema.Types.ObjectId, ref: 'Campaign', default: null },
    letterId: { type: Schema.Types.ObjectId, default: null },
    attachments: { type: [attachmentSchema], default: [] },
    // Information the filer added later (by tracking code), visible to whoever handles the case.
    supplements: { type: [new Schema({ at: Date, text: String }, { _id: false })], default: [] },
    // The commission allows the filer's description (masked) on the public page (src/transparency)
    // and Open311 then shows its text and place to anyone; who set or cleared it, and when, is on
    // the timeline (publishable_set / publishable_cleared).
    publishable: { type: Boolean, default: false },
    // The unit's reply as published to the filer.
    publicReply: { type: new Schema({ at: Date, text: String }, { _id: false }), default: null },
    satisfaction: {
      type: new Schema({ at: Date, rating: { type: String, enum: SATISFACTION }, comment: String, source: { type: String, enum: ['filer', 'follow_up'], default: 'filer' } }, { _id: false }),
      default: null,
    },
    status: { type: String, enum: CASE_STATES, required: true, default: 'submitted' },
    targetUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    assignedUnitId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    // Which user filed it (supervisor or staff); null for the public.
    filedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    // Counts assignments (re-routing makes a new one) so each gets its own notice and mail keys.
    assignmentNo: { type: Number, default: 0 },
    // The current assignment: priority, the correction deadline in working days, what the
    // notice cites and asks for. Re-routing replaces them; the timeline keeps the history.
    priority: { type: String, enum: ['urgent', 'normal', 'complex'], default: null },
    deadlineDays: { type: Number, default: null },
    deadlineDate: { type: String, default: null },
    deadlineAt: { type: Date, default: null },
    // Counted Monday to Friday in a year not entered in the calendar yet: to be confirmed.
    deadlineProvisional: { type: Boolean, default: false },
    basis: { type: String, default: null },
    requirements: { type: String, default: null },
    noticeId: { type: Schema.Types.ObjectId, ref: 'Notice', default: null },
    // True from assignment until its notice is issued; the reconciler finishes what Redis lost.
    noticePending: { type: Boolean, default: false },
    // ── Rectification (the unit's handling; see src/rectification) ──
    // When the current assignment was made and its notice issued; signing is due by signDueAt.
    assignedAt: { type: Date, default: null },
    noticeIssuedAt: { type: Date, default: null },
    signDueDate: { type: String, default: null },
    signDueAt: { type: Date, default: null },
    signedAt: { type: Date, default: null },
    signedBy: { type: Schema.Types.ObjectId, default: null },
    signedLate: { type: Boolean, default: null },
    // Every unit the case was ever assigned to (metrics find a unit's cases by it).
    unitHistory: { type: [Schema.Types.ObjectId], default: [] },
    // Units that sent it back (a unit may send a case back once), and the pending send-back.
    sentBackBy: { type: [Schema.Types.ObjectId], default: [] },
    sendBack: { type: new Schema({ at: Date, unitId: Schema.Types.ObjectId, by: Schema.Types.ObjectId, reasons: String, basis: String }, { _id: false }), default: null },
    contacts: { type: [new Schema({ at: Date, means: String, note: String, recordedAt: Date, by: Schema.Types.ObjectId, unitId: Schema.Types.ObjectId }, { _id: false })], default: [] },
    // Questions to the filer: the open one (the case waits for the filer) and the history.
    question: { type: new Schema({ n: Number, at: Date, text: String, by: Schema.Types.ObjectId }, { _id: false }), default: null },
    questions: {
      type: [new Schema({ n: Number, at: Date, text: String, answeredAt: Date, answer: String, closedBy: Schema.Types.ObjectId }, { _id: false })],
      default: [],
    },
    extensions: {
      type: [
        new Schema(
          {
            n: Number,
            at: Date,
            by: Schema.Types.ObjectId,
            unitId: Schema.Types.ObjectId,
            workingDays: Number,
            reason: String,
            // void: the request ended unanswered (the case was re-routed or resolved first).
            status: { type: String, enum: ['pending', 'approved', 'refused', 'void'] },
            decidedAt: Date,
            decidedBy: Schema.Types.ObjectId,
            decisionReason: String,
            fromDate: String,
            toDate: String,
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    reports: {
      type: [
        new Schema(
          {
            n: Number,
            at: Date,
            by: Schema.Types.ObjectId,
            unitId: Schema.Types.ObjectId,
            findings: String,
            actions: String,
            outcome: { type: String, enum: ['resolved', 'explained', 'partly'] },
            result: String,
            accountability: { type: String, enum: ['none', 'criticism', 'admonishment', 'disciplinary', 'transferred'] },
            accountabilityNote: String,
            reply: String,
            internalNotes: String,
            attachments: { type: [attachmentSchema], default: [] },
            deadlineDate: String,
            decision: {
              type: new Schema(
                { accepted: Boolean, at: Date, by: Schema.Types.ObjectId, reasons: String, workingDays: Number, newDeadline: String, onTime: Boolean },
                { _id: false },
              ),
              default: null,
            },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    // Sent back to redo (a returned report or a reopened case) and not reported again yet.
    redo: { type: Boolean, default: false },
    returnsCount: { type: Number, default: 0 },
    reopenCount: { type: Number, default: 0 },
    resolvedAt: { type: Date, default: null },
    resolvedOnTime: { type: Boolean, default: null },
    // The rating window: a dissatisfied rating before it lists the case; after it the case closes.
    ratingWindowEndsAt: { type: Date, default: null },
    // On the commission's dissatisfied list until closed with a note or reopened.
    dissatisfiedOpen: { type: Boolean, default: false },
    unreasonable: { type: new Schema({ at: Date, by: Schema.Types.ObjectId, reason: String }, { _id: false }), default: null },
    followUps: {
      type: [new Schema({ at: Date, by: Schema.Types.ObjectId, result: { type: String, enum: [...SATISFACTION, 'not_reached'] }, note: String }, { _id: false })],
      default: [],
    },
    // Ratings of earlier outcomes (a reopened case is rated again).
    pastRatings: { type: [new Schema({ at: Date, rating: String, comment: String, source: String }, { _id: false })], default: [] },
    // ── Escalation (see src/escalation) ──
    // Deadline steps done (reminders, levels), by key `<round>:<kind>:<n>`: each once.
    stepsDone: { type: [String], default: [] },
    // Overdue levels applied (1 催办, 2 督办, 3 通报), per deadline round; manual ones by the commission.
    escalationEvents: {
      type: [new Schema({ round: String, level: Number, dueAt: Date, appliedAt: Date, manual: Boolean, manualNo: Number, overdue: Boolean, by: Schema.Types.ObjectId }, { _id: false })],
      default: [],
    },
    // A problem case (问题工单): returned or reopened three times, or sent back by three units.
    problemSince: { type: Date, default: null },
    // A level-2 step claimed whose supervision notice is not issued yet (its step key).
    supervisionPending: { type: String, default: null },
    // Listed for the next typical-case notice (通报) by a level-3 escalation.
    typicalListedAt: { type: Date, default: null },
    // Working days the deadline moved because the unit's question to the filer was open.
    pausedDays: { type: Number, default: 0 },
    // Why the commission rejected it (shown to the filer), and into which cases it was split.
    rejection: { type: new Schema({ reason: String, note: String, duplicateOf: String }, { _id: false }), default: null },
    splitInto: { type: [String], default: [] },
    // A split claims its plan (each part's case id, unit, category, text, priority) with the
    // transition; splitPending stays true until every part exists and is assigned.
    splitPlan: {
      type: [
        new Schema(
          {
            caseId: { type: Schema.Types.ObjectId, required: true },
            unitId: { type: Schema.Types.ObjectId, required: true },
            categoryCode: { type: String, required: true },
            description: { type: String, required: true },
            priority: { type: String, enum: ['urgent', 'normal', 'complex'], required: true },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    splitPending: { type: Boolean, default: false },
    splitFrom: { type: Schema.Types.ObjectId, ref: 'Case', default: null },
    // False when the routing job could not be queued (Redis down): the reconciler picks it up.
    // A filed case is saved with true, before its job is added (see REQUEUE_AFTER_MS).
    routingQueued: { type: Boolean, default: false },
    // Set by every change, cleared once the lifecycle listeners (derived records) have run for it.
    derivedStaleAt: { type: Date, default: null },
    // Set once the routing job has decided (assigned, or left for triage).
    routedAt: { type: Date, default: null },
    submittedAt: { type: Date, required: true },
    timeline: { type: [timelineEventSchema], default: [] },
  },
  { timestamps: true },
);
caseSchema.index({ status: 1, submittedAt: 1 });
caseSchema.index({ assignedUnitId: 1, status: 1 });
caseSchema.index({ routingQueued: 1, status: 1 });
caseSchema.index({ filedBy: 1, submittedAt: -1 });
caseSchema.index({ campaignId: 1 });
caseSchema.index({ noticePending: 1, status: 1 });
caseSchema.index({ status: 1, deadlineAt: 1 });
caseSchema.index({ unitHistory: 1 });
caseSchema.index({ status: 1, ratingWindowEndsAt: 1 });
caseSchema.index({ dissatisfiedOpen: 1 });
caseSchema.index({ derivedStaleAt: 1 });
caseSchema.index({ assignedUnitId: 1, categoryCode: 1, status: 1 });
caseSchema.index({ targetUnitId: 1, categoryCode: 1, status: 1 });

export type CaseFields = InferSchemaType<typeof caseSchema>;
export type CaseDoc = HydratedDocument<CaseFields>;
/** A case as read with `.lean()`. */
export type CaseLean = CaseFields & { _id: Types.ObjectId };
export const Case = model('Case', caseSchema);
