import { z } from 'zod';

/** Pieces of the configuration's schema that the core and the platforms' parts share. */

/** "1, 2,3": numeric ids separated by commas (people's, chats'). */
export const idList = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^-?\d+$/, 'must be numeric ids separated by commas')));
