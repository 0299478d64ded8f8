import { Schema, model } from 'mongoose';

// The public page's figures and the open-data files' index, rebuilt by the refresh job and read
// by the web with one `_id` look-up: the page never scans the cases (FerretDB reads the whole
// collection for any query but `_id`). One document, `_id: 'current'`.
const fileSchema = new Schema(
  {
    // 'all', or a year ('2026'); csv or json; the GridFS file in bucket `opendata`.
    key: { type: String, required: true },
    format: { type: String, enum: ['csv', 'json'], required: true },
    fileId: { type: Schema.Types.ObjectId, required: true },
    etag: { type: String, required: true },
    rows: { type: Number, required: true },
    bytes: { type: Number, required: true },
    // When this file was written: a year no case changed in keeps its file from an earlier refresh.
    generatedAt: { type: Date },
  },
  { _id: false },
);

const snapshotSchema = new Schema(
  {
    _id: { type: String, required: true },
    // The refresh's start (ms): a slower, older refresh never replaces a newer one.
    version: { type: Number, required: true },
    generatedAt: { type: Date, required: true },
    durationMs: { type: Number, required: true },
    // What the page shows (see PublicFigures in transparency.service.ts).
    page: { type: Schema.Types.Mixed, required: true },
    years: { type: [Number], default: [] },
    files: { type: [fileSchema], default: [] },
    // What the next refresh needs to patch instead of reading every case (RefreshState in refresh.service.ts).
    state: { type: Schema.Types.Mixed },
  },
  // minimize: false keeps empty objects (no cases yet: `totals: {}`); the next refresh reads them.
  { timestamps: false, versionKey: false, minimize: false },
);

export const TransparencySnapshot = model('TransparencySnapshot', snapshotSchema, 'transparency_snapshots');
export const OPEN_DATA_BUCKET = 'opendata';
