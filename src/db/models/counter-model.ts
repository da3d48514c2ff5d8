import { Schema, type Connection } from 'mongoose';

// Named sequences (request numbers): one document per name, advanced with an atomic $inc. Keyed by
// a `name` field rather than a string _id, which not every MongoDB-compatible server accepts.
const counterSchema = new Schema(
  { name: { type: String, required: true }, seq: { type: Number, required: true } },
  { collection: 'counters', versionKey: false },
);
counterSchema.index({ name: 1 }, { unique: true });

export function createCounterModel(connection: Connection) {
  return connection.model('Counter', counterSchema);
}
export type CounterModel = ReturnType<typeof createCounterModel>;
