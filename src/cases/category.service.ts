import { Category } from './category.model';

export async function listActiveCategories() {
  const cats = await Category.find({ active: true }).sort({ order: 1, code: 1 }).lean();
  return cats.map((c) => ({ code: c.code, nameZh: c.nameZh, nameEn: c.nameEn }));
}
