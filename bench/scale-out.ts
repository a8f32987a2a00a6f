/**
 * Scale-out: link creation (autocannon, 64 connections) and demo flows (64 users) against one Keyway
 * instance on PostgreSQL, then against two instances on one database with the load split evenly,
 * each on a fresh database; the ratio of the two. Loopback only, every load bounded in time.
 * Both cores are shared by the instances, PostgreSQL and the load generator unless BENCH_PIN=1,
 * which pins instance N to core N (taskset) and leaves the rest to the scheduler.
 * Usage: node --import tsx bench/scale-out.ts [seconds]
 */
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { describeShares, measureCpu, type Shares } from './cpu-usage.js';
import { runFlowUsers } from './flow-users.js';
import { CONNECTIONS, loadLinks } from './link-load.js';
import { benchPostgresUrl, freshDatabase } from './postgres.js';
import { startKeywayCluster, stop } from './processes.js';

const SECONDS = Number(process.argv[2] ?? process.env['BENCH_SECONDS'] ?? 8);
const PIN = process.env['BENCH_PIN'] === '1';
const MAX_FLOWS = 50_000;
const WARMUP_SECONDS = 1;

interface Throughput {
  links: number;
  flows: number;
  linkErrors: number;
  flowFailures: number;
  /** How the cores were spent while the links, then the flows, were measured. */
  linkCpu: Shares;
  flowCpu: Shares;
}

/** Link and flow throughput of `count` instances on a fresh database, the load split evenly between them. */
async function throughput(server: string, count: number): Promise<Throughput> {
  const database = await freshDatabase(server);
  const cluster = await startKeywayCluster(database.url, count, { KEYWAY_RATE_LIMITS: 'off' }, PIN ? (index) => ['taskset', '-c', String(index % cpus().length), 'node'] : undefined);
  try {
    const pids = Object.fromEntries(cluster.instances.map((instance, index) => [`instance ${index + 1}`, instance.child.pid as number]));
    const linkLoads = (seconds: number) => Promise.all(cluster.instances.map((instance) => loadLinks(instance.url, cluster.apiKey, seconds, CONNECTIONS / count)));
    await linkLoads(WARMUP_SECONDS);
    const linkCpuEnd = measureCpu(pids);
    const links = await linkLoads(SECONDS);
    const linkCpu = linkCpuEnd();
    const flowUsers = (seconds: number) => Promise.all(cluster.instances.map((instance) =>
      runFlowUsers({ base: instance.url, apiKey: cluster.apiKey, users: CONNECTIONS / count, seconds, maxFlows: MAX_FLOWS / count }),
    ));
    await flowUsers(WARMUP_SECONDS);
    const flowCpuEnd = measureCpu(pids);
    const flows = await flowUsers(SECONDS);
    const flowCpu = flowCpuEnd();
    return {
      links: links.reduce((sum, load) => sum + load.rps, 0),
      flows: flows.reduce((sum, result) => sum + result.flowsPerSecond, 0),
      linkErrors: links.reduce((sum, load) => sum + load.errors + load.non2xx, 0),
      flowFailures: flows.reduce((sum, result) => sum + result.failed, 0),
      linkCpu,
      flowCpu,
    };
  } finally {
    await Promise.all(cluster.instances.map((instance) => stop(instance.child)));
    rmSync(cluster.dataDir, { recursive: true, force: true });
    await database.drop();
  }
}

const server = await benchPostgresUrl();
if (!server) {
  console.log('scale-out on PostgreSQL: skipped (set KEYWAY_BENCH_DATABASE_URL, or run one on 127.0.0.1:5432)');
} else {
  const one = await throughput(server, 1);
  const two = await throughput(server, 2);
  const sharing = PIN
    ? `instance 1 pinned to core 0 and instance 2 to core 1 (taskset); PostgreSQL and the load generator (this process) on both, unpinned`
    : `no pinning: the instances, PostgreSQL and the load generator (this process) share both of the machine's ${cpus().length} cores`;
  const errors = (run: Throughput) => (run.linkErrors || run.flowFailures ? ` (${run.linkErrors} link errors or non-2xx, ${run.flowFailures} failed flows)` : '');
  console.log(`scale-out on PostgreSQL, ${CONNECTIONS} connections / users split evenly, ${SECONDS} s each: ` +
    `links: one instance ${one.links.toFixed(0)} req/s${errors(one)}, two instances ${two.links.toFixed(0)} req/s${errors(two)}, ${(two.links / one.links).toFixed(2)}× (goal ≥ 1.7×); ` +
    `flows: one ${one.flows.toFixed(0)} flows/s, two ${two.flows.toFixed(0)} flows/s, ${(two.flows / one.flows).toFixed(2)}×`);
  console.log(`  cores: ${sharing}`);
  console.log(`  CPU during links: one instance: ${describeShares(one.linkCpu)}; two: ${describeShares(two.linkCpu)}`);
  console.log(`  CPU during flows: one instance: ${describeShares(one.flowCpu)}; two: ${describeShares(two.flowCpu)}`);
}
