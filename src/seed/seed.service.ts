import unitsFile from '../../seed/units.json';
import { Category } from '../cases/category.model';
import { hashPassword } from '../users/password';
import { seedCalendar } from '../calendar/calendar.service';
import { seedDeadlinePolicies } from '../routing/deadline.service';
import { seedRoutingRules } from '../routing/routing-rule.service';
import { seedEscalationPolicies } from '../escalation/policy.service';
import { Unit, type Series } from '../units/unit.model';
import { User, type Role } from '../users/user.model';

export const CATEGORIES = [
  { code: 'inaction', nameZh: '行政不作为、乱作为', nameEn: 'Administrative inaction or misconduct' },
  { code: 'efficiency', nameZh: '办事效率低、推诿拖延', nameEn: 'Slow or obstructive service' },
  { code: 'attitude', nameZh: '窗口服务态度', nameEn: 'Poor attitude at service windows' },
  { code: 'favours', nameZh: '吃拿卡要', nameEn: 'Officials demanding favours' },
  { code: 'conduct', nameZh: '工作纪律与作风（禁酒令、值班、赌博等）', nameEn: 'Conduct rules (alcohol, duty, gambling)' },
  { code: 'business_env', nameZh: '招商引资与经济发展环境', nameEn: 'Business environment and investment' },
  { code: 'other', nameZh: '其他', nameEn: 'Other' },
] as const;

export const DEMO_PASSWORD = 'Demo@2026';

/** Demo accounts; unit staff belong to the unit whose code is given. */
export const DEMO_USERS: { username: string; displayName: string; role: Role; unitCode?: string; area?: string }[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin' },
  { username: 'jiwei', displayName: '纪委监委 王科长', role: 'commission' },
  { username: 'unit-le01', displayName: '县公安局 李干事', role: 'unit', unitCode: 'LE01' },
  { username: 'unit-cm01', displayName: '综合管理部门 张干事', role: 'unit', unitCode: 'CM01' },
  { username: 'unit-ws01', displayName: '窗口服务行业 赵干事', role: 'unit', unitCode: 'WS01' },
  { username: 'jdy-chen', displayName: '特邀监督员 陈明', role: 'supervisor', area: '城关镇' },
  { username: 'jdy-liu', displayName: '特邀监督员 刘芳', role: 'supervisor', area: '经济开发区' },
];

export function unitEmail(code: string): string {
  return `${code.toLowerCase()}@units.county.example`;
}

export function headEmail(code: string): string {
  return `head.${code.toLowerCase()}@units.county.example`;
}

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';

/** A demo head: a surname and 某 (no real person), the usual title, a demo address. */
function demoHead(code: string) {
  const n = [...code].reduce((sum, ch) => sum + ch.charCodeAt(0), 0);
  return { name: `${SURNAMES[n % SURNAMES.length]}某`, title: '主要负责人', email: headEmail(code) };
}

/**
 * Units and categories are upserted by code (safe to run on every start). Sent as one ordered bulk
 * write per collection: the same ~220 updates in the same order, but one command each instead of
 * one round trip per update (each waiting in line behind every other update on FerretDB's
 * serializing proxy).
 */
export async function seedReferenceData(): Promise<{ units: number; categories: number; calendarYears: number }> {
  await Unit.bulkWrite(
    unitsFile.units.flatMap((u) => [
      {
        updateOne: {
          filter: { code: u.code },
          update: { $set: { series: u.series as Series, nameZh: u.zh, nameEn: u.en, vertical: u.vertical }, $setOnInsert: { emails: [unitEmail(u.code)], active: true } },
          upsert: true,
        },
      },
      // Demo heads and superiors, only where the administrator has set none.
      { updateOne: { filter: { code: u.code, head: null }, update: { $set: { head: demoHead(u.code) } } } },
      ...(u.vertical ? [{ updateOne: { filter: { code: u.code, superior: null }, update: { $set: { superior: { name: `上级主管部门（${u.zh}）`, email: `superior.${u.code.toLowerCase()}@demo.county.example` } } } } }] : []),
    ]),
  );
  await Category.bulkWrite(
    CATEGORIES.map((c, order) => ({
      updateOne: { filter: { code: c.code }, update: { $set: { nameZh: c.nameZh, nameEn: c.nameEn, order }, $setOnInsert: { active: true } }, upsert: true },
    })),
  );
  const calendarYears = await seedCalendar();
  await seedDeadlinePolicies();
  await seedRoutingRules();
  await seedEscalationPolicies();
  return { units: unitsFile.units.length, categories: CATEGORIES.length, calendarYears };
}

/** Demo accounts, created only when no user exists yet (first start). */
export async function seedDemoUsers(now: Date): Promise<number> {
  if ((await User.estimatedDocumentCount()) > 0) return 0;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const year = now.getUTCFullYear();
  for (const d of DEMO_USERS) {
    const unit = d.unitCode ? await Unit.findOne({ code: d.unitCode }).lean() : null;
    await User.create({
      username: d.username,
      displayName: d.displayName,
      role: d.role,
      unitId: unit?._id ?? null,
      email: `${d.username}@demo.county.example`,
      passwordHash,
      supervisor: d.role === 'supervisor' ? { termStart: new Date(Date.UTC(year, 0, 1)), termEnd: new Date(Date.UTC(year + 2, 11, 31)), area: d.area } : undefined,
    });
  }
  return DEMO_USERS.length;
}
