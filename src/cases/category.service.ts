import { referenceData } from '../platform/reference-cache';
import { Category } from './category.model';

/** Every category, inactive ones too, in the form's order; held in memory (reference-cache). */
const allCategories = referenceData('categories', () => Category.find().sort({ order: 1, code: 1 }).lean());

export async function listActiveCategories() {
  const cats = (await allCategories()).filter((c) => c.active);
  return cats.map((c) => ({ code: c.code, nameZh: c.nameZh, nameEn: c.nameEn }));
}

export async function findActiveCategory(code: string) {
  return (await allCategories()).find((c) => c.active && c.code === code) ?? null;
}

/** A category by code, active or not (old cases keep their category's name). */
export async function findCategory(code: string) {
  return (await allCategories()).find((c) => c.code === code) ?? null;
}
