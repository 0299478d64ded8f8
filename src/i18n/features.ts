// A feature's own namespace lives here as `<feature>.i18n.ts` (data only), exporting
// `{ 'zh-CN': { ns: {...} }, en: { ns: {...} } }` with the same keys in both; list them below.
// They live in i18n, not beside their feature, because features import i18n at run time (mails
// are written through src/i18n/mail-text.ts): i18n importing them back would be a loop.
import { messages as bulletins } from './bulletins.i18n';
import { messages as mails } from './mails.i18n';
import { messages as nextSteps } from './next-steps.i18n';
import { messages as oversightMessages } from './oversight.i18n';
import { messages as reports } from './reports.i18n';
import { messages as transparency } from './transparency.i18n';

export interface FeatureMessages {
  'zh-CN': Record<string, unknown>;
  en: Record<string, unknown>;
}

export const FEATURE_MESSAGES: FeatureMessages[] = [nextSteps, transparency, bulletins, reports, oversightMessages, mails];
