import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connectDatabase, type Database } from '../src/db/database.js';

/** The database the benchmark runs on: a real MongoDB (MONGODB_URI) or the embedded server in a child process. */
export interface BenchDatabase {
  kind: 'embedded' | 'mongodb';
  uri: string;
  /** The bench's own connection, for loading data, reading sizes and clearing between runs. */
  db: Database;
  /** CPU seconds the database process has used so far (embedded only: a real server is elsewhere). */
  serverCpuSeconds(): number | undefined;
  /** Empties the collections a run fills, so the next run starts from the same state. */
  clear(): Promise<void>;
  stop(): Promise<void>;
}

const FILLED = ['requests', 'outbox', 'processed_updates', 'conversations', 'chat_pacing', 'district_chats'];

export async function startBenchDatabase(): Promise<BenchDatabase> {
  let child: ChildProcess | undefined;
  let uri: string;
  const external = process.env.MONGODB_URI;
  if (external) {
    // A database of its own, dropped at the end: the bench never touches the data already there.
    const base = new URL(external);
    base.pathname = `/bench-${randomUUID().slice(0, 8)}`;
    uri = base.toString();
  } else {
    ({ child, uri } = await spawnEmbedded());
  }
  const db = await connectDatabase(uri);
  const pid = child?.pid;
  return {
    kind: external ? 'mongodb' : 'embedded',
    uri,
    db,
    serverCpuSeconds: () => (pid ? processCpuSeconds(pid) : undefined),
    async clear() {
      await Promise.all(FILLED.map((name) => db.connection.collection(name).deleteMany({})));
    },
    async stop() {
      if (external) await db.connection.dropDatabase();
      await db.close();
      if (child) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

async function spawnEmbedded(): Promise<{ child: ChildProcess; uri: string }> {
  const script = fileURLToPath(new URL('./embedded-mongo-process.ts', import.meta.url));
  // Enough heap for 100 000 stored requests with their indexes' worth of full scans.
  const child = spawn(process.execPath, ['--max-old-space-size=4096', '--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const uri = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the embedded MongoDB process exited (${code}) before it started`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { uri: string }).uri));
  });
  return { child, uri };
}

/** utime + stime of a process from /proc, in seconds; undefined where /proc is not there. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    // USER_HZ, the unit of these fields, is 100 on Linux.
    return ticks / 100;
  } catch {
    return undefined;
  }
}
