import type { RoleRepository } from '../../services/ports.js';
import type { RoleModel } from '../models/role-model.js';

const COORDINATOR = 'coordinator';

/** Roles granted by command or in the web console, one document per person and role, in the `roles` collection. */
export function createMongoRoleRepository(model: RoleModel): RoleRepository {
  return {
    async grant(person, by, at, role = COORDINATOR) {
      // An upsert that changes nothing on an existing grant: the first grantor and time are kept.
      const before = await model
        .findOneAndUpdate(
          { platform: person.platform, userId: person.userId, role },
          { $setOnInsert: { grantedBy: by, grantedAt: at } },
          { upsert: true, returnDocument: 'before' },
        )
        .lean();
      return !before;
    },
    async revoke(person, role = COORDINATOR) {
      const removed = await model.deleteMany({ platform: person.platform, userId: person.userId, role });
      return removed.deletedCount > 0;
    },
    async isCoordinator(person) {
      return (await model.exists({ platform: person.platform, userId: person.userId, role: COORDINATOR })) !== null;
    },
    async hasRole(person, role) {
      return (await model.exists({ platform: person.platform, userId: person.userId, role })) !== null;
    },
    async listGranted(role) {
      const docs = await model.find({ role }).sort({ grantedAt: 1 }).lean();
      return docs.map((d) => ({ platform: d.platform, userId: d.userId, grantedAt: d.grantedAt }));
    },
    async listCoordinators(platform) {
      const docs = await model.find({ platform, role: COORDINATOR }).sort({ grantedAt: 1 }).lean();
      return docs.map((d) => ({ platform: d.platform, userId: d.userId }));
    },
  };
}
