import { Types } from 'mongoose';
import type { CaseLean } from '../../src/cases/case.model';
import { rowOf } from '../../src/cases/worklist';

// The worklist row is all the inbox and the triage queue see of a case: what it keeps and drops.
const id = new Types.ObjectId();
const unit = new Types.ObjectId();
const at = (iso: string) => new Date(iso);

function aCase(over: Partial<CaseLean>): CaseLean {
  return {
    _id: id,
    number: '2026-000007',
    status: 'submitted',
    channel: 'web',
    categoryCode: 'efficiency',
    description: '窗口推诿企业开办申请。',
    submittedAt: at('2026-03-02T02:00:00Z'),
    assignedUnitId: null,
    targetUnitId: unit,
    priority: null,
    deadlineDate: null,
    deadlineAt: null,
    signedAt: null,
    redo: false,
    question: null,
    extensions: [],
    assignmentNo: 0,
    returnsCount: 0,
    reopenCount: 0,
    escalationEvents: [],
    timeline: [{ at: at('2026-03-02T02:00:00Z'), action: 'submitted', to: 'submitted' }],
    ...over,
  } as unknown as CaseLean;
}

it('when a case waits for triage, then its row carries the description and its version is its timeline length', () => {
  expect(rowOf(aCase({}))).toMatchObject({ status: 'submitted', description: '窗口推诿企业开办申请。', targetUnitId: unit, endedAt: null, version: 1 });
});

it('when a unit has it with an open question and a pending extension, then the row says so and drops the description', () => {
  const row = rowOf(
    aCase({
      status: 'acknowledged',
      assignedUnitId: unit,
      question: { n: 1, at: at('2026-03-03T02:00:00Z'), text: '请补充材料', by: null } as never,
      extensions: [{ n: 1, status: 'refused' }, { n: 2, status: 'pending' }] as never,
    }),
  );
  expect(row).toMatchObject({ status: 'acknowledged', assignedUnitId: unit, waitingForFiler: true, pendingExtension: true, description: null, endedAt: null });
});

it('when a closed case is rated after closing, then its row ended when it was closed, not when it was rated', () => {
  const row = rowOf(
    aCase({
      status: 'closed',
      timeline: [
        { at: at('2026-03-02T02:00:00Z'), action: 'submitted', to: 'submitted' },
        { at: at('2026-03-20T02:00:00Z'), action: 'closed', to: 'closed' },
        { at: at('2026-03-25T02:00:00Z'), action: 'rated', to: null },
      ] as never,
    }),
  );
  expect(row).toMatchObject({ status: 'closed', endedAt: at('2026-03-20T02:00:00Z'), version: 3, waitingForFiler: false, pendingExtension: false });
});
