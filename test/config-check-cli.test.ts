import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// The check docker-compose.yml runs before the bot: its exit status is what stops `docker compose up`.

const run = promisify(execFile);

/** Runs the check with exactly `env` (and PATH), never the test process's own environment. */
async function check(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/config-check-cli.ts'], { env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

it('passes a usable production configuration', async () => {
  const result = await check({ BOT_TOKEN: '123:abc', NODE_ENV: 'production', PUBLIC_URL: 'https://help.example.org' });
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('Configuration is valid.');
});

it('fails a production configuration without PUBLIC_URL, naming it', async () => {
  const result = await check({ BOT_TOKEN: '123:abc', NODE_ENV: 'production' });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('Invalid configuration:');
  expect(result.stderr).toContain('PUBLIC_URL: must be set when NODE_ENV=production');
});
