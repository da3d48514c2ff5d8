import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const minimal = { BOT_TOKEN: '123:abc' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('configuration from the environment', () => {
  it('runs on defaults with only a bot token', () => {
    const config = loadConfig(minimal);
    expect(config.MONGODB_URI).toBeUndefined();
    expect(config.TELEGRAM_MODE).toBe('polling');
    expect(config.DISTRICTS.length).toBeGreaterThan(3);
    expect(config.COORDINATOR_TELEGRAM_IDS).toEqual([]);
  });

  it('asks for a token of at least one platform', () => {
    expect(problems({})).toEqual(['BOT_TOKEN: set BOT_TOKEN (Telegram) or VK_TOKEN (VK) or MAX_TOKEN (MAX), or several']);
  });

  it('treats an empty variable as unset', () => {
    expect(problems({ BOT_TOKEN: '' })).toEqual(['BOT_TOKEN: set BOT_TOKEN (Telegram) or VK_TOKEN (VK) or MAX_TOKEN (MAX), or several']);
  });

  it('runs VK alone, and asks for the community id with a VK token', () => {
    const vkToken = 'vk1.a.community-token-0123456789';
    expect(loadConfig({ VK_TOKEN: vkToken, VK_GROUP_ID: '123' }).BOT_TOKEN).toBeUndefined();
    expect(problems({ VK_TOKEN: vkToken })).toEqual(['VK_GROUP_ID: VK_TOKEN needs VK_GROUP_ID, the community id']);
    expect(problems({ VK_TOKEN: vkToken, VK_GROUP_ID: '123', VK_MODE: 'callback' })).toEqual([
      'VK_MODE: VK_MODE=callback needs VK_CALLBACK_SECRET and VK_CALLBACK_CONFIRMATION',
    ]);
    expect(problems({ ...minimal, HQ_VK_PEER_ID: '12345' })[0]).toMatch(/^HQ_VK_PEER_ID: must be a conversation peer id/);
  });

  it.each([
    [{ BOT_TOKEN: 'nonsense' }, /^BOT_TOKEN: must look like/],
    [{ ...minimal, MONGODB_URI: 'localhost:27017' }, /^MONGODB_URI: must start with mongodb:\/\//],
    [{ ...minimal, COORDINATOR_TELEGRAM_IDS: '12,abc' }, /^COORDINATOR_TELEGRAM_IDS/],
    [{ ...minimal, TIME_ZONE: 'Mars/Olympus' }, /^TIME_ZONE: must be an IANA time zone/],
    [{ ...minimal, HTTP_PORT: '70000' }, /^HTTP_PORT/],
    [{ ...minimal, TELEGRAM_MODE: 'webhook' }, /^TELEGRAM_MODE: TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET/],
    [{ ...minimal, TELEGRAM_WEBHOOK_SECRET: 'short' }, /^TELEGRAM_WEBHOOK_SECRET: must be 16–256 characters/],
    // VK allows up to 50; a short secret is guessed, and it is all that stands between the internet and the bot.
    [{ ...minimal, VK_CALLBACK_SECRET: 'fifteen-chars15' }, /^VK_CALLBACK_SECRET: must be at least 16 characters/],
    [{ ...minimal, VK_CALLBACK_SECRET: 'x'.repeat(51) }, /^VK_CALLBACK_SECRET: /],
  ])('names the malformed variable in %j', (env, message) => {
    const found = problems(env);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('serves /metrics on its own listener on 127.0.0.1 by default, the public server on every address', () => {
    const config = loadConfig(minimal);
    expect(config).toMatchObject({ HTTP_HOST: '0.0.0.0', HTTP_PORT: 3000, METRICS_HOST: '127.0.0.1', METRICS_PORT: 9464 });
    expect(loadConfig({ ...minimal, METRICS_PORT: '0' }).METRICS_PORT).toBe(0);
    expect(loadConfig({ ...minimal, METRICS_PORT: 'off' }).METRICS_PORT).toBe('off');
    expect(problems({ ...minimal, METRICS_PORT: '3000' })).toEqual(['METRICS_PORT: must differ from HTTP_PORT: /metrics has a listener of its own']);
    expect(problems({ ...minimal, METRICS_PORT: 'never' })[0]).toMatch(/^METRICS_PORT: must be a port \(0 picks a free one\) or off/);
  });

  it('reads lists separated by commas, ignoring spaces and empty items', () => {
    const config = loadConfig({ ...minimal, COORDINATOR_TELEGRAM_IDS: ' 1, 2,,3 ', DISTRICTS: 'Первый, Второй ,' });
    expect(config.COORDINATOR_TELEGRAM_IDS).toEqual(['1', '2', '3']);
    expect(config.DISTRICTS).toEqual(['Первый', 'Второй']);
  });

  it('refuses districts separated by semicolons, and two names of one district, naming the variable only', () => {
    expect(problems({ ...minimal, DISTRICTS: 'Ленинский;Советский' })).toEqual([
      'DISTRICTS: separate the districts with commas, not semicolons: Ленинский,Советский',
    ]);
    expect(problems({ ...minimal, DISTRICTS: 'Ленинский,ленинский' })).toEqual([
      'DISTRICTS: «Ленинский» and «ленинский» are the same district: name each once',
    ]);
    expect(problems({ ...minimal, DISTRICTS: 'Задельный,Заёльный,Заельный' })).toEqual([
      'DISTRICTS: «Заёльный» and «Заельный» are the same district: name each once',
    ]);
    expect(problems({ ...minimal, DISTRICTS: `Ленинский,${'Д'.repeat(61)}` })).toEqual(['DISTRICTS, item 2: a district name may have at most 60 characters']);
  });

  describe('flood control', () => {
    it('tells a chat to slow down after 20 messages in 10 s and ignores it for 30 s by default', () => {
      const config = loadConfig(minimal);
      expect([config.FLOOD_MESSAGES, config.FLOOD_WINDOW, config.FLOOD_PAUSE]).toEqual([20, 10_000, 30_000]);
      const tuned = loadConfig({ ...minimal, FLOOD_MESSAGES: '5', FLOOD_WINDOW: '2s', FLOOD_PAUSE: '1m' });
      expect([tuned.FLOOD_MESSAGES, tuned.FLOOD_WINDOW, tuned.FLOOD_PAUSE]).toEqual([5, 2_000, 60_000]);
      expect(() => loadConfig({ ...minimal, FLOOD_MESSAGES: '0' })).toThrow(/FLOOD_MESSAGES/);
    });
  });

  describe('scheduled jobs and quiet hours', () => {
    it("holds requesters' messages from 21:00 to 09:00 and polls for jobs every 5 s by default", () => {
      const config = loadConfig(minimal);
      expect(config.QUIET_HOURS).toEqual({ start: '21:00', end: '09:00' });
      expect(config.JOBS_PROCESS_EVERY_MS).toBe(5_000);
      expect(config.JOBS_LOCK_LIFETIME_MS).toBe(600_000);
    });

    it('reads a window that does not cross midnight, and off for none', () => {
      expect(loadConfig({ ...minimal, QUIET_HOURS: ' 13:00 - 15:30 ' }).QUIET_HOURS).toEqual({ start: '13:00', end: '15:30' });
      expect(loadConfig({ ...minimal, QUIET_HOURS: 'off' }).QUIET_HOURS).toBeNull();
      expect(loadConfig({ ...minimal, JOBS_PROCESS_EVERY_MS: '100' }).JOBS_PROCESS_EVERY_MS).toBe(100);
    });

    it.each([
      [{ QUIET_HOURS: '21-9' }, /^QUIET_HOURS: must be HH:MM-HH:MM/],
      [{ QUIET_HOURS: '24:00-09:00' }, /^QUIET_HOURS: must be HH:MM-HH:MM/],
      [{ QUIET_HOURS: '21:00-09:00-10:00' }, /^QUIET_HOURS: must be HH:MM-HH:MM/],
      [{ QUIET_HOURS: '09:00-09:00' }, /^QUIET_HOURS: start and end must differ/],
      [{ JOBS_PROCESS_EVERY_MS: '10' }, /^JOBS_PROCESS_EVERY_MS/],
      [{ JOBS_PROCESS_EVERY_MS: 'often' }, /^JOBS_PROCESS_EVERY_MS/],
      [{ JOBS_LOCK_LIFETIME_MS: '0' }, /^JOBS_LOCK_LIFETIME_MS/],
    ])('names the malformed variable in %j', (env, message) => {
      const found = problems({ ...minimal, ...env });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(message);
    });
  });
});

describe('scheduled work', () => {
  const base = { BOT_TOKEN: '123:abc' };
  it('reads durations with units and per-kind escalation times', () => {
    const config = loadConfig({
      ...base,
      ESCALATION_REMIND_AFTER: '500ms',
      FEEDBACK_AFTER: '2h',
      RETENTION_PERIOD: '90d',
      ESCALATION_BY_HELP_KIND: 'medicine=15m/1h, legal=4h/1d',
    });
    expect(config.ESCALATION_REMIND_AFTER).toBe(500);
    expect(config.FEEDBACK_AFTER).toBe(7_200_000);
    expect(config.RETENTION_PERIOD).toBe(90 * 86_400_000);
    expect(config.ESCALATION_BY_HELP_KIND).toEqual({
      medicine: { remindMs: 900_000, alertMs: 3_600_000 },
      legal: { remindMs: 14_400_000, alertMs: 86_400_000 },
    });
    expect(loadConfig(base)).toMatchObject({ ESCALATION_REMIND_AFTER: 1_800_000, ESCALATION_ALERT_AFTER: 7_200_000, DAILY_REPORT_TIME: '09:00' });
  });

  it('keeps personal data no longer than the retention settings say, with their defaults', () => {
    const DAY = 86_400_000;
    expect(loadConfig(base)).toMatchObject({
      RETENTION_PERIOD: 90 * DAY,
      WITHDRAWN_RETENTION_PERIOD: 30 * DAY,
      OPEN_REQUEST_LIMIT: 30 * DAY,
      ABANDONED_CONVERSATION_AFTER: 7 * DAY,
      PEOPLE_RETENTION: 180 * DAY,
    });
    expect(loadConfig({ ...base, OPEN_REQUEST_LIMIT: '14d', PEOPLE_RETENTION: '365d' })).toMatchObject({
      OPEN_REQUEST_LIMIT: 14 * DAY,
      PEOPLE_RETENTION: 365 * DAY,
    });
    expect(() => loadConfig({ ...base, OPEN_REQUEST_LIMIT: '30' })).toThrow(/OPEN_REQUEST_LIMIT: must be a number with a unit/);
  });

  it('names a malformed duration, kind of help or report time', () => {
    expect(() => loadConfig({ ...base, STALE_CLAIM_NUDGE_AFTER: '24' })).toThrow(/STALE_CLAIM_NUDGE_AFTER: must be a number with a unit/);
    expect(() => loadConfig({ ...base, ESCALATION_BY_HELP_KIND: 'pizza=1m/2m' })).toThrow(/ESCALATION_BY_HELP_KIND: "pizza=1m\/2m" must look like/);
    expect(() => loadConfig({ ...base, DAILY_REPORT_TIME: '25:00' })).toThrow(/DAILY_REPORT_TIME: must be a time/);
    expect(loadConfig({ ...base, DAILY_REPORT_TIME: 'off' }).DAILY_REPORT_TIME).toBe('off');
  });
});
