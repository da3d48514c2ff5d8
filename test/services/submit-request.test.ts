import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../../src/domain/lifecycle.js';
import type { HelpRequest } from '../../src/domain/request.js';
import { createSubmitRequest, type SubmitInput, type SubmitRequest } from '../../src/services/submit-request.js';
import {
  FakeDistrictChatRepository,
  FakeRequestRepository,
  leakedPersonalStrings,
  makeDraft,
  RecordingLogger,
  RecordingMessenger,
  steppingClock,
} from '../support/fakes.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { createTestDelivery } from '../support/delivery.js';
import { CODE_WORDS, catalogs, helpScenario } from '../support/scenario-fixtures.js';

const texts = createRequestTexts(catalogs.ru, 'Europe/Moscow', helpScenario);

const requester = { platform: 'telegram' as const, userId: '1001', chatId: '1001' };
const draft = makeDraft();

let requests: FakeRequestRepository;
let logger: RecordingLogger;
let dispatched: HelpRequest[];

function submitWith(dispatch: (request: HelpRequest) => Promise<void>) {
  return stored(createSubmitRequest({ requests, dispatch, logger, now: steppingClock(), codeWords: CODE_WORDS }));
}

/** A submit whose every call must have created a request (these tests set no requester limits). */
function stored(submit: SubmitRequest) {
  return async (input: SubmitInput): Promise<HelpRequest> => {
    const outcome = await submit(input);
    if (outcome.kind !== 'created') throw new Error(`refused: ${outcome.kind}`);
    return outcome.request;
  };
}

beforeEach(() => {
  requests = new FakeRequestRepository();
  logger = new RecordingLogger();
  dispatched = [];
});

afterEach(() => {
  // Whatever happened in the test, nothing personal reached the log.
  expect(leakedPersonalStrings(logger.serialized(), draft)).toEqual([]);
});

const recordDispatch = async (request: HelpRequest) => {
  dispatched.push(request);
};

it('stores a valid draft as a new request and dispatches it', async () => {
  const submit = submitWith(recordDispatch);
  const request = await submit({ draft, channel: 'telegram', requester });

  expect(request).toMatchObject({ number: 1, status: 'new', channel: 'telegram', requester, personal: draft.personal, district: draft.district });
  expect(requests.all()).toEqual([request]);
  expect(dispatched).toEqual([request]);
  expect(logger.at('info')).toEqual([expect.objectContaining({ obj: { request: 1, district: draft.district, channel: 'telegram' } })]);
});

it('fills in an empty extra when the draft has none', async () => {
  const { extra: _extra, ...withoutExtra } = makeDraft();
  const request = await submitWith(recordDispatch)({ draft: withoutExtra, channel: 'vk', requester: { ...requester, platform: 'vk' } });
  expect(request.extra).toEqual({});
});

describe('rejects a draft the domain schema refuses, storing and dispatching nothing', () => {
  // Each of these could come from a buggy or forged adapter; none may become a request.
  const bad: [string, unknown][] = [
    ['no consent', { ...makeDraft(), consentGiven: false }],
    ['an unnormalised phone', makeDraft({ personal: { ...draft.personal, phone: '8 913 123-45-67' } })],
    ['an empty address', makeDraft({ personal: { ...draft.personal, address: '' } })],
    ['an age of 0', makeDraft({ age: 0 })],
    ['a fractional age', makeDraft({ age: 80.5 })],
    ['an unknown category', { ...makeDraft(), category: 'alien' }],
    ['an unknown kind of help', { ...makeDraft(), helpKind: 'taxi' }],
    ['no personal data', { ...makeDraft(), personal: undefined }],
    ['an over-long extra answer', makeDraft({ extra: { prescription: 'x'.repeat(201) } })],
    ['not an object at all', 'hello'],
  ];
  it.each(bad)('%s', async (_label, badDraft) => {
    const submit = submitWith(recordDispatch);
    await expect(submit({ draft: badDraft, channel: 'telegram', requester })).rejects.toMatchObject({ name: 'ZodError' });
    expect(requests.all()).toEqual([]);
    expect(dispatched).toEqual([]);
  });
});

it('still succeeds when dispatching fails, and logs the failure without personal data', async () => {
  // An error that quotes personal data, as a validation error might.
  const quoting = Object.assign(new Error(`Validation failed: phone ${draft.personal.phone}, address ${draft.personal.address}`), {
    name: 'ValidationError',
  });
  const submit = submitWith(async () => {
    throw quoting;
  });

  const request = await submit({ draft, channel: 'telegram', requester });
  expect(request.number).toBe(1);
  expect(requests.all()).toHaveLength(1);
  const errors = logger.at('error');
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ obj: { request: 1 }, msg: 'dispatch failed' });
  // The afterEach check proves the quoted phone and address were not logged.
});

it('numbers successive submissions and posts them through a real dispatch', async () => {
  const districtChats = new FakeDistrictChatRepository();
  await districtChats.bind({ district: draft.district, platform: 'telegram', chatId: '-100' });
  const telegram = new RecordingMessenger('telegram');
  const now = steppingClock();
  const delivery = createTestDelivery({
    requests,
    districtChats,
    messengers: { telegram },
    headquartersChats: [],
    texts,
    catalog: catalogs.ru,
    logger,
    now,
  });
  const submit = stored(createSubmitRequest({ requests, dispatch: delivery.afterChange, logger, now, codeWords: CODE_WORDS }));

  const first = await submit({ draft, channel: 'telegram', requester });
  const second = await submit({ draft, channel: 'telegram', requester });
  expect([first.number, second.number]).toEqual([1, 2]);
  await delivery.drain();
  expect(telegram.posts().map((p) => p.view.number)).toEqual([1, 2]);
  expect((await requests.findByNumber(2))!.posts).toEqual([
    { platform: 'telegram', chatId: '-100', messageId: telegram.posts()[1]!.messageId, viaHeadquarters: false, round: 0 },
  ]);
});

describe('requester limits', () => {
  const limits = { maxOpen: 3, cooldownMs: 60_000 };
  let at: number;
  const clock = () => new Date(at);
  const submitLimited = () => createSubmitRequest({ requests, dispatch: recordDispatch, logger, now: clock, codeWords: CODE_WORDS, limits });
  beforeEach(() => {
    at = Date.parse('2026-03-02T10:00:00Z');
  });

  it('refuses a second request within the cooldown, storing and dispatching nothing, and takes it after', async () => {
    const submit = submitLimited();
    expect((await submit({ draft, channel: 'telegram', requester })).kind).toBe('created');
    at += 1_500;
    expect(await submit({ draft, channel: 'telegram', requester })).toEqual({ kind: 'too_soon', retryAfterMs: 58_500 });
    expect(requests.all()).toHaveLength(1);
    expect(dispatched).toHaveLength(1);
    at += 58_500;
    expect((await submit({ draft, channel: 'telegram', requester })).kind).toBe('created');
  });

  it('refuses a fourth open request, and takes one again once one of them is closed', async () => {
    const submit = submitLimited();
    for (let i = 0; i < 3; i++) {
      expect((await submit({ draft, channel: 'telegram', requester })).kind).toBe('created');
      at += 61_000;
    }
    expect(await submit({ draft, channel: 'telegram', requester })).toEqual({ kind: 'too_many_open', open: 3 });
    const first = requests.all()[0]!;
    const decision = decide(first, { type: 'cancel' }, { person: requester, channel: 'telegram', isCoordinator: false }, clock());
    if (!decision.ok) throw new Error(decision.refusal);
    await requests.applyTransition(first.number, decision.transition);
    expect((await submit({ draft, channel: 'telegram', requester })).kind).toBe('created');
  });

  it('counts each requester on their own, and does not limit a phone call or a partner line', async () => {
    const submit = submitLimited();
    expect((await submit({ draft, channel: 'telegram', requester })).kind).toBe('created');
    expect((await submit({ draft, channel: 'telegram', requester: { ...requester, userId: '1002', chatId: '1002' } })).kind).toBe('created');
    for (let i = 0; i < 5; i++)
      expect((await submit({ draft, channel: 'phone', takenBy: { platform: 'telegram', userId: '700', displayName: 'Оператор' } })).kind).toBe('created');
  });
});
