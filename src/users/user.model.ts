import { Schema, model, type InferSchemaType, type HydratedDocument } from 'mongoose';

import { invalidatedOnWrite } from '../platform/reference-cache';
import { ROLES, type Role } from '../platform/roles';

export { ROLES, type Role };

const userSchema = new Schema(
  {
    username: { type: String, required: true, unique: true, lowercase: true, trim: true },
    displayName: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    // Unit staff see only this unit's cases.
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    email: { type: String, default: null },
    passwordHash: { type: String, required: true },
    // Special supervisors (特邀监督员): term of appointment and area they cover.
    supervisor: {
      termStart: { type: Date, default: null },
      termEnd: { type: Date, default: null },
      area: { type: String, default: null },
    },
    active: { type: Boolean, default: true },
  },
  { timestamps: true },
);

export type UserFields = InferSchemaType<typeof userSchema>;
export type UserDoc = HydratedDocument<UserFields>;
// API tokens' users are held in memory by every process (auth.service): a write drops every copy.
invalidatedOnWrite(userSchema, 'users');
export const User = model('User', userSchema);

// API tokens live in their own collection, looked up by the hash of the presented token.
const apiTokenSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true, index: true },
    label: { type: String, required: true },
    hash: { type: String, required: true, unique: true },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
invalidatedOnWrite(apiTokenSchema, 'api_tokens');
export const ApiToken = model('ApiToken', apiTokenSchema);
