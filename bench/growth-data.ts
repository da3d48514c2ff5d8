import type { BenchDatabase } from './database.js';

const DAY_MS = 86_400_000;
const CATEGORIES = ['pensioner', 'disabled', 'self_isolation', 'family_with_children', 'other'];
const HELP_KINDS = ['groceries', 'medicine', 'utility_payments', 'household', 'psychological', 'legal', 'doctor_appointment', 'other'];

/**
 * Fills the requests collection with `count` made-up requests as a city accumulates them: a steady
 * rate of `perWeek`, newest now, so a larger base is a longer history and not a busier week. The
 * last two days hold the open ones (new, claimed); older ones are done or cancelled. Loaded with
 * insertMany in batches through the mongoose model, lean: casting 100 000 documents with their
 * histories one by one takes minutes, so the schema's defaults are taken once from an empty document
 * and the first generated document is validated against the schema, to notice when the model moves
 * on. Then the request counter is moved past them. No real name, address or phone: all is generated.
 */
export async function loadRequests(
  database: BenchDatabase,
  options: { count: number; perWeek: number; districts: readonly string[]; now: Date },
): Promise<void> {
  const { count, districts, now } = options;
  const model = database.db.connection.model('Request');
  const stepMs = (7 * DAY_MS) / options.perWeek;
  const batch = 5000;
  const { _id: _ignored, ...defaults } = new model({}).toObject() as Record<string, unknown>;
  let validated = false;
  for (let start = 0; start < count; start += batch) {
    const docs = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const number = i + 1;
      const createdAt = new Date(now.getTime() - (count - i) * stepMs);
      const age = now.getTime() - createdAt.getTime();
      const status = statusOf(number, age);
      const volunteer =
        status === 'claimed' || status === 'done'
          ? { platform: 'telegram', userId: String(900_000 + (number % 300)), displayName: `Волонтёр ${number % 300}` }
          : undefined;
      const claimedAt = volunteer ? new Date(createdAt.getTime() + 20 * 60_000) : undefined;
      const closedAt = status === 'done' || status === 'cancelled' ? new Date(createdAt.getTime() + DAY_MS / 2) : undefined;
      const userId = String(1_000_000 + number);
      docs.push({
        ...structuredClone(defaults),
        number,
        status,
        channel: 'telegram',
        requester: { platform: 'telegram', userId, chatId: userId },
        category: CATEGORIES[number % CATEGORIES.length],
        age: 60 + (number % 40),
        district: districts[number % districts.length],
        helpKind: HELP_KINDS[number % HELP_KINDS.length],
        extra: {},
        personal: {
          name: `Получатель ${number}`,
          address: `ул. Тестовая, д. ${number % 200}`,
          phone: `+7900${String(number).padStart(7, '0')}`,
          description: `Заявка ${number}`,
        },
        consentAt: createdAt,
        createdAt,
        ...(volunteer ? { volunteer, claimedAt, firstClaimedAt: claimedAt } : {}),
        ...(closedAt ? { closedAt } : {}),
        posts: [{ platform: 'telegram', chatId: '-1000000', messageId: String(number), viaHeadquarters: false }],
        effectsPending: false,
        updatedAt: closedAt ?? claimedAt ?? createdAt,
        history: [
          { type: 'created', at: createdAt, actor: { platform: 'telegram', userId }, channel: 'telegram' },
          { type: 'posted', at: createdAt, channel: 'telegram', note: 'district' },
          ...(claimedAt ? [{ type: 'claimed', at: claimedAt, actor: { platform: 'telegram', userId: volunteer!.userId }, channel: 'telegram' }] : []),
          ...(closedAt ? [{ type: status, at: closedAt, channel: 'telegram' }] : []),
        ],
      });
    }
    if (!validated) {
      await new model(docs[0]).validate();
      validated = true;
    }
    await model.insertMany(docs, { ordered: false, lean: true });
  }
  await database.db.connection.collection('counters').updateOne({ name: 'request' }, { $set: { seq: count } }, { upsert: true });
}

function statusOf(number: number, ageMs: number): string {
  if (ageMs < 2 * DAY_MS) return ['new', 'claimed', 'done'][number % 3]!;
  return number % 10 === 0 ? 'cancelled' : 'done';
}
