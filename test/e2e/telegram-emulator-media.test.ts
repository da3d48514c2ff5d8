// Proves the media side of test/support/telegram-emulator.ts against the real grammY: photos (one or
// an album), voice notes, videos, documents and locations a person sends (through harness.ts's
// Person), a bot sending them on by file_id, Telegram's refusals of wrong ids and albums, and the
// chat limits and injected faults those sends meet.
import { Bot, GrammyError, InputFile, Keyboard } from 'grammy';
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_TOKEN, Person, type SystemHarness } from '../support/harness.js';
import { TgEmulator } from '../support/telegram-emulator.js';

const ANNA = 4101;
const BORIS = 4102;
const VOLUNTEERS = -1004100;

let emulator: TgEmulator;
let bot: Bot;
const received: Message[] = [];

/** Person needs only the emulator and the bot's messages of the harness: no system runs here. */
const people = () => ({ emulator, messagesTo: (chatId: number) => emulator.sentTo(BOT_TOKEN, chatId) }) as unknown as SystemHarness;

/** The GrammyError a call was refused with (and a failure if it was not refused). */
async function refusal(call: Promise<unknown>): Promise<GrammyError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(error)}`);
  return error;
}
const codeAndText = (e: GrammyError) => [e.error_code, e.description];

/** Waits for the bot to have received `count` more messages than `before`, and returns them. */
async function nextReceived(before: number, count = 1, what = 'the message'): Promise<Message[]> {
  return emulator.waitFor(
    () => (received.length >= before + count ? received.slice(before, before + count) : undefined),
    undefined,
    () => `${what} at the bot (${received.length - before} of ${count} arrived)`,
  );
}

beforeAll(async () => {
  emulator = new TgEmulator();
  await emulator.start();
  bot = new Bot(BOT_TOKEN, { client: { apiRoot: emulator.apiRoot } });
  bot.on('message', (ctx) => {
    received.push(ctx.message);
  });
  await new Promise<void>((started) => {
    void bot.start({ onStart: () => started() });
  });
});

afterAll(async () => {
  await bot?.stop();
  await emulator?.stop();
});

describe('what a person sends', () => {
  it('a photo comes in three sizes, each with its own file_id and file_unique_id, with its caption', async () => {
    const anna = new Person(people(), ANNA, 'Анна');
    const before = received.length;
    const [largest] = await anna.sendPhoto({ caption: 'Вот рецепт' });
    const [message] = await nextReceived(before, 1, 'the photo');
    expect(message!.caption).toBe('Вот рецепт');
    expect(message!.text).toBeUndefined();
    expect(message!.chat).toMatchObject({ id: ANNA, type: 'private' });
    const sizes = message!.photo!;
    expect(sizes).toHaveLength(3);
    for (const size of sizes)
      expect(size).toEqual({
        file_id: expect.any(String),
        file_unique_id: expect.any(String),
        width: expect.any(Number),
        height: expect.any(Number),
        file_size: expect.any(Number),
      });
    expect(new Set(sizes.map((s) => s.file_id)).size).toBe(3);
    expect(sizes.map((s) => s.width)).toEqual([...sizes.map((s) => s.width)].sort((a, b) => a - b));
    expect(largest).toBe(sizes.at(-1)!.file_id);
  });

  it('an album is one update a photo, sharing a media_group_id, the caption on the first only', async () => {
    const anna = new Person(people(), ANNA, 'Анна');
    const before = received.length;
    const ids = await anna.sendPhoto({ caption: 'Квитанции', count: 3 });
    const album = await nextReceived(before, 3, 'the three photos of the album');
    expect(album.map((m) => m.photo?.at(-1)?.file_id)).toEqual(ids);
    const groupId = album[0]!.media_group_id;
    expect(groupId).toMatch(/^\d+$/);
    expect(album.map((m) => m.media_group_id)).toEqual([groupId, groupId, groupId]);
    expect(album.map((m) => m.caption)).toEqual(['Квитанции', undefined, undefined]);
    expect(new Set(album.map((m) => m.message_id)).size).toBe(3);
    // A photo sent alone is in no album.
    const single = received.length;
    await anna.sendPhoto();
    expect((await nextReceived(single, 1, 'the single photo'))[0]!.media_group_id).toBeUndefined();
  });

  it('a voice note, a video and a 50 MB document come with the fields the Bot API gives them', async () => {
    const anna = new Person(people(), ANNA, 'Анна');
    const before = received.length;
    const voiceId = await anna.sendVoice({ durationSec: 9 });
    const videoId = await anna.sendVideo();
    const documentId = await anna.sendDocument({ sizeBytes: 50 * 1024 * 1024, name: 'справка.pdf' });
    const [voice, video, document] = await nextReceived(before, 3, 'the voice note, the video and the document');
    expect(voice!.voice).toEqual({ file_id: voiceId, file_unique_id: expect.any(String), duration: 9, mime_type: 'audio/ogg', file_size: expect.any(Number) });
    expect(video!.video).toMatchObject({ file_id: videoId, file_unique_id: expect.any(String), width: 1280, height: 720, duration: expect.any(Number) });
    expect(document!.document).toEqual({
      file_id: documentId,
      file_unique_id: expect.any(String),
      file_name: 'справка.pdf',
      mime_type: 'application/pdf',
      file_size: 52_428_800,
    });
  });

  it('a location comes as the message location, and a request_location button is kept on the keyboard', async () => {
    const anna = new Person(people(), ANNA, 'Анна');
    await bot.api.sendMessage(ANNA, 'Где вы?', { reply_markup: new Keyboard().requestLocation('📍 Отправить место').oneTime() });
    expect(emulator.sentTo(BOT_TOKEN, ANNA).at(-1)!.message).toMatchObject({
      reply_markup: { keyboard: [[{ text: '📍 Отправить место', request_location: true }]], one_time_keyboard: true },
    });
    const before = received.length;
    await anna.sendLocation(55.7558, 37.6173);
    const [message] = await nextReceived(before, 1, 'the location');
    expect(message!.location).toEqual({ latitude: 55.7558, longitude: 37.6173 });
  });
});

describe('the bot sends files on by reference', () => {
  it('sendPhoto, sendVoice, sendVideo and sendDocument with a file_id answer Messages with the file, recorded by filesSentTo', async () => {
    const anna = new Person(people(), ANNA, 'Анна');
    const before = received.length;
    const [photoId] = await anna.sendPhoto();
    const voiceId = await anna.sendVoice();
    const videoId = await anna.sendVideo();
    const documentId = await anna.sendDocument({ sizeBytes: 50 * 1024 * 1024 });
    const [photoIn] = await nextReceived(before, 4, 'the four files');

    const photo = await bot.api.sendPhoto(VOLUNTEERS, photoId!, { caption: 'От Анны' });
    expect(photo).toMatchObject({ chat: { id: VOLUNTEERS, type: 'supergroup' }, caption: 'От Анны', photo: photoIn!.photo });
    // Any size of the photo sends it.
    expect((await bot.api.sendPhoto(VOLUNTEERS, photoIn!.photo![0]!.file_id)).photo).toEqual(photoIn!.photo);
    const voice = await bot.api.sendVoice(VOLUNTEERS, voiceId);
    expect(voice.voice?.file_id).toBe(voiceId);
    const video = await bot.api.sendVideo(VOLUNTEERS, videoId);
    expect(video.video?.file_id).toBe(videoId);
    // A file sent on by reference meets no upload limit.
    const document = await bot.api.sendDocument(VOLUNTEERS, documentId, { caption: 'Справка' });
    expect(document.document).toMatchObject({ file_id: documentId, file_size: 52_428_800 });
    expect([photo, voice, video, document].every((m) => typeof m.message_id === 'number' && typeof m.date === 'number')).toBe(true);
    expect(new Set([photo, voice, video, document].map((m) => m.message_id)).size).toBe(4);

    expect(emulator.filesSentTo(VOLUNTEERS)).toEqual([
      { method: 'sendPhoto', kind: 'photo', fileId: photoId, caption: 'От Анны', messageId: photo.message_id },
      { method: 'sendPhoto', kind: 'photo', fileId: photoIn!.photo![0]!.file_id, messageId: expect.any(Number) },
      { method: 'sendVoice', kind: 'voice', fileId: voiceId, messageId: voice.message_id },
      { method: 'sendVideo', kind: 'video', fileId: videoId, messageId: video.message_id },
      { method: 'sendDocument', kind: 'document', fileId: documentId, caption: 'Справка', messageId: document.message_id },
    ]);
    expect(emulator.filesSentTo(ANNA)).toEqual([]);
  });

  it('an unknown file_id, and one of another kind, are refused with Telegram’s texts, and nothing is recorded', async () => {
    const boris = new Person(people(), BORIS, 'Борис');
    const before = received.length;
    const voiceId = await boris.sendVoice();
    const [photoId] = await boris.sendPhoto();
    await nextReceived(before, 2, "Boris's voice note and photo");
    const recorded = emulator.filesSentTo(BORIS).length;

    expect(codeAndText(await refusal(bot.api.sendPhoto(BORIS, 'AgACAgIAAxkBAAIno-such-file')))).toEqual([
      400,
      'Bad Request: wrong file identifier/HTTP URL specified',
    ]);
    expect(codeAndText(await refusal(bot.api.sendPhoto(BORIS, voiceId)))).toEqual([400, "Bad Request: can't use file of type VoiceNote as Photo"]);
    expect(codeAndText(await refusal(bot.api.sendDocument(BORIS, photoId!)))).toEqual([400, "Bad Request: can't use file of type Photo as Document"]);
    expect(codeAndText(await refusal(bot.api.sendVoice(BORIS, photoId!)))).toEqual([400, "Bad Request: can't use file of type Photo as VoiceNote"]);
    expect(emulator.filesSentTo(BORIS)).toHaveLength(recorded);
    // An upload is answered as before: a document message, the file kept in the recorded call.
    const uploaded = await bot.api.sendDocument(BORIS, new InputFile(Buffer.from('a,b\n1,2\n'), 'report.csv'));
    expect(uploaded.document).toMatchObject({ file_name: 'report.csv', file_size: 8 });
    expect(emulator.filesSentTo(BORIS).at(-1)).toMatchObject({ method: 'sendDocument', kind: 'document', messageId: uploaded.message_id });
  });

  it('sendMediaGroup sends 2..10 items as one album; a single item goes alone; TDLib’s album refusals', async () => {
    const anna = new Person(people(), ANNA, 'Анна');
    const before = received.length;
    const photoIds = await anna.sendPhoto({ count: 3 });
    const videoId = await anna.sendVideo();
    const documentId = await anna.sendDocument({ sizeBytes: 1_000 });
    await nextReceived(before, 5, 'three photos, a video and a document');
    const CHAT = -1004101;

    // grammY's types leave media_group_id off some of an album's message types; Telegram sets it on each.
    const album: Message[] = await bot.api.sendMediaGroup(CHAT, [
      { type: 'photo', media: photoIds[0]!, caption: 'Три фото и видео' },
      { type: 'photo', media: photoIds[1]! },
      { type: 'photo', media: photoIds[2]! },
      { type: 'video', media: videoId },
    ]);
    expect(album).toHaveLength(4);
    const groupId = album[0]!.media_group_id;
    expect(groupId).toMatch(/^\d+$/);
    expect(album.map((m) => [m.media_group_id, m.caption, Boolean('photo' in m && m.photo), Boolean('video' in m && m.video)])).toEqual([
      [groupId, 'Три фото и видео', true, false],
      [groupId, undefined, true, false],
      [groupId, undefined, true, false],
      [groupId, undefined, false, true],
    ]);
    expect(emulator.filesSentTo(CHAT).map((f) => [f.method, f.kind, f.fileId, f.mediaGroupId])).toEqual([
      ['sendMediaGroup', 'photo', photoIds[0], groupId],
      ['sendMediaGroup', 'photo', photoIds[1], groupId],
      ['sendMediaGroup', 'photo', photoIds[2], groupId],
      ['sendMediaGroup', 'video', videoId, groupId],
    ]);

    const alone: Message[] = await bot.api.sendMediaGroup(CHAT, [{ type: 'document', media: documentId }]);
    expect(alone).toHaveLength(1);
    expect(alone[0]!.media_group_id).toBeUndefined();

    const sent = emulator.filesSentTo(CHAT).length;
    const eleven = Array.from({ length: 11 }, () => ({ type: 'photo' as const, media: photoIds[0]! }));
    expect(codeAndText(await refusal(bot.api.sendMediaGroup(CHAT, eleven)))).toEqual([400, 'Bad Request: too many messages to send as an album']);
    expect(codeAndText(await refusal(bot.api.sendMediaGroup(CHAT, [])))).toEqual([400, 'Bad Request: there are no messages to send']);
    const mixed = [
      { type: 'photo', media: photoIds[0]! },
      { type: 'document', media: documentId },
    ] as never;
    expect(codeAndText(await refusal(bot.api.sendMediaGroup(CHAT, mixed)))).toEqual([400, "Bad Request: document can't be mixed with other media types"]);
    const voiceItem = [{ type: 'voice', media: photoIds[0]! }] as never;
    expect(codeAndText(await refusal(bot.api.sendMediaGroup(CHAT, voiceItem)))).toEqual([
      400,
      'Bad Request: can\'t parse InputMedia: type "voice" is unsupported',
    ]);
    const wrongKind = [
      { type: 'photo', media: photoIds[0]! },
      { type: 'photo', media: videoId },
    ] as const;
    expect(codeAndText(await refusal(bot.api.sendMediaGroup(CHAT, wrongKind)))).toEqual([400, "Bad Request: can't use file of type Video as Photo"]);
    expect(emulator.filesSentTo(CHAT)).toHaveLength(sent);
  });

  it('sendLocation answers a Message with the location, recorded by locationsSentTo; out of range is refused', async () => {
    const sent = await bot.api.sendLocation(VOLUNTEERS, 55.7558, 37.6173);
    expect(sent).toMatchObject({ chat: { id: VOLUNTEERS }, location: { latitude: 55.7558, longitude: 37.6173 } });
    expect(emulator.locationsSentTo(VOLUNTEERS)).toEqual([{ latitude: 55.7558, longitude: 37.6173, messageId: sent.message_id }]);
    expect(codeAndText(await refusal(bot.api.sendLocation(VOLUNTEERS, 91, 37)))).toEqual([400, 'Bad Request: invalid location specified']);
    expect(codeAndText(await refusal(bot.api.sendLocation(VOLUNTEERS, 55, -180.5)))).toEqual([400, 'Bad Request: invalid location specified']);
    expect(emulator.locationsSentTo(VOLUNTEERS)).toHaveLength(1);
  });

  it('these sends count toward the chat limits (an album as its items, a refused one not at all), and faults apply to them', async () => {
    const own = new TgEmulator();
    await own.start();
    try {
      const api = new Bot(BOT_TOKEN, { client: { apiRoot: own.apiRoot } }).api;
      const ids = own.issuePhoto();
      const voice = own.issueVoice();
      const CHAT = -1004102;
      own.enforceChatRates({ group: { count: 4, windowMs: 60_000 }, private: { count: 0, windowMs: 0 } });
      await api.sendMessage(CHAT, 'Заявка');
      expect(codeAndText(await refusal(api.sendPhoto(CHAT, voice.file_id)))).toEqual([400, "Bad Request: can't use file of type VoiceNote as Photo"]);
      await api.sendMediaGroup(CHAT, [
        { type: 'photo', media: ids[0]!.file_id },
        { type: 'photo', media: ids[1]!.file_id },
      ]);
      await api.sendLocation(CHAT, 1, 2);
      // Four messages in the window: the fifth, of any kind, is too many.
      const tooMany = await refusal(api.sendVoice(CHAT, voice.file_id));
      expect([tooMany.error_code, tooMany.parameters.retry_after]).toEqual([429, 1]);
      expect(codeAndText(await refusal(api.sendLocation(CHAT, 1, 2)))[0]).toBe(429);
      expect(own.limitViolations).toBe(2);
      expect(own.filesSentTo(CHAT)).toHaveLength(2);

      own.forbidChat(ANNA);
      expect(codeAndText(await refusal(api.sendPhoto(ANNA, ids[2]!.file_id)))).toEqual([403, "Forbidden: bot can't initiate conversation with a user"]);
      own.fail('sendMediaGroup', () => true, { error_code: 500, description: 'Internal Server Error', times: 1 });
      expect((await refusal(api.sendMediaGroup(BORIS, [{ type: 'photo', media: ids[2]!.file_id }]))).error_code).toBe(500);
      expect(own.filesSentTo(ANNA)).toEqual([]);
      expect(own.filesSentTo(BORIS)).toEqual([]);
    } finally {
      await own.stop();
    }
  });
});
