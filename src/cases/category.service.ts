import { Category } from './category.model';

export async function listActiveCategories() {
  const cats = await Category.find({ active: true }).sort({ order: 1, code: 1 }).lean();
  return cats.map((c) => ({ code: c.code, nameZh: c.nameZh, nameEn: c.nameEn }));
}

export async function findActiveCategory(code: string) {
  return Category.findOne({ code, active: true }).lean();
}

/** A category by code, active or not (old cases keep their category's name). */
export async function findCategory(code: string) {
  return Category.findOne({ code }).lean();
}
