/** A unique index refused the write (E11000): someone else created the same thing first. */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: number })?.code === 11000;
}
