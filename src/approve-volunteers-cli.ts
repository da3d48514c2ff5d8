/**
 * `npm run volunteers:approve-existing` (add `-- --dry-run` to only count): a one-time move for an HQ
 * that ran the bot before applications existed. With CLAIM_REQUIRES_APPROVAL on only approved
 * volunteers may claim, so everyone who ever claimed a request or was assigned one is recorded as approved;
 * people who already have a record (of any status: a rejection stands) are left as they are.
 * Prints counts only, never a name, phone or user id; exits 0 when done, 1 with one sentence when not.
 */
import { connectDatabase, type Database } from './db/database.js';
import { createRequestModel } from './db/models/request-model.js';
import { createVolunteerModel, type VolunteerModel } from './db/models/volunteer-model.js';
import { listPastVolunteers } from './db/repositories/past-volunteers.js';
import type { PersonRef } from './domain/request.js';
import { StartupError } from './startup-error.js';

/** How many accounts one count query asks about, so a large base does not make one huge filter. */
const LOOKUP_CHUNK = 500;

/** A failure whose message is a sentence for the person running the command. */
class RefusalError extends Error {}

try {
  const dryRun = readDryRun(process.argv.slice(2));
  const uri = readDatabaseUri();
  console.log(await migrate(uri, dryRun));
} catch (error) {
  console.error(describeFailure(error));
  process.exitCode = 1;
}

/**
 * `--dry-run` given to the command, or to npm in front of it: `npm run … --dry-run` (without `--`)
 * hands the flag to npm, which then runs the script without it and says so only in
 * npm_config_dry_run. Taking that as a dry run keeps a forgotten `--` from changing the roster.
 */
function readDryRun(args: string[]): boolean {
  const unknown = args.filter((arg) => arg !== '--dry-run');
  // A mistyped option must not fall through to the real run.
  if (unknown.length > 0) throw new RefusalError(`unknown argument ${unknown[0]}: the only option is --dry-run`);
  return args.includes('--dry-run') || process.env.npm_config_dry_run === 'true';
}

/** MONGODB_URI as the bot reads it: an empty value counts as unset. */
function readDatabaseUri(): string {
  const uri = process.env.MONGODB_URI?.trim();
  // Without it the bot runs on the embedded development database, which keeps nothing between runs.
  if (!uri) throw new RefusalError('MONGODB_URI is not set: the embedded development database keeps nothing between runs, so there are no volunteers to move');
  if (!/^mongodb(\+srv)?:\/\//.test(uri)) throw new RefusalError('MONGODB_URI must start with mongodb:// or mongodb+srv://');
  return uri;
}

async function migrate(uri: string, dryRun: boolean): Promise<string> {
  const db = await connectDatabase(uri);
  try {
    // The model connectDatabase registered: asking the connection again with the same schema returns it.
    const people = await listPastVolunteers(createRequestModel(db.connection));
    if (people.length === 0) return 'nobody has claimed or been assigned a request yet: there is nobody to approve';
    return dryRun ? await preview(db, people) : await approve(db, people);
  } finally {
    await db.close();
  }
}

async function preview(db: Database, people: PersonRef[]): Promise<string> {
  const known = await countOnRoster(createVolunteerModel(db.connection), people);
  return `dry run, nothing changed: would approve ${volunteers(people.length - known)} who had claimed or been assigned requests; ${known} already have a record and would be left as they are`;
}

async function approve(db: Database, people: PersonRef[]): Promise<string> {
  const added = await db.repositories.volunteerRoster.approveExisting(people, new Date());
  return `approved ${volunteers(added)} who had claimed or been assigned requests; ${people.length - added} already had a record and were left as they were`;
}

/** How many of these people have a record on the roster already, whatever its status; reads only the key. */
async function countOnRoster(roster: VolunteerModel, people: PersonRef[]): Promise<number> {
  let known = 0;
  for (let start = 0; start < people.length; start += LOOKUP_CHUNK) {
    const chunk = people.slice(start, start + LOOKUP_CHUNK).map((p) => ({ platform: p.platform, userId: p.userId }));
    known += await roster.countDocuments({ $or: chunk });
  }
  return known;
}

function volunteers(count: number): string {
  return `${count} ${count === 1 ? 'volunteer' : 'volunteers'}`;
}

/**
 * One sentence for the person at the terminal. A driver's own message may quote a document (a
 * duplicate key names the user id), so an unexpected error is told by its name and code only.
 */
function describeFailure(error: unknown): string {
  if (error instanceof RefusalError || error instanceof StartupError) return error.message;
  const { name, code, codeName } = (error ?? {}) as { name?: unknown; code?: unknown; codeName?: unknown };
  const detail = [name, codeName ?? code].filter((part) => typeof part === 'string' || typeof part === 'number').join(' ');
  return `approving the existing volunteers failed (${detail || 'unknown error'}); it is safe to run again: whoever it approved already is left as they are`;
}
