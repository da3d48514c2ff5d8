import { PassThrough, Writable } from 'node:stream';
import { expect, it } from 'vitest';
import type { HelpRequest } from '../src/domain/request.js';
import { createLogger, terminalDestination } from '../src/logger.js';
import { describeError } from '../src/services/describe-error.js';
import type { KnownPerson, PersonSighting } from '../src/services/ports.js';
import { WAIT_MS, waitFor } from './support/wait.js';

// The logger's redaction is the second line of defence: no code should pass personal data to a log
// call, but if one does (a whole request, a person, a Telegram update), the value must not reach the
// log. Through the real logger, written to a stream the test reads.

const PERSONAL = {
  name: 'Антонина Петровна Смирнова',
  address: 'ул. Садовая, д. 7, кв. 12',
  phone: '+79131234567',
  description: 'Купить лекарства по рецепту, рецепт у соседки Галины',
  comment: 'Бабушка плохо слышит, звонить громко',
  reason: 'Внук заберёт её к себе в Омск',
  feedback: 'Спасибо Ирине, всё привезла',
  volunteer: 'Ирина Волонтёрова',
  operator: 'Оператор Ольга Кузнецова',
  username: 'irina_helps_777',
  displayName: 'Ирина В.',
  firstName: 'Галина',
  lastName: 'Соседкина',
  typed: 'мой номер 8 913 765-43-21, адрес Лесная 5',
  codeWord: 'ромашка 47',
  applicantName: 'Валентина Дочерина',
  applicantPhone: '+79137654321',
};

const at = new Date('2025-03-07T09:12:44.120Z');
const request: HelpRequest = {
  id: '65f0c0ffee0000000000abcd',
  number: 1043,
  status: 'done',
  channel: 'telegram',
  requester: { platform: 'telegram', userId: '5551', chatId: '5551' },
  takenBy: { platform: 'telegram', userId: '700', displayName: PERSONAL.operator },
  clientKey: { key: 'form:1', fingerprint: 'f' },
  category: 'pensioner',
  age: 84,
  ageBand: '80+',
  district: 'Ленинский',
  helpKind: 'medicine',
  extra: { prescription: 'has_prescription' },
  personal: {
    name: PERSONAL.name,
    address: PERSONAL.address,
    phone: PERSONAL.phone,
    description: PERSONAL.description,
    applicant: { name: PERSONAL.applicantName, phone: PERSONAL.applicantPhone },
  },
  onBehalf: { relation: 'child', callFirst: 'applicant' },
  codeWord: PERSONAL.codeWord,
  consentAt: at,
  volunteer: { platform: 'telegram', userId: '801', displayName: PERSONAL.volunteer },
  claimedAt: at,
  firstClaimedAt: at,
  closedAt: at,
  feedback: { rating: 5, comment: PERSONAL.feedback, at },
  round: 1,
  announcedUpTo: 4,
  posts: [{ platform: 'telegram', chatId: '-100', messageId: '7', viaHeadquarters: false, round: 1 }],
  history: [
    { type: 'created', at, channel: 'telegram', actor: { platform: 'telegram', userId: '5551' } },
    { type: 'claimed', at, volunteer: { platform: 'telegram', userId: '801', displayName: PERSONAL.volunteer } },
    {
      type: 'released',
      at,
      note: 'cannot',
      comment: PERSONAL.reason,
      previousVolunteer: { platform: 'telegram', userId: '801', displayName: PERSONAL.volunteer },
    },
    { type: 'commented', at, comment: PERSONAL.comment },
    { type: 'done', at, comment: PERSONAL.comment },
  ],
  createdAt: at,
};
const sighting: PersonSighting = {
  person: { platform: 'telegram', userId: '801' },
  username: PERSONAL.username,
  displayName: PERSONAL.displayName,
  privately: true,
  at,
};
const known: KnownPerson = {
  platform: 'telegram',
  userId: '801',
  username: PERSONAL.username,
  displayName: PERSONAL.displayName,
  lastSeenAt: at,
  privateChatAt: at,
};

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger('trace', stream), output: () => lines.join('') };
}

it('keeps every personal value of a request, a person and an update out of the log, at any depth the code could nest them', () => {
  const { logger, output } = capture();
  // The whole request, flat and nested, and each of its fields on its own.
  logger.info(request, 'request spread');
  logger.info({ request }, 'request nested');
  logger.info({ outcome: { kind: 'changed', request } }, 'request nested twice');
  logger.child({ component: 'web' }).warn({ requests: [request] }, 'requests listed');
  for (const [key, value] of Object.entries(request)) logger.info({ [key]: value }, `field ${key}`);
  logger.info({ ...request.personal, comment: PERSONAL.comment, reason: PERSONAL.reason }, 'answers spread');
  // The questionnaire's answers as the partner API and the console form receive them.
  logger.info({ body: { name: PERSONAL.name, address: PERSONAL.address, phone: PERSONAL.phone, description: PERSONAL.description, consent: true } }, 'body');
  logger.debug({ values: { name: PERSONAL.name, address: PERSONAL.address, phone: '8 913 123-45-67' } }, 'form values');
  // The answers of a request filed for someone else, by their step ids.
  logger.info({ answers: { applicantName: PERSONAL.applicantName, applicantPhone: PERSONAL.applicantPhone, relation: 'child' } }, 'answers for someone else');
  // A lifecycle change with what the coordinator typed.
  logger.info({ action: { type: 'cancel', reason: PERSONAL.reason }, comment: PERSONAL.comment }, 'cancelled');
  // People: a sighting and a known person, flat and nested.
  logger.info(sighting, 'sighting spread');
  logger.info({ sighting }, 'sighting nested');
  logger.info({ ...known }, 'person spread');
  logger.info({ person: known, people: [known] }, 'person nested');
  logger.child({ sighting }).info('bound to a child');
  logger.child({ component: 'web' }).child({ person: known, displayName: PERSONAL.displayName }).info('bound to a grandchild');
  // What Telegram and VK send: the sender's names and username, the text, a shared contact.
  logger.info(
    {
      update: {
        update_id: 1,
        message: {
          from: { id: 801, first_name: PERSONAL.firstName, last_name: PERSONAL.lastName, username: PERSONAL.username },
          text: PERSONAL.typed,
          contact: { phone_number: PERSONAL.phone, first_name: PERSONAL.firstName },
        },
      },
    },
    'telegram update',
  );
  logger.info(
    { event: { object: { message: { from_id: 801, text: PERSONAL.typed } } }, user: { first_name: PERSONAL.firstName, last_name: PERSONAL.lastName } },
    'vk event',
  );

  const text = output();
  for (const [field, value] of Object.entries(PERSONAL)) expect(text, `${field} leaked`).not.toContain(value);
  expect(text).not.toContain('79137654321');
  expect(text).not.toContain('8 913 123-45-67');
  // What operators need stays: numbers, districts, statuses, ids.
  expect(text).toContain('"number":1043');
  expect(text).toContain('"district":"Ленинский"');
  expect(text).toContain('"userId":"801"');
  expect(text).toContain('[redacted]');
  // The objects logged are left as they were.
  expect(request.personal.name).toBe(PERSONAL.name);
  expect(request.history[3]!.comment).toBe(PERSONAL.comment);
});

it('still logs what kind of error happened', () => {
  const { logger, output } = capture();
  logger.error({ err: describeError(Object.assign(new Error('phone +79131234567 is invalid'), { name: 'ValidationError' })) }, 'saving failed');
  logger.warn({ err: describeError(Object.assign(new Error('connect ECONNREFUSED'), { name: 'MongoNetworkError' })) }, 'database away');
  expect(output()).toContain('"err":{"type":"ValidationError"}');
  expect(output()).toContain('"err":{"type":"MongoNetworkError","message":"connect ECONNREFUSED"');
  expect(output()).not.toContain('79131234567');
});

it('writes readable lines to a terminal and JSON lines anywhere else', async () => {
  const pipe = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  expect(await terminalDestination(pipe)).toBeUndefined();
  const terminal = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.WriteStream & PassThrough;
  const chunks: string[] = [];
  terminal.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const logger = createLogger('info', await terminalDestination(terminal));
  logger.info({ number: 7, name: 'Зинаида' }, 'request stored');
  await waitFor(() => chunks.join('').includes('request stored'), WAIT_MS, 'the pretty line on the terminal');
  const line = chunks.join('');
  expect(line).not.toMatch(/^\{/);
  expect(line).toContain('number: 7');
  expect(line).not.toContain('Зинаида');
});
