/**
 * A piece of user-facing text as the engine sees it: a catalog key with parameters, or a literal
 * that needs no translation (a district name, the person's own answer), or several of them in a row
 * (the choices marked on a multichoice step), shown separated by commas.
 */
export type Text = { key: string; params?: Record<string, string | number> } | { literal: string } | { list: Text[] };

export const keyText = (key: string, params?: Record<string, string | number>): Text => (params ? { key, params } : { key });
export const literalText = (literal: string): Text => ({ literal });
export const listText = (list: Text[]): Text => ({ list });
