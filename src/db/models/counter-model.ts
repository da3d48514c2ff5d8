import { Schema, type Connection } from 'mongoose';

// Named sequences (request numbers). One document per sequence, advanced with an atomic $inc.
const counterSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, required: true } }, { collection: 'counters', versionKey: false });

export function createCounterModel(connection: Connection) {
  return connection.model('Counter', counterSchema);
}
export type CounterModel = ReturnType<typeof createCounterModel>;
