import { randomInt } from 'node:crypto';

/**
 * A request's code word: a plain word from the HQ's list and a two-digit number («ромашка 47»), told
 * to the requester when the request is filed and shown only on the card of the volunteer who holds
 * it, so the person at the door can tell a real volunteer from a stranger. Easy to say and to hear;
 * with 60 words, one in 5 400 guesses. Personal data: erased with the rest.
 */
export function newCodeWord(words: readonly string[], pick: (max: number) => number = randomInt): string {
  if (words.length === 0) throw new Error('the list of code words is empty');
  return `${words[pick(words.length)]} ${10 + pick(90)}`;
}

/** The HQ's code words from their locale text: words separated by spaces or commas. */
export function codeWordList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}
