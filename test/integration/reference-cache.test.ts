import { Case } from '../../src/cases/case.model';
import { fileComplaint } from '../../src/intake/filing.service';
import { RoutingRule } from '../../src/routing/routing-rule.model';
import { createRule, updateRule } from '../../src/routing/routing-rule.service';
import { listActiveUnits } from '../../src/units/unit.service';
import { Unit } from '../../src/units/unit.model';
import { useTestApp } from '../helpers/app';
import { unitByCode } from '../helpers/builders';
import { processEnv, startProcess, stopProcesses, type AppProcess } from '../helpers/processes';
import { until } from '../helpers/wait';

// Reference data is held in memory by every process (src/platform/reference-cache.ts). A change
// made in one process must be seen by the others at once, without a restart: here the test process
// is the administrator's (web) side and a real worker process routes by the rules it holds.
const t = useTestApp({ smtp: true });
const started: AppProcess[] = [];

afterEach(() => stopProcesses(started));

async function routedTo(caseId: string): Promise<string> {
  const c = await until(() => Case.findOne({ _id: caseId, assignedUnitId: { $ne: null } }).lean(), 60000);
  return String(c.assignedUnitId);
}

describe('reference data held in memory', () => {
  it('when the administrator changes a routing rule in one process, then a running worker process routes by the new rule without a restart', async () => {
    const [first, second] = [await unitByCode('LE02'), await unitByCode('WS03')];
    await RoutingRule.deleteMany({});
    const ruleId = await createRule({ name: '态度问题', order: 1, categoryCodes: ['attitude'], keywords: [], places: [], useNamedUnit: false, unitId: String(first._id), priority: 'normal' });
    const worker = await startProcess('worker', processEnv(t.ctx.config, { SMTP_URL: t.smtp.url }));
    started.push(worker);
    await worker.waitForLog(/worker\.started/);

    // The worker reads the rules once and holds them.
    const a = await fileComplaint(t.ctx, { categoryCode: 'attitude', description: '窗口工作人员态度生硬，第一件。' }, { channel: 'web' });
    expect(await routedTo(a.id)).toBe(String(first._id));

    await updateRule(ruleId, { name: '态度问题', order: 1, categoryCodes: ['attitude'], keywords: [], places: [], useNamedUnit: false, unitId: String(second._id), priority: 'normal' });
    const b = await fileComplaint(t.ctx, { categoryCode: 'attitude', description: '窗口工作人员态度生硬，第二件。' }, { channel: 'web' });
    expect(await routedTo(b.id)).toBe(String(second._id));
  });

  it('when a unit is switched off in this process, then the units it lists leave it out at once', async () => {
    const before = await listActiveUnits();
    const unit = await unitByCode('CM05');
    expect(before.map((u) => u.id)).toContain(String(unit._id));
    await Unit.updateOne({ _id: unit._id }, { $set: { active: false } });
    const after = await listActiveUnits();
    expect(after).toHaveLength(before.length - 1);
    expect(after.map((u) => u.id)).not.toContain(String(unit._id));
  });
});
