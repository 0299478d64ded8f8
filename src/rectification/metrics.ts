import type { Types } from 'mongoose';

// A unit's handling record over a period, computed from the cases' timelines (plain function, no
// database): every count is a number of events or cases, every rate an explicit numerator over
// an explicit denominator. The definitions are written once, in README "Unit handling metrics".

export interface MetricEvent {
  at: Date;
  action: string;
  unitId?: Types.ObjectId | string | null;
  data?: Record<string, unknown> | null;
  note?: string | null;
}

export interface MetricCase {
  status: string;
  assignedUnitId?: Types.ObjectId | string | null;
  deadlineAt?: Date | null;
  signDueAt?: Date | null;
  timeline: MetricEvent[];
  satisfaction?: { rating?: string | null } | null;
  unreasonable?: { reason?: string | null } | null;
  followUps?: { result?: string | null }[];
}

export interface Rate {
  numerator: number;
  denominator: number;
  /** numerator ÷ denominator, or null when nothing was due (never 0 % or 100 % on no cases). */
  value: number | null;
}

export interface UnitMetrics {
  received: number;
  signed: number;
  signedOnTime: number;
  dueToSign: number;
  sentBack: number;
  sentBackWrongly: number;
  reported: number;
  reportedCases: number;
  firstContact: number;
  resolved: number;
  resolvedOnTime: number;
  actuallyResolved: number;
  overdueNow: number;
  overdueDueInPeriod: number;
  returnedReports: number;
  extensionsApproved: number;
  reopened: number;
  redone: number;
  /** Overdue levels reached in the period (1 催办, 2 督办, 3 通报); level 3 counts as a serious failure. */
  escalations: { level1: number; level2: number; level3: number; manual: number };
  satisfaction: { satisfied: number; basicallySatisfied: number; dissatisfied: number; notRated: number; notReached: number; unreasonable: number };
  rates: {
    onTimeSigning: Rate;
    firstContact: Rate;
    onTimeResolution: Rate;
    actualResolution: Rate;
    satisfaction: Rate;
    sendBack: Rate;
    redo: Rate;
  };
}

function rate(numerator: number, denominator: number): Rate {
  return { numerator, denominator, value: denominator > 0 ? numerator / denominator : null };
}

const HANDLING = ['assigned', 'acknowledged'];

/** One assignment of the case to the unit, from its notice to the next assignment. */
interface Segment {
  start: Date;
  signed: boolean;
  signedLate: boolean;
  sentBack: boolean;
  rerouted: boolean;
}

/** The counts of a unit's metrics, before the rates: sums over cases, so they can be added case by case. */
export type MetricCounts = Omit<UnitMetrics, 'rates'>;

/** The unit's metrics for events in [from, to] (instants), as things stand at `now`. */
export function computeUnitMetrics(unitId: string, cases: readonly MetricCase[], from: Date, to: Date, now: Date): UnitMetrics {
  const m = emptyCounts();
  for (const c of cases) addCase(m, unitId, c, from, to, now);
  return withRates(m);
}

export function emptyCounts(): MetricCounts {
  return {
    received: 0,
    signed: 0,
    signedOnTime: 0,
    dueToSign: 0,
    sentBack: 0,
    sentBackWrongly: 0,
    reported: 0,
    reportedCases: 0,
    firstContact: 0,
    resolved: 0,
    resolvedOnTime: 0,
    actuallyResolved: 0,
    overdueNow: 0,
    overdueDueInPeriod: 0,
    returnedReports: 0,
    extensionsApproved: 0,
    reopened: 0,
    redone: 0,
    escalations: { level1: 0, level2: 0, level3: 0, manual: 0 },
    satisfaction: { satisfied: 0, basicallySatisfied: 0, dissatisfied: 0, notRated: 0, notReached: 0, unreasonable: 0 },
  };
}

/** Adds one case's part to the unit's counts (a case the unit never had adds nothing). */
export function addCase(m: MetricCounts, unitId: string, c: MetricCase, from: Date, to: Date, now: Date): void {
  const inPeriod = (at: Date) => at >= from && at <= to;
  const ours = (e: MetricEvent) => e.unitId != null && String(e.unitId) === unitId;
  // Walk the assignments to this unit: each is received once, then signed or sent back.
  let segment: Segment | null = null;
  const segments: Segment[] = [];
  let contactedBeforeFirstReport = false;
  let reportedInPeriod = false;
  let acceptedInPeriod = false;
  let firstReportSeen = false;
  for (const e of c.timeline) {
    if (e.action === 'assigned' || e.action === 'rerouted') {
      if (segment) segment.rerouted = true;
      segment = ours(e) ? { start: e.at, signed: false, signedLate: false, sentBack: false, rerouted: false } : null;
      if (segment) segments.push(segment);
      continue;
    }
    if (!ours(e)) continue;
    const counted = inPeriod(e.at);
    switch (e.action) {
      case 'signed':
        // Counted with the assignment it answers (received in the period), below.
        if (segment) {
          segment.signed = true;
          segment.signedLate = e.data?.late === true;
        }
        break;
      case 'sent_back':
        if (segment) segment.sentBack = true;
        if (counted) m.sentBack++;
        break;
      case 'insisted':
        // The commission ruled the send-back wrong: the unit owes a signature again.
        if (segment) segment.sentBack = false;
        if (counted) m.sentBackWrongly++;
        break;
      case 'contacted':
        if (!firstReportSeen) contactedBeforeFirstReport = true;
        break;
      case 'reported':
        if (counted) {
          m.reported++;
          if (!firstReportSeen) reportedInPeriod = true;
        }
        firstReportSeen = true;
        break;
      case 'accepted':
        if (counted) {
          m.resolved++;
          if (e.data?.onTime === true) m.resolvedOnTime++;
          if (e.data?.outcome === 'resolved') m.actuallyResolved++;
          acceptedInPeriod = true;
        }
        break;
      case 'returned':
        if (counted) {
          m.returnedReports++;
          m.redone++;
        }
        break;
      case 'reopened':
        if (counted) {
          m.reopened++;
          m.redone++;
        }
        break;
      case 'extension_approved':
        if (counted) m.extensionsApproved++;
        break;
      case 'escalated': {
        const level = Number(e.data?.level);
        // A manual urge before the deadline is a nudge, not a level reached.
        const reached = e.data?.manual !== true || e.data?.overdue === true;
        if (counted && reached && (level === 1 || level === 2 || level === 3)) m.escalations[`level${level}`]++;
        if (counted && e.data?.manual === true) m.escalations.manual++;
        break;
      }
    }
  }
  for (const s of segments) {
    if (!inPeriod(s.start)) continue;
    m.received++;
    // Owed a signature, unless the send-back stood (re-routed away), is still being ruled on,
    // or signing is not due yet.
    if (s.signed) {
      m.signed++;
      if (!s.signedLate) m.signedOnTime++;
      m.dueToSign++;
    }
    else if (s.sentBack) continue;
    else if (s.rerouted || (c.signDueAt && c.signDueAt < now)) m.dueToSign++;
  }
  if (reportedInPeriod) {
    m.reportedCases++;
    if (contactedBeforeFirstReport) m.firstContact++;
  }
  const current = c.assignedUnitId != null && String(c.assignedUnitId) === unitId;
  if (current && HANDLING.includes(c.status) && c.deadlineAt && c.deadlineAt < now) {
    m.overdueNow++;
    if (inPeriod(c.deadlineAt)) m.overdueDueInPeriod++;
  }
  if (acceptedInPeriod && current) {
    const rating = c.satisfaction?.rating;
    if (rating === 'dissatisfied' && c.unreasonable) m.satisfaction.unreasonable++;
    else if (rating === 'satisfied') m.satisfaction.satisfied++;
    else if (rating === 'basically_satisfied') m.satisfaction.basicallySatisfied++;
    else if (rating === 'dissatisfied') m.satisfaction.dissatisfied++;
    else if ((c.followUps ?? []).some((f) => f.result === 'not_reached')) m.satisfaction.notReached++;
    else m.satisfaction.notRated++;
  }
}

/** The rates, each an explicit numerator over an explicit denominator. */
export function withRates(m: MetricCounts): UnitMetrics {
  const s = m.satisfaction;
  return {
    ...m,
    rates: {
      onTimeSigning: rate(m.signedOnTime, m.dueToSign),
      firstContact: rate(m.firstContact, m.reportedCases),
      onTimeResolution: rate(m.resolvedOnTime, m.resolved + m.overdueDueInPeriod),
      actualResolution: rate(m.actuallyResolved, m.resolved),
      satisfaction: rate(s.satisfied + s.basicallySatisfied, s.satisfied + s.basicallySatisfied + s.dissatisfied),
      sendBack: rate(m.sentBackWrongly, m.received),
      redo: rate(m.redone, m.reported),
    },
  };
}
