import { Unit, type UnitFields } from './unit.model';
import { Types } from 'mongoose';

export type UnitView = Pick<UnitFields, 'code' | 'series' | 'nameZh' | 'nameEn'> & { id: string };

export async function listActiveUnits(): Promise<UnitView[]> {
  const units = await Unit.find({ active: true }).sort({ code: 1 }).lean();
  return units.map((u) => ({ id: String(u._id), code: u.code, series: u.series, nameZh: u.nameZh, nameEn: u.nameEn }));
}

export async function findActiveUnit(id: string) {
  if (!Types.ObjectId.isValid(id)) return null;
  return Unit.findOne({ _id: id, active: true }).lean();
}

export function unitName(unit: Pick<UnitFields, 'nameZh' | 'nameEn'>, lang: string): string {
  return lang === 'en' ? unit.nameEn : unit.nameZh;
}
