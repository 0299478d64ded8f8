import { messages as oversightMessages } from '../oversight/oversight.i18n';
// Namespaces owned by one feature live beside it as `<feature>.i18n.ts`, exporting
// `{ 'zh-CN': { ns: {...} }, en: { ns: {...} } }` with the same keys in both; list them here.
export interface FeatureMessages {
  'zh-CN': Record<string, unknown>;
  en: Record<string, unknown>;
}

export const FEATURE_MESSAGES: FeatureMessages[] = [oversightMessages];
