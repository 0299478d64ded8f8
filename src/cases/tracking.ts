import { createHash, createHmac, randomBytes } from 'node:crypto';

// Crockford's base32 without I, L, O, U: easy to read aloud on the phone and to type on a phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function encode(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % 32];
  return out;
}

/** The public tracking code, e.g. `7KQ2M-X9D4T`. It identifies a case but opens nothing alone. */
export function newTrackingCode(): string {
  const s = encode(randomBytes(10), 10);
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

/**
 * The secret that opens the tracking page with the code. Derived from the submission's
 * idempotency key when there is one, so a repeated submission (double click) shows the same
 * secret again although only its hash is stored; random otherwise. 16 base32 chars = 80 bits.
 */
export function newTrackingSecret(serverSecret: string, idempotencyKey?: string): string {
  const bytes = idempotencyKey
    ? createHmac('sha256', serverSecret).update(`tracking-secret:${idempotencyKey}`).digest()
    : randomBytes(16);
  return encode(bytes, 16);
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(normalizeCode(secret)).digest('hex');
}

/** Accepts lower case, spaces and the letters people confuse with digits. */
export function normalizeCode(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0')
    .replace(/U/g, 'V');
}

export function normalizeTrackingCode(input: string): string {
  const s = normalizeCode(input).replace(/-/g, '');
  return s.length === 10 ? `${s.slice(0, 5)}-${s.slice(5)}` : s;
}
