import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

// The two-hundred evaluation's pool of representatives (双百双评): entrepreneurs and public
// representatives, from whom each year's panel is drawn at random. A representative who was ever
// drawn is never deleted (the draw must stay verifiable); they are deactivated instead.
export const REPRESENTATIVE_KINDS = ['entrepreneur', 'public'] as const;
export type RepresentativeKind = (typeof REPRESENTATIVE_KINDS)[number];
/** Public representatives: people's congress deputy, CPPCC member, county leadership, citizen. */
export const PUBLIC_ROLES = ['deputy', 'cppcc', 'leader', 'citizen'] as const;
export type PublicRole = (typeof PUBLIC_ROLES)[number];

const representativeSchema = new Schema(
  {
    kind: { type: String, enum: REPRESENTATIVE_KINDS, required: true },
    name: { type: String, required: true },
    /** The company (entrepreneurs) or body they belong to. */
    organization: { type: String, default: null },
    /** Entrepreneurs: the sector (制造业, 商贸...). */
    sector: { type: String, default: null },
    /** Public representatives: which kind. */
    publicRole: { type: String, enum: [...PUBLIC_ROLES, null], default: null },
    // Contact for the ballot: a link by email, or a printed ballot (phone to arrange it).
    email: { type: String, default: null },
    phone: { type: String, default: null },
    /** The unit they work for, if any: they never rate it. */
    unitId: { type: Schema.Types.ObjectId, default: null },
    active: { type: Boolean, default: true },
    /** Set once they were drawn into a panel: from then on they can only be deactivated. */
    drawnAt: { type: Date, default: null },
  },
  { timestamps: true },
);
representativeSchema.index({ kind: 1, active: 1 });
// The same person is not registered twice: name + organization + phone/email identify them.
representativeSchema.index({ kind: 1, name: 1, organization: 1, phone: 1, email: 1 }, { unique: true });

export type RepresentativeFields = InferSchemaType<typeof representativeSchema> & { _id: Types.ObjectId };
export const Representative = model('Representative', representativeSchema);
