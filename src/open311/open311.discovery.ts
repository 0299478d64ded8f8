import type { Context } from '../context';
import { FORMATS } from './open311.serializer';

/**
 * When this endpoint's behaviour last changed (spec: "changeset"): clients that cache discovery
 * refetch the rest when it moves. Bump it with every change a client could notice.
 */
export const OPEN311_CHANGESET = '2026-11-28T00:00:00+08:00';

const MEDIA_TYPES: Record<(typeof FORMATS)[number], string> = { xml: 'text/xml', json: 'application/json' };

export interface Discovery {
  changeset: string;
  contact: string;
  key_service: string;
  endpoints: { specification: string; url: string; changeset: string; type: 'production'; formats: string[] }[];
}

/** GET discovery.{format} (http://wiki.open311.org/Service_Discovery): one production GeoReport v2 endpoint. */
export function discovery(config: Context['config']): Discovery {
  const base = config.BASE_URL.replace(/\/+$/, '');
  return {
    changeset: OPEN311_CHANGESET,
    contact: config.OPEN311_CONTACT,
    // Keys are our API tokens: a commission or supervisor account makes one (to file), a
    // commission or administrator account for full reads; reading statuses needs none.
    key_service: `${base}/account/tokens`,
    endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: `${base}/open311/v2`, changeset: OPEN311_CHANGESET, type: 'production', formats: FORMATS.map((f) => MEDIA_TYPES[f]) }],
  };
}
