import request from 'supertest';
import type { Express } from 'express';
import type { Types } from 'mongoose';
import { createApiToken } from '../../src/auth/auth.service';
import { Case } from '../../src/cases/case.model';
import type { Context } from '../../src/context';
import { Watch } from '../../src/escalation/escalation.models';
import { fileComplaint, type Filed } from '../../src/intake/filing.service';
import { givenUser, unitByCode } from './builders';
import { until } from './wait';

/** The filer of the fixture cases: tests scan what units receive for these. */
export const FILER = { name: '赵敏华', phone: '13912345678', email: 'zhao.minhua@example.cn' };

/**
 * A complaint naming a unit, routed by the seeded named-unit rule and noticed by the worker
 * (workers must be running): the state in which the unit's handling starts.
 */
export async function assignedCase(ctx: Context, unitCode: string, description = '县政务大厅窗口多次推诿企业开办申请，要求限期整改。'): Promise<Filed> {
  const unit = await unitByCode(unitCode);
  const filed = await fileComplaint(ctx, { categoryCode: 'efficiency', unitId: String(unit._id), description, ...FILER }, { channel: 'web' });
  await until(() => Case.findOne({ _id: filed.id, noticeId: { $ne: null } }).lean());
  await watchCaughtUp(filed.id);
  return filed;
}

/**
 * The lifecycle listener puts the case on the escalation watch list right after each change; a
 * sweep run before it wrote the latest version sees an older picture. Waits until it caught up.
 */
export async function watchCaughtUp(caseId: Types.ObjectId | string): Promise<void> {
  await until(async () => {
    const [c, w] = await Promise.all([Case.findById(caseId, { timeline: 1 }).lean(), Watch.findById(caseId).lean()]);
    return c && w && w.version === c.timeline.length ? w : null;
  });
}

/** An API client for a new user of the role (unit staff bound to `unitCode`). */
export async function apiAs(app: Express, role: 'unit' | 'commission' | 'admin' | 'supervisor', unitCode?: string) {
  const user = await givenUser(role, { unitCode });
  const token = await createApiToken(user._id, 'test');
  const call = (method: 'get' | 'post', path: string, body?: unknown) => {
    const r = request(app)[method](`/api/v1${path}`).set('Authorization', `Bearer ${token}`);
    return body === undefined ? r : r.send(body as object);
  };
  return { user, token, get: (path: string) => call('get', path), post: (path: string, body: unknown = {}) => call('post', path, body) };
}

export const REPORT = {
  findings: '经查，窗口工作人员对材料要求解释不清，存在推诿现象。',
  actions: '已对窗口人员进行业务培训，并一次性告知企业所需材料，当日受理。',
  outcome: 'resolved',
  result: '企业开办申请已于次日办结。',
  accountability: 'criticism',
  reply: '您反映的问题已查实并整改，企业开办申请已办结。感谢监督。',
  internalNotes: '窗口负责人已作书面检查。',
};
