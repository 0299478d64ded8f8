import { Schema, model, type InferSchemaType } from 'mongoose';
import { PRIORITIES } from './deadline-policy.model';
import { invalidatedOnWrite } from '../platform/reference-cache';

// An administrator's routing rule. All conditions given must hold (an empty list means "any");
// the first active rule in `order` that holds decides. No rule holds: the case waits for triage.
const routingRuleSchema = new Schema(
  {
    name: { type: String, required: true },
    order: { type: Number, required: true },
    active: { type: Boolean, default: true },
    categoryCodes: { type: [String], default: [] },
    keywords: { type: [String], default: [] },
    places: { type: [String], default: [] },
    // Route to the unit the filer named (the rule holds only when one was named).
    useNamedUnit: { type: Boolean, default: false },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    priority: { type: String, enum: PRIORITIES, default: 'normal' },
  },
  { timestamps: true },
);
routingRuleSchema.index({ active: 1, order: 1 });

export type RoutingRuleFields = InferSchemaType<typeof routingRuleSchema>;
// Held in memory by every process (src/platform/reference-cache.ts): a write drops every copy.
invalidatedOnWrite(routingRuleSchema, 'routing_rules');
export const RoutingRule = model('RoutingRule', routingRuleSchema);
