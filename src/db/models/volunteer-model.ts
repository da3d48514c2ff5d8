import { Schema, type Connection } from 'mongoose';
import { VOLUNTEER_STATUSES } from '../../domain/volunteer.js';
import { PLATFORMS } from '../../domain/request.js';

const personRefSchema = new Schema({ platform: { type: String, enum: PLATFORMS, required: true }, userId: { type: String, required: true } }, { _id: false });

// One change of status, kept for the record; `by` and `reason` only where a coordinator decided.
const vettingEventSchema = new Schema(
  {
    status: { type: String, enum: VOLUNTEER_STATUSES, required: true },
    at: { type: Date, required: true },
    by: { type: personRefSchema, required: false },
    reason: { type: String, required: false },
  },
  { _id: false },
);

// Volunteers and their applications, one document per platform account. Numbered from the `volunteer`
// sequence of the counters, apart from the requests' numbers («Анкета №5»).
const volunteerSchema = new Schema(
  {
    number: { type: Number, required: true },
    platform: { type: String, enum: PLATFORMS, required: true },
    userId: { type: String, required: true },
    status: { type: String, enum: VOLUNTEER_STATUSES, required: true },
    /** When the status last changed: a rejected application's name and phone go RETENTION_PERIOD after it. */
    statusSince: { type: Date, required: false },
    // Personal data (the name and phone the applicant typed): shown only to coordinators, unset on
    // /forget, and absent for volunteers recorded without an application.
    details: {
      type: new Schema({ name: { type: String, required: true }, phone: { type: String, required: true } }, { _id: false }),
      required: false,
    },
    districts: { type: [String], default: [] },
    skills: { type: [String], default: [] },
    appliedAt: { type: Date, required: true },
    rulesAcceptedAt: { type: Date, required: false },
    history: { type: [vettingEventSchema], default: [] },
  },
  { collection: 'volunteers', versionKey: false },
);

// Applications are upserts keyed by the account, so there is one document per person without relying
// on the index (which the embedded development server does not enforce); on MongoDB it holds as well.
volunteerSchema.index({ platform: 1, userId: 1 }, { unique: true });
volunteerSchema.index({ number: 1 }, { unique: true });
// The console's lists: by status, by a district served (a multikey index), newest application first.
volunteerSchema.index({ status: 1, appliedAt: -1 });
volunteerSchema.index({ districts: 1, status: 1, appliedAt: -1 });
volunteerSchema.index({ appliedAt: -1 });
volunteerSchema.index({ status: 1, statusSince: 1 });

export function createVolunteerModel(connection: Connection) {
  return connection.model('Volunteer', volunteerSchema);
}
export type VolunteerModel = ReturnType<typeof createVolunteerModel>;
