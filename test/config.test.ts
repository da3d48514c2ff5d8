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
    expect(problems({})).toEqual(['BOT_TOKEN: set BOT_TOKEN (Telegram) or VK_TOKEN (VK), or both']);
  });

  it('treats an empty variable as unset', () => {
    expect(problems({ BOT_TOKEN: '' })).toEqual(['BOT_TOKEN: set BOT_TOKEN (Telegram) or VK_TOKEN (VK), or both']);
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
  ])('names the malformed variable in %j', (env, message) => {
    const found = problems(env);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('reads lists separated by commas, ignoring spaces and empty items', () => {
    const config = loadConfig({ ...minimal, COORDINATOR_TELEGRAM_IDS: ' 1, 2,,3 ', DISTRICTS: 'Первый, Второй ,' });
    expect(config.COORDINATOR_TELEGRAM_IDS).toEqual(['1', '2', '3']);
    expect(config.DISTRICTS).toEqual(['Первый', 'Второй']);
  });

  describe('scheduled jobs and quiet hours', () => {
    it('holds requesters\' messages from 21:00 to 09:00 and polls for jobs every 5 s by default', () => {
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
