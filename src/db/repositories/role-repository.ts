import type { RoleRepository } from '../../services/ports.js';
import type { RoleModel } from '../models/role-model.js';

const COORDINATOR = 'coordinator';

/** Coordinator roles granted by command, in the `roles` collection. */
export function createMongoRoleRepository(model: RoleModel): RoleRepository {
  return {
    async grant(person, by, at) {
      // An upsert that changes nothing on an existing grant: the first grantor and time are kept.
      const before = await model
        .findOneAndUpdate(
          { platform: person.platform, userId: person.userId, role: COORDINATOR },
          { $setOnInsert: { grantedBy: by, grantedAt: at } },
          { upsert: true, returnDocument: 'before' },
        )
        .lean();
      return !before;
    },
    async revoke(person) {
      const removed = await model.deleteMany({ platform: person.platform, userId: person.userId, role: COORDINATOR });
      return removed.deletedCount > 0;
    },
    async isCoordinator(person) {
      return (await model.exists({ platform: person.platform, userId: person.userId, role: COORDINATOR })) !== null;
    },
    async listCoordinators(platform) {
      const docs = await model.find({ platform, role: COORDINATOR }).sort({ grantedAt: 1 }).lean();
      return docs.map((d) => ({ platform: d.platform, userId: d.userId }));
    },
  };
}
