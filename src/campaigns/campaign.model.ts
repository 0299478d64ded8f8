import { Schema, model, type InferSchemaType } from 'mongoose';

// How many letters one special supervisor handed out in this campaign. One entry per supervisor.
const distributionSchema = new Schema(
  {
    supervisorId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    letters: { type: Number, required: true, min: 0 },
  },
  { _id: false },
);

// A letter campaign (征求意见函): the commission's supervisors hand out opinion-solicitation
// letters over a period; what comes back is recorded as letters (letter.model.ts), and each
// opinion in a letter becomes a case.
const campaignSchema = new Schema(
  {
    title: { type: String, required: true },
    year: { type: Number, required: true },
    // Calendar days ('YYYY-MM-DD', county calendar): a day has no time zone.
    startDate: { type: String, required: true },
    endDate: { type: String, required: true },
    // Replaced whole under a version check (__v): FerretDB has no positional `$` update.
    distributions: { type: [distributionSchema], default: [] },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  },
  { timestamps: true },
);
campaignSchema.index({ year: -1, startDate: -1 });

export type CampaignFields = InferSchemaType<typeof campaignSchema>;
export const Campaign = model('Campaign', campaignSchema);
