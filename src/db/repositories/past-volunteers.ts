import type { PipelineStage } from 'mongoose';
import type { PersonRef, Platform } from '../../domain/request.js';
import type { RequestModel } from '../models/request-model.js';

/** The history events that show a person acted as a request's volunteer: they took it, or a coordinator gave it to them. */
const VOLUNTEERING_EVENTS = ['claimed', 'assigned'];
/** Read a batch at a time: a base of years holds more than is wise to have in memory at once. */
const BATCH_SIZE = 500;

/**
 * One row per claim or assignment, holding the volunteer's account only: no display name, nothing
 * of the request. A pipeline of streaming stages rather than a find: a find's projection of fields
 * inside the history array (`history.volunteer.userId`) comes back malformed, with whole volunteers
 * in it, from the embedded development server, while these stages work on it and on MongoDB alike.
 * Deduplicated in code rather than by $group, which would hold every person in the server's memory.
 */
const PIPELINE: PipelineStage[] = [
  // Only requests somebody took; the same condition again after $unwind keeps only those events.
  { $match: { 'history.type': { $in: VOLUNTEERING_EVENTS } } },
  { $unwind: '$history' },
  { $match: { 'history.type': { $in: VOLUNTEERING_EVENTS } } },
  { $project: { _id: 0, platform: '$history.volunteer.platform', userId: '$history.volunteer.userId' } },
];

/**
 * Every distinct person (by platform account) who ever claimed a request or was assigned one, in the
 * order they are first met. For an HQ moving the volunteers it already had onto the roster: they took
 * requests before applications existed.
 */
export async function listPastVolunteers(requests: RequestModel): Promise<PersonRef[]> {
  const people = new Map<string, PersonRef>();
  const cursor = requests.aggregate<{ platform?: string; userId?: string }>(PIPELINE).cursor({ batchSize: BATCH_SIZE });
  for await (const row of cursor) {
    // An event without a volunteer would be a damaged document: nobody to approve from it.
    if (!row.platform || !row.userId) continue;
    const key = `${row.platform}:${row.userId}`;
    if (!people.has(key)) people.set(key, { platform: row.platform as Platform, userId: row.userId });
  }
  return [...people.values()];
}
