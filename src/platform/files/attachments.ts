import { Readable } from 'node:stream';
import mongoose, { Types } from 'mongoose';
import multer from 'multer';
import type { RequestHandler } from 'express';
import type { Context } from '../../context';
import { ValidationError } from '../http/errors';
import { cleanImage, type ImageLimits } from './clean-image';

export const MAX_FILES = 5;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
const BUCKET = 'attachments';

export interface UploadedFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

export interface StoredAttachment {
  fileId: Types.ObjectId;
  filename: string;
  contentType: string;
  size: number;
  /** True when the stored bytes are a re-encoded picture without metadata; only those reach units. */
  cleaned: boolean;
}

/**
 * Units see only attachments whose metadata was removed; the commission sees all. Anything else
 * (PDF, HEIC, a picture that could not be decoded, a file stored before cleaning existed) may
 * name or locate the filer, so it stays with the commission, which forwards it when needed.
 */
export function unitMaySee(file: { cleaned?: boolean | null }): boolean {
  return file.cleaned === true;
}

export function imageLimits(config: Context['config']): ImageLimits {
  return { maxPixels: config.IMAGE_MAX_PIXELS, concurrency: config.IMAGE_CLEAN_CONCURRENCY, threads: config.IMAGE_THREADS, timeoutSeconds: config.IMAGE_CLEAN_TIMEOUT_SECONDS };
}

/** The type a file really is, read from its first bytes; the name and the browser's word count for nothing. */
export function sniffType(buf: Buffer): string | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => buf[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (buf.subarray(0, 6).toString('latin1') === 'GIF87a' || buf.subarray(0, 6).toString('latin1') === 'GIF89a') return 'image/gif';
  if (buf.subarray(0, 4).toString('latin1') === 'RIFF' && buf.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (buf.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  // Phones (iPhone) save photos as HEIC: an ISO-BMFF box `ftyp` with a HEIF brand.
  if (buf.subarray(4, 8).toString('latin1') === 'ftyp' && /^(heic|heix|hevc|mif1|msf1)$/.test(buf.subarray(8, 12).toString('latin1'))) return 'image/heic';
  return null;
}

const EXT: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'application/pdf': 'pdf', 'image/heic': 'heic',
};

/**
 * Parses a multipart form with up to 5 files of 10 MB in `attachments` (or `maxFiles` in another
 * field: Open311's one `media`), kept in memory until validated. A limit error is left in
 * `res.locals.uploadError` (named by `attachments`) for the route, so the form can be shown again
 * with the error next to the field like any other bad input.
 */
export function acceptAttachments(field = 'attachments', maxFiles = MAX_FILES): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_FILE_BYTES, files: maxFiles, fields: 30, fieldSize: 64 * 1024, parts: 40 },
  }).array(field, maxFiles);
  return (req, res, next) => {
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        // A file under another name is not "too many files": it names the field it came in.
        if (err.code === 'LIMIT_UNEXPECTED_FILE' && err.field && err.field !== field) {
          res.locals.uploadError = new ValidationError({ [err.field]: 'unexpected_file' });
          return next();
        }
        const reason = err.code === 'LIMIT_FILE_SIZE' ? 'file_too_large' : err.code === 'LIMIT_FILE_COUNT' || err.code === 'LIMIT_UNEXPECTED_FILE' ? 'too_many_files' : 'invalid';
        res.locals.uploadError = new ValidationError({ attachments: reason });
        return next();
      }
      // Anything else is busboy refusing a malformed body (no boundary, a broken part header, an
      // early end): the sender's mistake, shown on the form like the others. Memory storage
      // itself cannot fail.
      res.locals.uploadError = new ValidationError({ attachments: 'invalid' });
      next();
    });
  };
}

/** Checks every file's real type before anything is stored; one bad file refuses the lot. */
export function checkAttachments(files: UploadedFile[], field = 'attachments'): { file: UploadedFile; contentType: string }[] {
  if (files.length > MAX_FILES) throw new ValidationError({ [field]: 'too_many_files' });
  return files.map((file) => {
    if (file.size > MAX_FILE_BYTES) throw new ValidationError({ [field]: 'file_too_large' });
    const contentType = sniffType(file.buffer);
    if (!contentType) throw new ValidationError({ [field]: 'file_type' });
    return { file, contentType };
  });
}

function bucket() {
  return new mongoose.mongo.GridFSBucket(mongoose.connection.db!, { bucketName: BUCKET });
}

/**
 * Stores each file in GridFS, pictures re-encoded without metadata. A file that cannot be cleaned
 * is stored as sent (it is still evidence, and no submission is lost) with `cleaned: false`, which
 * keeps it from units.
 */
export async function storeAttachments(ctx: Pick<Context, 'config' | 'logger'>, files: { file: UploadedFile; contentType: string }[], caseId: Types.ObjectId, label = ''): Promise<StoredAttachment[]> {
  const stored: StoredAttachment[] = [];
  for (const [i, { file, contentType }] of files.entries()) {
    // The stored name is ours: the uploaded name may carry personal data or path tricks.
    const filename = `${String(caseId)}-${label}${i + 1}.${EXT[contentType]}`;
    const fileId = new Types.ObjectId();
    const result = await cleanImage(file.buffer, contentType, imageLimits(ctx.config));
    const data = result.cleaned ? result.data : file.buffer;
    if (!result.cleaned) ctx.logger.info({ caseId: String(caseId), filename, contentType, reason: result.reason }, 'attachment.withheld');
    await new Promise<void>((resolve, reject) => {
      Readable.from(data)
        .pipe(bucket().openUploadStreamWithId(fileId, filename, { metadata: { caseId, contentType } }))
        .on('finish', () => resolve())
        .on('error', reject);
    });
    stored.push({ fileId, filename, contentType, size: data.length, cleaned: result.cleaned });
  }
  return stored;
}

export function openAttachment(fileId: Types.ObjectId): NodeJS.ReadableStream {
  return bucket().openDownloadStream(fileId);
}
