import { loadConfig, type Config } from '../config.js';
import { openStore, type Store } from '../store/database.js';

/** A command's wrong arguments: exit code 2 and what was wrong, with the usage when their shape is wrong. */
export function usageProblem(command: string, usage: string | undefined, message: string): number {
  console.error(`keyway ${command}: ${message}${usage ? `\n\n${usage}` : ''}`);
  return 2;
}

/** Runs `work` on the configured database (the same file or server `keyway start` uses), closing it after. */
export async function withStore<T>(work: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const { config, warnings } = loadConfig(process.env);
  for (const warning of warnings) console.warn(`[keyway] warning: ${warning.message}`);
  const store = await openStore({ url: config.databaseUrl });
  try {
    return await work(store, config);
  } finally {
    await store.close();
  }
}

export const isoOrDash = (at: number | null): string => (at === null ? '-' : new Date(at).toISOString());

/** Rows as aligned columns, for a terminal. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
}
