/**
 * autocannon loads run in a worker thread of the bench process, one job at a time, each request
 * with its own body when the job has them (single-use tokens must never be sent twice).
 */
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { startUntil, stop } from './processes.js';

/** Every load runs at this many connections, the figure the issues name. */
export const CONNECTIONS = 64;

export interface LoadJob {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  seconds: number;
  /** One body per request, each sent once; the run ends early if they run out. */
  bodies?: string[];
}

export interface Load {
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
  seconds: number;
  statuses: Record<string, number>;
  /** Bodies taken, when the job had some: one per request sent. */
  sent: number;
  exhausted: boolean;
}

/** What autocannon answers with `skipAggregateResult` (its documented raw form; @types/autocannon does not describe it). */
interface RawResult {
  totalCompletedRequests: number;
  samples: number;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
const aggregateResult = (autocannon as unknown as { aggregateResult(results: RawResult[], options: autocannon.Options): autocannon.Result }).aggregateResult;

async function runLoad(job: LoadJob): Promise<Load> {
  const { bodies } = job;
  let next = 0;
  const options: autocannon.Options = {
    url: job.url,
    method: job.method,
    headers: job.headers,
    connections: CONNECTIONS,
    duration: job.seconds,
    skipAggregateResult: true,
    ...(bodies
      ? {
          // Each connection's next request takes the next unused body; the cap keeps any from being sent twice.
          requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, body: bodies[next++] }) }],
          maxOverallRequests: bodies.length,
        }
      : {}),
  };
  const raw = (await autocannon(options)) as unknown as RawResult;
  const { latency } = aggregateResult([raw], options);
  return {
    // What requests.average is on the main thread: the mean of the per-second counts.
    rps: raw.totalCompletedRequests / Math.max(raw.samples, 1),
    p99: latency.p99,
    errors: raw.errors + raw.timeouts,
    non2xx: raw.non2xx,
    requests: raw.totalCompletedRequests,
    seconds: raw.duration,
    statuses: Object.fromEntries(Object.entries(raw.statusCodeStats).map(([status, { count }]) => [status, count])),
    sent: next,
    exhausted: bodies !== undefined && next >= bodies.length,
  };
}

/** The worker thread that runs the loads, one at a time, so the load's own CPU is not the measured process's (tsx is registered there too, since it loads this file). */
export class LoadWorker {
  readonly #worker = new Worker(`import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(import.meta.url)}))`, { eval: true });

  run(job: LoadJob): Promise<Load> {
    return new Promise<Load>((resolve, reject) => {
      const failed = (error: unknown) => reject(error instanceof Error ? error : new Error(`the load worker exited with ${String(error)}`));
      this.#worker.once('message', (result: Load) => {
        this.#worker.off('error', failed).off('exit', failed);
        resolve(result);
      });
      this.#worker.once('error', failed).once('exit', failed);
      this.#worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
export const describeLoad = (result: Load) => `${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms (errors ${result.errors}, non-2xx ${result.non2xx})`;
export const describeStatuses = (result: Load) =>
  Object.entries(result.statuses)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');

/** The baseline: a raw node:http hello (bench/hello-server.js, a process of its own) under the same load. */
export async function helloBaseline(loads: LoadWorker, seconds: number): Promise<Load> {
  const hello = await startUntil('node', ['bench/hello-server.js'], /^listening (\d+)/);
  try {
    return await loads.run({ url: `http://127.0.0.1:${hello.match[1]}/`, method: 'GET', headers: {}, seconds });
  } finally {
    await stop(hello.child);
  }
}

// In the worker thread this module runs the loads it is sent.
if (!isMainThread) parentPort?.on('message', (job: LoadJob) => void runLoad(job).then((result) => parentPort?.postMessage(result)));
