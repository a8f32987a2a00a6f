/**
 * A CPU profile of link creation under load: Keyway (demo, SQLite, rate limits off) runs with
 * `node --cpu-prof` while autocannon posts links at 64 connections; the profile's top entries are printed.
 * Usage: node --import tsx bench/profile-links.ts [seconds]
 */
import { rmSync } from 'node:fs';
import { CONNECTIONS, describeLoad, loadLinks } from './link-load.js';
import { freshDataDir } from './processes.js';
import { profiledKeyway } from './profiling.js';

const seconds = Number(process.argv[2] ?? 10);
const dataDir = freshDataDir();
const profiled = await profiledKeyway({ KEYWAY_DATA_DIR: dataDir, KEYWAY_RATE_LIMITS: 'off' }, (keyway) => loadLinks(keyway.url, keyway.apiKey, seconds));
rmSync(dataDir, { recursive: true, force: true });
console.log(`link creation under --cpu-prof, ${CONNECTIONS} connections, ${seconds} s: ${describeLoad(profiled.result)}; profile's top entries (shares of non-idle samples, start-up included):`);
console.log(profiled.summary);
