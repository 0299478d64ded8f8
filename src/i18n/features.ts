import { messages as nextSteps } from './next-steps.i18n';
import { messages as oversightMessages } from '../oversight/oversight.i18n';
// Namespaces owned by one feature live beside it as `<feature>.i18n.ts`, exporting
// `{ 'zh-CN': { ns: {...} }, en: { ns: {...} } }` with the same keys in both; list them here.
import { messages as transparency } from '../transparency/transparency.i18n';
import { messages as bulletins } from '../bulletins/bulletins.i18n';
import { messages as reports } from '../reports/reports.i18n';
import { messages as mails } from './mails.i18n';

export interface FeatureMessages {
  'zh-CN': Record<string, unknown>;
  en: Record<string, unknown>;
}

export const FEATURE_MESSAGES: FeatureMessages[] = [nextSteps, transparency, bulletins, reports, oversightMessages, mails];
