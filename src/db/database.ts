import mongoose, { type Connection } from 'mongoose';
import { networkErrorCode, StartupError, withoutCredentials } from '../startup-error.js';
import { createConversationModel } from './models/conversation-model.js';
import { createCounterModel } from './models/counter-model.js';
import { createDistrictChatModel } from './models/district-chat-model.js';
import { createRequestModel } from './models/request-model.js';
import { createChatPacingModel } from './models/chat-pacing-model.js';
import { createOutboxModel } from './models/outbox-model.js';
import { createMongoChatPacing } from './repositories/chat-pacing-repository.js';
import { createMongoOutbox } from './repositories/outbox-repository.js';
import { createProcessedUpdateModel } from './models/processed-update-model.js';
import { createMongoUpdateLog } from './repositories/update-log.js';
import { createMongoConversationStore } from './repositories/conversation-store.js';
import { createMongoDistrictChatRepository } from './repositories/district-chat-repository.js';
import { createMongoRequestRepository } from './repositories/request-repository.js';
import { createMongoFeedbackStore } from './repositories/feedback-repository.js';
import { createMongoRetentionStore } from './repositories/retention-store.js';
import { createPersonModel } from './models/person-model.js';
import { createQuestionModel } from './models/question-model.js';
import { createMongoQuestionRepository } from './repositories/question-repository.js';
import { createRoleModel } from './models/role-model.js';
import { createMongoPeopleRepository } from './repositories/people-repository.js';
import { createMongoRoleRepository } from './repositories/role-repository.js';
import { createAccessRecordModel } from './models/access-record-model.js';
import { createMongoAccessLog } from './repositories/access-log.js';
import { createApplicationViewModel } from './models/application-view-model.js';
import { createMongoApplicationViewLog } from './repositories/application-view-log.js';
import { createConsoleLoginTokenModel, createConsoleSessionModel } from './models/console-session-model.js';
import { createMongoConsoleSessionStore } from './repositories/console-session-repository.js';
import { createVolunteerModel } from './models/volunteer-model.js';
import { createMongoVolunteerRoster } from './repositories/volunteer-roster.js';

/** The database: one mongoose connection, its models and the repositories built on them. */
export interface Database {
  connection: Connection;
  repositories: ReturnType<typeof createRepositories>;
  /** True while the connection is usable (for /readyz). */
  isReady(): boolean;
  close(): Promise<void>;
}

/** Connects and makes sure the declared indexes exist. */
export async function connectDatabase(uri: string): Promise<Database> {
  const connection = await openConnection(uri);
  const models = {
    requests: createRequestModel(connection),
    counters: createCounterModel(connection),
    districtChats: createDistrictChatModel(connection),
    conversations: createConversationModel(connection),
    outbox: createOutboxModel(connection),
    chatPacing: createChatPacingModel(connection),
    processedUpdates: createProcessedUpdateModel(connection),
    people: createPersonModel(connection),
    roles: createRoleModel(connection),
    consoleLoginTokens: createConsoleLoginTokenModel(connection),
    consoleSessions: createConsoleSessionModel(connection),
    questions: createQuestionModel(connection),
    accessRecords: createAccessRecordModel(connection),
    volunteers: createVolunteerModel(connection),
    applicationViews: createApplicationViewModel(connection),
  };
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  return {
    connection,
    repositories: createRepositories(models),
    isReady: () => connection.readyState === mongoose.ConnectionStates.connected,
    close: () => connection.close(),
  };
}

/**
 * A dedicated connection rather than mongoose's global one: no module-level state. Ten seconds to
 * find the server unless the address says otherwise; then start-up stops with a sentence naming
 * MONGODB_URI, the address shown without its user and password.
 */
async function openConnection(uri: string): Promise<Connection> {
  const timeout = /[?&]serverSelectionTimeoutMS=/i.test(uri) ? {} : { serverSelectionTimeoutMS: 10_000 };
  try {
    return await mongoose.createConnection(uri, timeout).asPromise();
  } catch (error) {
    if ((error as { codeName?: unknown }).codeName === 'AuthenticationFailed') {
      throw new StartupError(`MONGODB_URI: the database at ${withoutCredentials(uri)} refused the user and password given`);
    }
    if (!(error instanceof Error) || error.name !== 'MongooseServerSelectionError') throw error;
    const code = serverSelectionCode(error) ?? 'no server answered';
    throw new StartupError(`MONGODB_URI: cannot reach the database at ${withoutCredentials(uri)} (${code}); check the address and that MongoDB runs`);
  }
}

/** The network code of the first server the driver could not reach. */
function serverSelectionCode(error: Error): string | undefined {
  const servers = (error as { reason?: { servers?: Map<string, { error?: unknown }> } }).reason?.servers;
  for (const server of servers?.values() ?? []) {
    const code = networkErrorCode(server.error);
    if (code) return code;
  }
  return /\b(E[A-Z]{4,})\b/.exec(error.message)?.[1];
}

function createRepositories(models: {
  requests: ReturnType<typeof createRequestModel>;
  counters: ReturnType<typeof createCounterModel>;
  districtChats: ReturnType<typeof createDistrictChatModel>;
  conversations: ReturnType<typeof createConversationModel>;
  outbox: ReturnType<typeof createOutboxModel>;
  chatPacing: ReturnType<typeof createChatPacingModel>;
  processedUpdates: ReturnType<typeof createProcessedUpdateModel>;
  people: ReturnType<typeof createPersonModel>;
  roles: ReturnType<typeof createRoleModel>;
  consoleLoginTokens: ReturnType<typeof createConsoleLoginTokenModel>;
  consoleSessions: ReturnType<typeof createConsoleSessionModel>;
  questions: ReturnType<typeof createQuestionModel>;
  accessRecords: ReturnType<typeof createAccessRecordModel>;
  volunteers: ReturnType<typeof createVolunteerModel>;
  applicationViews: ReturnType<typeof createApplicationViewModel>;
}) {
  return {
    requests: createMongoRequestRepository(models),
    feedback: createMongoFeedbackStore(models.requests),
    retention: createMongoRetentionStore(models),
    questions: createMongoQuestionRepository(models.questions),
    accessLog: createMongoAccessLog(models.accessRecords),
    volunteerRoster: createMongoVolunteerRoster({ volunteers: models.volunteers, counters: models.counters }),
    applicationViews: createMongoApplicationViewLog(models.applicationViews),
    districtChats: createMongoDistrictChatRepository(models.districtChats),
    conversations: createMongoConversationStore<unknown>(models.conversations),
    outbox: createMongoOutbox(models.outbox),
    pacing: createMongoChatPacing(models.chatPacing),
    updates: createMongoUpdateLog(models.processedUpdates),
    people: createMongoPeopleRepository(models.people),
    roles: createMongoRoleRepository(models.roles),
    consoleSessions: createMongoConsoleSessionStore({ loginTokens: models.consoleLoginTokens, sessions: models.consoleSessions }),
  };
}
