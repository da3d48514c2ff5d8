/** Small readings and writings of chat text that every adapter needs alike. */

/** "/bind Ленинский" → { name: "bind", args: "Ленинский" }; "/open@bot лен" → "open"; plain words are no command. */
export function parseCommand(text: string | undefined): { name: string; args: string } | null {
  const match = /^\/(\w+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text?.trim() ?? '');
  return match ? { name: match[1]!.toLowerCase(), args: (match[2] ?? '').trim() } : null;
}

/** A text within `max` characters (whole code points), with "…" where it was cut. */
export function cutText(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** How a person is shown to others: their public name, and @username if any (as on a claimed post). */
export function publicName(names: { first?: string; last?: string; username?: string }): string {
  const name = [names.first, names.last].filter(Boolean).join(' ').trim().slice(0, 100);
  return names.username ? `${name} (@${names.username})` : name;
}
