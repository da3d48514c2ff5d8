import { expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

// The web console's and the partner API's settings: each mistake is named at start-up.

const minimal = { BOT_TOKEN: '123:abc' };
const KEY = 'k'.repeat(24);

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...minimal, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

it('runs without any of them: no partner API, links to where the server listens', () => {
  const config = loadConfig(minimal);
  expect(config.PUBLIC_URL).toBeUndefined();
  expect(config.PARTNER_API_KEYS).toEqual([]);
  expect(config.OPERATOR_TELEGRAM_IDS).toEqual([]);
});

it('reads partner lines with their keys, and operators', () => {
  const config = loadConfig({
    ...minimal,
    PARTNER_API_KEYS: ` 112=${KEY} , hotline=${KEY}x`,
    OPERATOR_TELEGRAM_IDS: '700, 701',
    OPERATOR_VK_IDS: '9901',
    PUBLIC_URL: 'https://hq.example.org',
  });
  expect(config.PARTNER_API_KEYS).toEqual([
    { source: '112', key: KEY },
    { source: 'hotline', key: `${KEY}x` },
  ]);
  expect(config.OPERATOR_TELEGRAM_IDS).toEqual(['700', '701']);
  expect(config.OPERATOR_VK_IDS).toEqual(['9901']);
  expect(config.PUBLIC_URL).toBe('https://hq.example.org');
});

it('reads the limits on abuse as a count per duration, and names a malformed one', () => {
  const config = loadConfig({ ...minimal, PARTNER_API_LIMIT_PER_KEY: '5/10s', CONSOLE_SIGN_IN_LIMIT_PER_ADDRESS: '100/1h', HTTP_TRUST_PROXY: '1' });
  expect(config.PARTNER_API_LIMIT_PER_KEY).toEqual({ max: 5, windowMs: 10_000 });
  expect(config.CONSOLE_SIGN_IN_LIMIT_PER_ADDRESS).toEqual({ max: 100, windowMs: 3_600_000 });
  expect(config.HTTP_TRUST_PROXY).toBe(1);
  expect(loadConfig(minimal).HTTP_TRUST_PROXY).toBe(false);
  expect(loadConfig({ ...minimal, HTTP_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).HTTP_TRUST_PROXY).toBe('10.0.0.0/8,127.0.0.1');
  expect(problems({ PARTNER_API_LIMIT_PER_KEY: '30' })).toEqual(['PARTNER_API_LIMIT_PER_KEY: must be a count per duration, such as 30/1m']);
  expect(problems({ PARTNER_API_WRONG_KEYS_PER_ADDRESS: '0/15m' })).toEqual([
    'PARTNER_API_WRONG_KEYS_PER_ADDRESS: must be a count per duration, such as 30/1m',
  ]);
  expect(problems({ PARTNER_API_LIMIT_PER_ADDRESS: '60/1x' })[0]).toMatch(/^PARTNER_API_LIMIT_PER_ADDRESS: /);
  expect(problems({ HTTP_TRUST_PROXY: 'yes please' })[0]).toMatch(/^HTTP_TRUST_PROXY: /);
});

it('refuses short keys, odd source names, a source twice, and an address with a path', () => {
  expect(problems({ PARTNER_API_KEYS: '112=short' })).toEqual(['PARTNER_API_KEYS, item 1: each key must be at least 24 characters (source=key)']);
  expect(problems({ PARTNER_API_KEYS: `Горячая линия=${KEY}` })[0]).toMatch(/^PARTNER_API_KEYS, item 1: /);
  expect(problems({ PARTNER_API_KEYS: `112=${KEY},112=${KEY}` })).toEqual(['PARTNER_API_KEYS: each source may appear once']);
  expect(problems({ PUBLIC_URL: 'https://hq.example.org/console' })[0]).toMatch(/^PUBLIC_URL: must be the address the console is opened at/);
  expect(problems({ PUBLIC_URL: 'hq.example.org' })[0]).toMatch(/^PUBLIC_URL: /);
  expect(problems({ OPERATOR_TELEGRAM_IDS: '@olga' })[0]).toMatch(/^OPERATOR_TELEGRAM_IDS/);
});

it("refuses a production start without PUBLIC_URL, naming it and the compose file's DOMAIN", () => {
  const found = problems({ NODE_ENV: 'production' });
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(/^PUBLIC_URL: must be set when NODE_ENV=production: /);
  expect(found[0]).toContain('set DOMAIN in .env');
  // An empty PUBLIC_URL (as .env.example has it) counts as unset.
  expect(problems({ NODE_ENV: 'production', PUBLIC_URL: '' })).toEqual(found);
  expect(loadConfig({ ...minimal, NODE_ENV: 'production', PUBLIC_URL: 'https://hq.example.org' }).PUBLIC_URL).toBe('https://hq.example.org');
  // Development and tests keep links to where the server listens.
  expect(loadConfig({ ...minimal, NODE_ENV: 'development' }).PUBLIC_URL).toBeUndefined();
  expect(loadConfig({ ...minimal, NODE_ENV: 'test' }).PUBLIC_URL).toBeUndefined();
});
