import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

it("reads .env the way `npm start` does, the environment's own variables winning", async () => {
  // Node's options of the start script itself, so a change to it that drops .env fails here.
  const start: string = JSON.parse(await readFile('package.json', 'utf8')).scripts.start;
  const [command, ...args] = start.split(/\s+/);
  expect(command).toBe('node');
  expect(args.at(-1)).toBe('src/main.ts');
  const options = args.slice(0, -1);
  // A directory of its own with a .env, as a newcomer has after «Copy to .env».
  const dir = await mkdtemp(join(tmpdir(), 'dotenv-'));
  try {
    await symlink(resolve('node_modules'), join(dir, 'node_modules'));
    await writeFile(join(dir, '.env'), 'BOT_TOKEN=123:abc\nNODE_ENV=production\nPUBLIC_URL=https://help.example.org\nDISTRICTS=Ленинский;Советский\n');
    const checkIn = async (env: Record<string, string>) =>
      run(process.execPath, [...options, resolve('src/config-check-cli.ts')], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } }).then(
        ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    // Read from .env: its DISTRICTS is refused by name.
    const fromFile = await checkIn({});
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toContain('DISTRICTS');
    // The environment wins over the file; the rest still comes from the file.
    const overridden = await checkIn({ DISTRICTS: 'Ленинский,Советский' });
    expect(overridden.stderr).toBe('');
    expect(overridden.stdout).toContain('Configuration is valid.');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
