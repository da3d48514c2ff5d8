import type { Platform, RequestChannel } from '../../domain/request.js';
import type { ApplicationView, ApplicationViewLog } from '../../services/ports.js';
import type { ApplicationViewModel } from '../models/application-view-model.js';

export function createMongoApplicationViewLog(views: ApplicationViewModel): ApplicationViewLog {
  return {
    async recordAll(entries) {
      if (entries.length > 0) await views.insertMany(entries.map((e) => ({ ...e, viewer: { platform: e.viewer.platform, userId: e.viewer.userId } })));
    },
    async listFor(volunteerNumber) {
      const docs = await views.find({ volunteerNumber }).sort({ at: 1, _id: 1 }).lean();
      return docs.map(
        (d): ApplicationView => ({
          volunteerNumber: d.volunteerNumber,
          viewer: { platform: d.viewer.platform as Platform, userId: d.viewer.userId },
          channel: d.channel as RequestChannel,
          at: d.at,
        }),
      );
    },
  };
}
