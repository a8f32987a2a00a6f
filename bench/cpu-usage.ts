/** CPU time of processes on this machine (Linux /proc), for saying how the cores were shared. */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** User + system CPU seconds `pid` has used so far. */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    // The process has ended (a PostgreSQL backend closing, say).
    return 0;
  }
}

/** Every running PostgreSQL process (server and backends), by its command name. */
function postgresPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    })
    .map(Number);
}

export interface Shares {
  /** Label → share of one core over the measured time. */
  byLabel: Record<string, number>;
  seconds: number;
}

/**
 * Starts measuring the CPU of the labelled processes, of PostgreSQL (all its processes) and of this
 * one; the returned function ends the measurement. Backends that start in between are counted from
 * when they are first seen at the end, so short-lived ones are missed: a lower bound for PostgreSQL.
 */
export function measureCpu(pids: Record<string, number>): () => Shares {
  const started = performance.now();
  const self = process.cpuUsage();
  const before = Object.fromEntries(Object.entries(pids).map(([label, pid]) => [label, processCpuSeconds(pid)]));
  const postgresBefore = new Map(postgresPids().map((pid) => [pid, processCpuSeconds(pid)]));
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const byLabel: Record<string, number> = {};
    for (const [label, pid] of Object.entries(pids)) byLabel[label] = (processCpuSeconds(pid) - (before[label] ?? 0)) / seconds;
    let postgres = 0;
    for (const pid of postgresPids()) postgres += processCpuSeconds(pid) - (postgresBefore.get(pid) ?? processCpuSeconds(pid));
    byLabel['PostgreSQL'] = postgres / seconds;
    const used = process.cpuUsage(self);
    byLabel['load generator'] = (used.user + used.system) / 1e6 / seconds;
    return { byLabel, seconds };
  };
}

export function describeShares(shares: Shares): string {
  return Object.entries(shares.byLabel).map(([label, share]) => `${label} ${(100 * share).toFixed(0)} %`).join(', ') + ' of one core';
}
