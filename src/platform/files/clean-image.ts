import sharp from 'sharp';

// Reporter protection: photos from phones carry metadata (EXIF GPS position, device, owner name,
// XMP, comments, PNG text chunks, private chunks) that can identify the person who took them, and
// units see attachments. Hand-editing the metadata out is fragile (phones write fill bytes,
// trailers with a second JPEG and its own EXIF, metadata after the image data...), so the picture
// is decoded and written anew: the encoder writes pixels only, never the input's metadata. What
// cannot be decoded is not cleaned, and the caller withholds it from units.

type Format = 'jpeg' | 'png' | 'webp' | 'gif';

/** The types we re-encode; HEIC (sharp's bundled libvips has no HEVC decoder) and PDF are not among them. */
const FORMAT: Readonly<Record<string, Format>> = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif' };

export interface ImageLimits {
  /** Largest width × height (× frames) decoded; a bigger picture is not cleaned (memory bound). */
  maxPixels: number;
  /** Pictures cleaned at once in this process; the rest wait their turn (CPU bound). */
  concurrency: number;
  /** libvips threads per picture. */
  threads: number;
  /** Longest time one picture may take before it counts as not cleanable. */
  timeoutSeconds: number;
  /** A copy up to this size is always kept, whatever the upload's size (default 2 MB). */
  keepCopyBytes?: number;
}

export type Cleaned = { cleaned: true; data: Buffer } | { cleaned: false; reason: string };

/** A counting semaphore: at most `max` tasks run; the others wait in order of arrival. */
export function createLimiter(max: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `running` never overshoots `max`.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

// One limiter per process: the limit is about this machine's cores and memory, so every upload
// route shares it. It is set up on first use with the limits of the process's configuration.
let limited: ReturnType<typeof createLimiter> | null = null;

function limiter(limits: ImageLimits) {
  if (!limited) {
    sharp.concurrency(limits.threads);
    // Every upload is a different picture: libvips' operation cache would only hold memory.
    sharp.cache(false);
    limited = createLimiter(limits.concurrency);
  }
  return limited;
}

async function reencode(buf: Buffer, format: Format, limits: ImageLimits): Promise<Buffer> {
  const animated = format === 'gif' || format === 'webp';
  // failOn 'error': a decoder warning (common in phone files) only concerns pixels, never lets
  // metadata through, since the encoder writes none; a decoder error refuses the file.
  const image = sharp(buf, { failOn: 'error', limitInputPixels: limits.maxPixels, animated })
    // The EXIF orientation is applied to the pixels before the EXIF goes, so photos stay upright.
    .autoOrient()
    .timeout({ seconds: limits.timeoutSeconds });
  if (format === 'jpeg') return image.jpeg({ quality: 90 }).toBuffer();
  if (format === 'png') return image.png().toBuffer();
  if (format === 'webp') return image.webp({ quality: 90 }).toBuffer();
  return image.gif().toBuffer(); // all frames, delays and loop count are kept: animations stay animated
}

/** The largest re-encoded copy kept: 4 times the upload, at least `keep` (2 MB), never over 10 MB. */
export function maxCleanBytes(uploaded: number, keep = 2 * 1024 * 1024): number {
  return Math.min(10 * 1024 * 1024, Math.max(keep, 4 * uploaded));
}

/**
 * The picture written anew without any metadata, or why not. Never throws for a bad file: a file
 * that cannot be cleaned is still evidence the commission needs.
 */
export async function cleanImage(buf: Buffer, contentType: string, limits: ImageLimits): Promise<Cleaned> {
  const format = FORMAT[contentType];
  if (!format) return { cleaned: false, reason: 'type_not_cleanable' };
  try {
    const data = await limiter(limits)(() => reencode(buf, format, limits));
    // A tiny file that decodes to many frames (an 80 KB animation re-encoded to 12 MB) would let
    // an upload fill the database; such a copy is not kept, the original goes to the commission.
    if (data.length > maxCleanBytes(buf.length, limits.keepCopyBytes)) return { cleaned: false, reason: 'cleaned_copy_too_large' };
    return { cleaned: true, data };
  } catch (err) {
    // libvips' first line names what failed in the file's structure, never its content.
    return { cleaned: false, reason: String((err as Error).message).split('\n')[0]!.slice(0, 200) };
  }
}
