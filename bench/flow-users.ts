/**
 * Simulated users walking whole demo flows, as a host backend and the wizard do: a link from the
 * link API, the flow opened with it, the demo provider chosen, its credentials and a TOTP code.
 * Each user starts its next flow as soon as one ends; the run stops after `seconds` or `maxFlows`.
 */
import { Agent, request } from 'node:http';
import * as OTPAuth from 'otpauth';
import { percentile } from './stats.js';

/** The demo provider's public secret (src/server/providers/demo.ts), its codes computed here as an authenticator app would. */
const DEMO_TOTP_SECRET = 'KEYWAYDEMOTOTPSECRETKEYWAYDEMO22';
export const FLOW_STEPS = ['link', 'open', 'provider', 'credentials', 'totp'] as const;
export type FlowStep = (typeof FLOW_STEPS)[number];

export interface FlowUsersOptions {
  base: string;
  apiKey: string;
  users: number;
  seconds: number;
  maxFlows: number;
  /** Flows walked first for this long, on the same connections, and not counted: the JIT's and the connections' warm-up. */
  warmupSeconds?: number;
}

export interface FlowUsersResult {
  completed: number;
  failed: number;
  seconds: number;
  flowsPerSecond: number;
  /** Milliseconds per step answer: p50 and p99. */
  steps: Record<FlowStep, { p50: number; p99: number }>;
  firstError?: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const totp = new OTPAuth.TOTP({ digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(DEMO_TOTP_SECRET) });

export async function runFlowUsers(options: FlowUsersOptions): Promise<FlowUsersResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.users });
  const base = new URL(options.base);
  const timings = Object.fromEntries(FLOW_STEPS.map((step) => [step, [] as number[]])) as Record<FlowStep, number[]>;
  let completed = 0;
  let failed = 0;
  let started = 0;
  let firstError: string | undefined;
  const measuredFrom = performance.now() + (options.warmupSeconds ?? 0) * 1000;
  const deadline = measuredFrom + options.seconds * 1000;

  function post(path: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
    const text = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const sent = request(
        { host: base.hostname, port: base.port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown> }));
          response.on('error', reject);
        },
      );
      sent.on('error', reject);
      sent.end(text);
    });
  }

  async function timed(step: FlowStep, path: string, body: unknown, headers: Record<string, string>, expected: number): Promise<Record<string, unknown>> {
    const at = performance.now();
    const answer = await post(path, body, headers);
    if (at >= measuredFrom) timings[step].push(performance.now() - at);
    if (answer.status !== expected) throw new Error(`${step} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`);
    return answer.body;
  }

  const stepId = (answer: Record<string, unknown>) => ((answer['flow'] ?? answer) as { step: { id: string } }).step.id;

  async function oneFlow(): Promise<void> {
    const link = await timed('link', '/api/v1/hosted/accounts/link', {
      type: 'create', providers: '*', api_url: options.base, expiresOn: new Date(Date.now() + 60 * 60 * 1000).toISOString(), success_redirect_url: 'https://app.example.com/ok',
    }, { 'x-api-key': options.apiKey }, 201);
    const opened = await timed('open', '/api/v1/flows', { link: String(link['url']).split('/connect/')[1] }, {}, 201);
    const auth = { authorization: `Bearer ${String(opened['token'])}` };
    const credentials = await timed('provider', '/api/v1/flows/current/steps', { kind: 'providers', stepId: stepId(opened), provider: 'DEMO' }, auth, 200);
    const mfa = await timed('credentials', '/api/v1/flows/current/steps', { kind: 'credentials', stepId: stepId(credentials), values: { username: 'demo', password: 'demo' } }, auth, 200);
    const done = await timed('totp', '/api/v1/flows/current/steps', { kind: 'mfa', stepId: stepId(mfa), code: totp.generate() }, auth, 200);
    if ((done as { status?: string }).status !== 'succeeded') throw new Error(`the flow ended ${String((done as { status?: string }).status)}`);
  }

  async function user(): Promise<void> {
    while (performance.now() < deadline && started < options.maxFlows) {
      const counted = performance.now() >= measuredFrom;
      if (counted) started += 1;
      try {
        await oneFlow();
        if (counted) completed += 1;
      } catch (error) {
        if (counted) failed += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  }

  await Promise.all(Array.from({ length: options.users }, user));
  const seconds = (performance.now() - measuredFrom) / 1000;
  agent.destroy();
  const steps = Object.fromEntries(FLOW_STEPS.map((step) => [step, { p50: percentile(timings[step], 0.5), p99: percentile(timings[step], 0.99) }])) as FlowUsersResult['steps'];
  return { completed, failed, seconds, flowsPerSecond: completed / seconds, steps, ...(firstError ? { firstError } : {}) };
}

export function describeSteps(result: FlowUsersResult): string {
  return FLOW_STEPS.map((step) => `${step} p99 ${result.steps[step].p99.toFixed(0)} ms`).join(', ');
}
