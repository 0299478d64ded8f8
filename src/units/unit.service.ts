import { isObjectId } from '../platform/http/validate';
import { Unit, type UnitFields } from './unit.model';
import { Types } from 'mongoose';
import { referenceData } from '../platform/reference-cache';

/** Every unit, inactive ones too (old cases keep their unit), by code; held in memory (reference-cache). */
const allUnits = referenceData('units', () => Unit.find().sort({ code: 1 }).lean());

export type UnitView = Pick<UnitFields, 'code' | 'series' | 'nameZh' | 'nameEn'> & { id: string };
export type UnitDetail = UnitView & { vertical: boolean; head: { name: string | null; title: string | null; email: string | null } | null; superior: { name: string | null; email: string | null } | null };

export async function listActiveUnits(): Promise<UnitView[]> {
  const units = (await allUnits()).filter((u) => u.active);
  return units.map((u) => ({ id: String(u._id), code: u.code, series: u.series, nameZh: u.nameZh, nameEn: u.nameEn }));
}

/** Units with their heads and superiors (the API's /units, the admin page). */
export async function listUnitDetails(): Promise<UnitDetail[]> {
  const units = (await allUnits()).filter((u) => u.active);
  return units.map((u) => ({
    id: String(u._id),
    code: u.code,
    series: u.series,
    nameZh: u.nameZh,
    nameEn: u.nameEn,
    vertical: !!u.vertical,
    head: u.head ? { name: u.head.name ?? null, title: u.head.title ?? null, email: u.head.email ?? null } : null,
    superior: u.superior ? { name: u.superior.name ?? null, email: u.superior.email ?? null } : null,
  }));
}

/** Sets a unit's head and (for vertically managed units) superior authority. */
export async function setUnitContacts(id: string, input: { head: { name: string; title?: string; email?: string } | null; superior: { name: string; email?: string } | null }): Promise<boolean> {
  if (!isObjectId(id)) return false;
  const res = await Unit.updateOne(
    { _id: id },
    {
      $set: {
        head: input.head ? { name: input.head.name, title: input.head.title ?? null, email: input.head.email ?? null } : null,
        superior: input.superior ? { name: input.superior.name, email: input.superior.email ?? null } : null,
      },
    },
  );
  return res.matchedCount === 1;
}

export async function findActiveUnit(id: string) {
  if (!isObjectId(id)) return null;
  return (await allUnits()).find((u) => u.active && String(u._id) === id) ?? null;
}


export async function findUnit(id: Types.ObjectId | string | null | undefined) {
  if (!id || !isObjectId(String(id))) return null;
  return (await allUnits()).find((u) => String(u._id) === String(id)) ?? null;
}

export async function activeUnitIds(): Promise<Set<string>> {
  return new Set((await allUnits()).filter((u) => u.active).map((u) => String(u._id)));
}

/** Every unit's names by id (inactive ones too: old cases keep their unit's name). */
export async function unitNamesById(): Promise<Map<string, Pick<UnitFields, 'code' | 'series' | 'nameZh' | 'nameEn'>>> {
  return new Map((await allUnits()).map((u) => [String(u._id), u]));
}
