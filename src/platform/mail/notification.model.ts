import { Schema, model, type InferSchemaType } from 'mongoose';

// One document per email the system owes someone. The key is deterministic (e.g.
// `case-assigned:<caseId>:<assignmentNo>`), so a repeated job finds the record and sends once.
const notificationSchema = new Schema(
  {
    key: { type: String, required: true, unique: true },
    kind: { type: String, required: true },
    caseId: { type: Schema.Types.ObjectId, ref: 'Case', default: null },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    // Ids and codes the template needs (e.g. the status the mail announces); never personal data.
    data: { type: Schema.Types.Mixed, default: null },
    status: { type: String, enum: ['pending', 'sent', 'failed'], default: 'pending' },
    // False when the send job could not be queued (Redis down): the reconciler picks it up.
    queued: { type: Boolean, default: false },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    sentAt: { type: Date, default: null },
  },
  { timestamps: true },
);
notificationSchema.index({ status: 1, queued: 1 });
notificationSchema.index({ caseId: 1 });

export type NotificationFields = InferSchemaType<typeof notificationSchema>;
export const Notification = model('Notification', notificationSchema);
