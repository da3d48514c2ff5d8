import { Schema, type Connection } from 'mongoose';
import { PLATFORMS } from '../../domain/request.js';

// Roles granted by command (/grant) or in the web console; those named in the configuration are not stored here.
const roleSchema = new Schema(
  {
    platform: { type: String, enum: PLATFORMS, required: true },
    userId: { type: String, required: true },
    role: { type: String, enum: ['coordinator', 'operator'], required: true },
    grantedBy: { platform: { type: String, enum: PLATFORMS }, userId: String },
    grantedAt: { type: Date, required: true },
  },
  { collection: 'roles', versionKey: false },
);

// Granted by an upsert keyed by these fields: one document per person and role without relying on
// the index (which the embedded development server does not enforce).
roleSchema.index({ platform: 1, userId: 1, role: 1 }, { unique: true });

export function createRoleModel(connection: Connection) {
  return connection.model('Role', roleSchema);
}
export type RoleModel = ReturnType<typeof createRoleModel>;
