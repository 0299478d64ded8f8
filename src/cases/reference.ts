import { listActiveUnits, type UnitView } from '../units/unit.service';
import { listActiveCategories } from './category.service';

type CategoryView = Awaited<ReturnType<typeof listActiveCategories>>[number];

/** Items keyed by one of their fields, for pages that show names for codes and ids. */
export function byKey<T, K extends keyof T>(items: readonly T[], key: K): Record<string, T> {
  return Object.fromEntries(items.map((item) => [String(item[key]), item]));
}

/** The names pages show for category codes and unit ids. */
export async function nameMaps(): Promise<{ categoryNames: Record<string, CategoryView>; unitNames: Record<string, UnitView> }> {
  const [categories, units] = await Promise.all([listActiveCategories(), listActiveUnits()]);
  return { categoryNames: byKey(categories, 'code'), unitNames: byKey(units, 'id') };
}
