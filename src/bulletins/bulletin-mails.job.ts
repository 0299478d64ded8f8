import { Types } from 'mongoose';
import { z } from 'zod';
import { defineJob } from '../platform/jobs/define-job';
import { requestMail } from '../platform/mail/outbox';
import { listActiveUnits } from '../units/unit.service';
import { Bulletin } from './bulletin.model';

/**
 * Owes the issued notice's mail to every active unit's head, one outbox record per unit keyed
 * `bulletin:<id>:<unitId>`, so a repeated job (or a second worker) mails each unit once.
 */
export const bulletinMailsJob = defineJob<{ bulletinId: string }>({
  name: 'bulletin-mails',
  queue: 'bulletins',
  payload: z.object({ bulletinId: z.string().regex(/^[a-f0-9]{24}$/) }).strict(),
  jobId: (p) => `bulletin-mails-${p.bulletinId}`,
  handle: async (ctx, { bulletinId }) => {
    const b = await Bulletin.findOne({ _id: bulletinId, status: 'issued' }, { _id: 1 }).lean();
    if (!b) return { owed: 0 };
    const units = await listActiveUnits();
    for (const u of units) {
      await requestMail(ctx, { key: `bulletin:${bulletinId}:${u.id}`, kind: 'bulletin-issued', unitId: new Types.ObjectId(u.id), data: { bulletinId } });
    }
    ctx.logger.info({ bulletinId, units: units.length }, 'bulletin.mails_owed');
    return { owed: units.length };
  },
  pending: {
    find: async (limit) => (await Bulletin.find({ status: 'issued', mailsQueued: false }, { _id: 1 }).limit(limit).lean()).map((b) => ({ bulletinId: String(b._id) })),
    queued: async ({ bulletinId }) => void (await Bulletin.updateOne({ _id: bulletinId }, { $set: { mailsQueued: true } })),
    lost: async () => (await Bulletin.updateMany({ status: 'issued', mailsQueued: true }, { $set: { mailsQueued: false } })).modifiedCount,
  },
});
