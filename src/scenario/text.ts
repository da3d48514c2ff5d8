/**
 * A piece of user-facing text as the engine sees it: a catalog key with parameters, or a literal
 * that needs no translation (a district name, the person's own answer).
 */
export type Text = { key: string; params?: Record<string, string | number> } | { literal: string };

export const keyText = (key: string, params?: Record<string, string | number>): Text => (params ? { key, params } : { key });
export const literalText = (literal: string): Text => ({ literal });
