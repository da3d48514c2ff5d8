import type { VolunteerStatus } from '../../domain/volunteer.js';
import { parsePersonName, type PersonName } from './people-lookup.js';

/** The coordinators' commands, in the order menus and /help list them. */
export const COORDINATOR_COMMANDS = [
  'open',
  'overdue',
  'request',
  'assign',
  'close',
  'cancel',
  'erase',
  'stats',
  'export',
  'districts',
  'grant',
  'revoke',
  'volunteers',
  'approve',
  'reject',
  'suspend',
  'reinstate',
  'help',
] as const;
export type CoordinatorCommandName = (typeof COORDINATOR_COMMANDS)[number];

/** A command read and checked for its shape; what it refers to is checked when it runs. */
export type ParsedCommand =
  | { name: 'open'; district?: string }
  | { name: 'overdue' }
  | { name: 'request'; number: number }
  | { name: 'assign'; number: number; volunteer: PersonName }
  | { name: 'close'; number: number; comment?: string }
  | { name: 'cancel'; number: number; reason?: string }
  | { name: 'erase'; number: number }
  | { name: 'stats'; period: string }
  | { name: 'export'; period: string; full: boolean }
  | { name: 'districts' }
  | { name: 'help' }
  | { name: 'grant' | 'revoke'; person: PersonName }
  /** The volunteers, by status and a district they serve (the district as typed, resolved when run). */
  | { name: 'volunteers'; status?: VolunteerStatus; district?: string }
  | { name: 'approve' | 'reinstate'; number: number }
  /** The reason is what the applicant reads; a missing one is refused with its own text when run. */
  | { name: 'reject' | 'suspend'; number: number; reason?: string };

/** Words for each status in /volunteers, in both languages of the catalogs. */
const STATUS_WORDS: Record<string, VolunteerStatus> = {
  pending: 'pending',
  new: 'pending',
  ждут: 'pending',
  новые: 'pending',
  approved: 'approved',
  одобрены: 'approved',
  одобренные: 'approved',
  rejected: 'rejected',
  отклонены: 'rejected',
  отклонённые: 'rejected',
  отклоненные: 'rejected',
  suspended: 'suspended',
  приостановлены: 'suspended',
  приостановленные: 'suspended',
};

const NUMBER = /^(?:№|#|n|no\.?)?\s*(\d{1,9})(?=\s|$)\s*/i;

/** Reads "17", "№17" or "#17" at the start of the arguments; the rest follows. */
function leadingNumber(args: string): { number: number; rest: string } | null {
  const match = NUMBER.exec(args.trim());
  if (!match) return null;
  const number = Number(match[1]);
  return number > 0 ? { number, rest: args.trim().slice(match[0].length).trim() } : null;
}

/** Whether a typed word asks for the export with personal data. */
const FULL_WORDS = new Set(['full', 'полный', 'полная', 'полностью', 'все', 'всё']);

/**
 * Reads a coordinator command's arguments. Platform-free: Telegram and VK hand over the command name
 * and the text after it. A malformed command gives the name whose syntax to show.
 */
export function parseCoordinatorCommand(
  name: CoordinatorCommandName,
  args: string,
): { ok: true; command: ParsedCommand } | { ok: false; usage: CoordinatorCommandName } {
  const text = args.trim();
  const ok = (command: ParsedCommand) => ({ ok: true as const, command });
  const usage = { ok: false as const, usage: name };
  switch (name) {
    case 'open':
      return ok(text ? { name, district: text } : { name });
    case 'overdue':
    case 'districts':
    case 'help':
      return ok({ name });
    case 'request':
    case 'erase': {
      const n = leadingNumber(text);
      return n && !n.rest ? ok({ name, number: n.number }) : usage;
    }
    case 'assign': {
      const n = leadingNumber(text);
      const volunteer = n && parsePersonName(n.rest);
      return n && volunteer ? ok({ name, number: n.number, volunteer }) : usage;
    }
    case 'close': {
      const n = leadingNumber(text);
      return n ? ok({ name, number: n.number, ...(n.rest ? { comment: n.rest } : {}) }) : usage;
    }
    case 'cancel': {
      const n = leadingNumber(text);
      // A missing reason is left to the lifecycle rules, which refuse it with their own polite text.
      return n ? ok({ name, number: n.number, ...(n.rest ? { reason: n.rest } : {}) }) : usage;
    }
    case 'stats':
      return ok({ name, period: text });
    case 'export': {
      const words = text.split(/\s+/).filter(Boolean);
      const full = words.some((w) => FULL_WORDS.has(w.toLowerCase()));
      return ok({ name, period: words.filter((w) => !FULL_WORDS.has(w.toLowerCase())).join(' '), full });
    }
    case 'grant':
    case 'revoke': {
      const person = parsePersonName(text);
      return person ? ok({ name, person }) : usage;
    }
    case 'volunteers': {
      const [first, ...rest] = text.split(/\s+/).filter(Boolean);
      const status = first ? STATUS_WORDS[first.toLocaleLowerCase('ru')] : undefined;
      const district = (status ? rest : [first, ...rest]).filter(Boolean).join(' ');
      return ok({ name, ...(status ? { status } : {}), ...(district ? { district } : {}) });
    }
    case 'approve':
    case 'reinstate': {
      const n = leadingNumber(text);
      return n && !n.rest ? ok({ name, number: n.number }) : usage;
    }
    case 'reject':
    case 'suspend': {
      const n = leadingNumber(text);
      return n ? ok({ name, number: n.number, ...(n.rest ? { reason: n.rest } : {}) }) : usage;
    }
  }
}

/** Whether a word is one of the coordinator commands. */
export function isCoordinatorCommand(name: string): name is CoordinatorCommandName {
  return (COORDINATOR_COMMANDS as readonly string[]).includes(name);
}

/**
 * `/cancel` is also the requester's "abandon the questionnaire". It is the coordinator command only
 * with something after it (`/cancel 17 reason`) from a coordinator; a bare `/cancel` keeps its old
 * meaning for everybody. `/help` is answered for everyone, each person with their own commands.
 */
export function passesThrough(name: CoordinatorCommandName, args: string): 'always' | 'unless_coordinator' | 'never' {
  if (name === 'cancel') return args.trim() ? 'unless_coordinator' : 'always';
  return 'never';
}
