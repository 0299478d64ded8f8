import { Schema, model } from 'mongoose';

// The complainant's identity, stored apart from the case so that no query a unit can reach
// returns it. Reading it is a logged act with a reason (identityReads).
const complainantSchema = new Schema(
  {
    caseId: { type: Schema.Types.ObjectId, ref: 'Case', required: true, unique: true },
    anonymous: { type: Boolean, required: true },
    name: { type: String, default: null },
    phone: { type: String, default: null },
    email: { type: String, default: null },
    // The public tracking code (shown on receipts, reveals nothing alone) and the hash of the
    // secret that must accompany it. The plain secret is never stored.
    trackingCode: { type: String, required: true, unique: true },
    secretHash: { type: String, required: true },
    // When the receipt page showed the secret: it is shown once, a reload or a repeated
    // submission shows the code only (a shared PC's next user must not find it).
    secretShownAt: { type: Date, default: null },
    identityReads: {
      type: [
        new Schema(
          { at: Date, userId: Schema.Types.ObjectId, reason: String },
          { _id: false },
        ),
      ],
      default: [],
    },
  },
  { timestamps: true },
);

export const Complainant = model('Complainant', complainantSchema);
