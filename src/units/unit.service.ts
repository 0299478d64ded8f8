import { isObjectId } from '../platform/http/validate';
import { Unit, type UnitFields } from './unit.model';
import { Types } from 'mongoose';

export type UnitView = Pick<UnitFields, 'code' | 'series' | 'nameZh' | 'nameEn'> & { id: string };

export async function listActiveUnits(): Promise<UnitView[]> {
  const units = await Unit.find({ active: true }).sort({ code: 1 }).lean();
  return units.map((u) => ({ id: String(u._id), code: u.code, series: u.series, nameZh: u.nameZh, nameEn: u.nameEn }));
}

export async function findActiveUnit(id: string) {
  if (!isObjectId(id)) return null;
  return Unit.findOne({ _id: id, active: true }).lean();
}


export async function findUnit(id: Types.ObjectId | string | null | undefined) {
  if (!id || !isObjectId(String(id))) return null;
  return Unit.findById(id).lean();
}

export async function activeUnitIds(): Promise<Set<string>> {
  return new Set((await Unit.find({ active: true }, { _id: 1 }).lean()).map((u) => String(u._id)));
}

/** Every unit's names by id (inactive ones too: old cases keep their unit's name). */
export async function unitNamesById(): Promise<Map<string, Pick<UnitFields, 'code' | 'series' | 'nameZh' | 'nameEn'>>> {
  const units = await Unit.find({}, { code: 1, series: 1, nameZh: 1, nameEn: 1 }).lean();
  return new Map(units.map((u) => [String(u._id), u]));
}
