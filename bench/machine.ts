import { cpus, platform, release, totalmem } from 'node:os';
import type { BenchDatabase } from './database.js';

export interface Machine {
  os: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  mongodb: string;
  /** 1-minute load average when the bench started: above 0 means something else was running too. */
  loadAtStart: number;
}

/** The machine and the database server every figure of a run was measured on. */
export async function describeMachine(database: BenchDatabase, loadAtStart: number): Promise<Machine> {
  const cpu = cpus();
  let server = 'unknown version';
  try {
    const info = (await database.db.connection.db!.admin().command({ buildInfo: 1 })) as { version?: string };
    server = info.version ?? server;
  } catch {
    // Not every server answers buildInfo; the kind is what matters.
  }
  return {
    os: `${platform()} ${release()}`,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    mongodb:
      database.kind === 'embedded'
        ? `embedded (@push.rocks/smartmongo CongoDB, reports ${server}; in a child process; full scans, no explain)`
        : `MONGODB_URI (MongoDB ${server})`,
    loadAtStart,
  };
}
