// Namespaces owned by one feature live beside it as `<feature>.i18n.ts`, exporting
// `{ 'zh-CN': { ns: {...} }, en: { ns: {...} } }` with the same keys in both; list them here.
export interface FeatureMessages {
  'zh-CN': Record<string, unknown>;
  en: Record<string, unknown>;
}

import { messages as bulletins } from '../bulletins/bulletins.i18n';
import { messages as reports } from '../reports/reports.i18n';

export const FEATURE_MESSAGES: FeatureMessages[] = [bulletins, reports];
