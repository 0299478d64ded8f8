import { byKey } from '../platform/names';
import { listActiveUnits, type UnitView } from '../units/unit.service';
import { listActiveCategories } from './category.service';

type CategoryView = Awaited<ReturnType<typeof listActiveCategories>>[number];

/** The names pages show for category codes and unit ids. */
export async function nameMaps(): Promise<{ categoryNames: Record<string, CategoryView>; unitNames: Record<string, UnitView> }> {
  const [categories, units] = await Promise.all([listActiveCategories(), listActiveUnits()]);
  return { categoryNames: byKey(categories, 'code'), unitNames: byKey(units, 'id') };
}
