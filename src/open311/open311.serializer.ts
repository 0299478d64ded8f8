import type { Response } from 'express';

export const FORMATS = ['json', 'xml'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(value: unknown): value is Format {
  return value === 'json' || value === 'xml';
}

/**
 * The format a request asked for by its extension. Anything else (no extension, `.yaml`) is
 * answered in XML, the one format the spec requires every server to speak.
 */
export function formatOfPath(path: string): Format {
  const m = /\.(json|xml)$/.exec(path);
  return m ? (m[1] as Format) : 'xml';
}

/**
 * Repeated XML elements: the spec's examples wrap a list in a plural element and each entry in
 * its singular (`<services><service>`). JSON is the Spark mapping of the same tree: the root
 * element disappears and a list becomes an array.
 */
const ITEM_NAMES: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

// XML 1.0 forbids these characters even when escaped; a pasted description may carry them.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function element(name: string, value: unknown): string {
  // null and '' are the spec's empty elements (`<account_id/>`); JSON carries them as null.
  if (value === null || value === undefined || value === '') return `<${name}/>`;
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name];
    if (!item) throw new Error(`open311 xml: no element name for the entries of <${name}>`);
    return value.length ? `<${name}>${value.map((v) => element(item, v)).join('')}</${name}>` : `<${name}/>`;
  }
  if (typeof value === 'object') {
    const children = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => element(k, v));
    return `<${name}>${children.join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** An XML document with the declaration the spec requires before the root element. */
export function toXml(root: string, body: unknown): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, body)}\n`;
}

/** Sends `body` as JSON, or as XML under the root element `root`. */
export function sendOpen311(res: Response, format: Format, root: string, body: unknown, status = 200): void {
  res.status(status);
  if (format === 'json') {
    res.json(body);
    return;
  }
  res.setHeader('Content-Type', 'text/xml; charset=utf-8');
  res.send(toXml(root, body));
}
