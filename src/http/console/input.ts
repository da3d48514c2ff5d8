import { z } from 'zod';
import type { LocalDate } from '../../domain/calendar.js';

/**
 * How the console reads what a browser sends (query, route parameters, form bodies): every field
 * through a schema. Forms come from the console's own pages, so a field that is missing, repeated or
 * malformed is not worth an error page: it reads as absent, and the route decides what absent means.
 */

/** A single text field; absent when missing or sent more than once. */
export const field = z.string().optional().catch(undefined);

/** A day typed as YYYY-MM-DD; absent otherwise. */
export const dayField = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);

/** A request number in a route, "17": 1 to 9 digits. */
export const requestNumberParams = z.object({
  number: z
    .string()
    .regex(/^\d{1,9}$/)
    .transform(Number),
});

/** Reads input through a schema made of the fields above; a body or query that is not an object reads as empty. */
export function read<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  return schema.parse(input !== null && typeof input === 'object' ? input : {});
}

/** "2025-03-10" (already checked by dayField) as a calendar day. */
export function localDay(day: string): LocalDate {
  return { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)) };
}
