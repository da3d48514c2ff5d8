/** Small readings and writings of chat text that every adapter needs alike. */

/** "/bind Ленинский" → { name: "bind", args: "Ленинский" }; "/open@bot лен" → "open"; plain words are no command. */
export function parseCommand(text: string | undefined): { name: string; args: string } | null {
  const match = /^\/(\w+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text?.trim() ?? '');
  return match ? { name: match[1]!.toLowerCase(), args: (match[2] ?? '').trim() } : null;
}

/**
 * A text within `max` characters, with "…" where it was cut. It is cut at whole code points, so an
 * emoji is never split in half; `units: 'utf16'` counts them as JavaScript's length does (an emoji
 * twice), for limits such as VK's on button labels.
 */
export function cutText(text: string, max: number, units: 'codePoints' | 'utf16' = 'codePoints'): string {
  const size = (part: string) => (units === 'utf16' ? part.length : [...part].length);
  if (size(text) <= max) return text;
  let out = '';
  let used = 0;
  for (const char of text) {
    used += size(char);
    if (used > max - 1) break;
    out += char;
  }
  return `${out}…`;
}

/** How a person is shown to others: their public name, and @username if any (as on a claimed post). */
export function publicName(names: { first?: string; last?: string; username?: string }): string {
  const name = [names.first, names.last].filter(Boolean).join(' ').trim().slice(0, 100);
  return names.username ? `${name} (@${names.username})` : name;
}
