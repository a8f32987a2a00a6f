/**
 * The work of a demo flow written by hand on better-sqlite3 (the flows ceiling): opening a flow
 * with a link token, choosing the demo provider, its credentials, its TOTP code. The same reads,
 * checks, sealing and writes Keyway makes per step, as prepared statements and no framework.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type SQLite from 'better-sqlite3';
import * as OTPAuth from 'otpauth';
import { Sealer } from '../src/server/security/sealer.js';
import type { FlowTable, LinkTable } from '../src/server/store/schema.js';
import type { CeilingRoute } from './ceiling-work.js';

const DEMO_TOTP_SECRET = 'KEYWAYDEMOTOTPSECRETKEYWAYDEMO22';
const FLOW_TTL_MS = 30 * 60 * 1000;
const MFA_ATTEMPTS = 3;
const FLOW_COLUMNS = ['id', 'tenant_id', 'link_id', 'token_hash', 'status', 'sealed_step', 'sealed_state', 'provider', 'account_id', 'version', 'mfa_attempts', 'expires_at', 'created_at', 'updated_at'] as const;

type Step = { kind: string; id: string } & Record<string, unknown>;
type Answer = { status: number; body: unknown };

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const newStepId = () => randomBytes(12).toString('base64url');
const refusal = (status: number, code: string): Answer => ({ status, body: { error: { code, message: code } } });
const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function flowRoutes(database: SQLite.Database): Record<string, CeilingRoute> {
  const sealer = new Sealer(randomBytes(32));
  const totp = new OTPAuth.TOTP({ digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(DEMO_TOTP_SECRET) });
  const linkByToken = database.prepare<[string], LinkTable>('SELECT * FROM links WHERE token_hash = ?');
  const linkById = database.prepare<[string], LinkTable>('SELECT * FROM links WHERE id = ?');
  const claimLink = database.prepare('UPDATE links SET used_at = ? WHERE id = ? AND used_at IS NULL');
  const insertFlow = database.prepare(`INSERT INTO flows (${FLOW_COLUMNS.join(', ')}) VALUES (${FLOW_COLUMNS.map(() => '?').join(', ')})`);
  const flowByToken = database.prepare<[string], FlowTable>('SELECT * FROM flows WHERE token_hash = ?');
  const updateFlow = database.prepare('UPDATE flows SET sealed_step = ?, sealed_state = ?, status = ?, provider = ?, account_id = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?');
  const spendAttempt = database.prepare('UPDATE flows SET mfa_attempts = mfa_attempts + 1 WHERE id = ? AND mfa_attempts < ?');
  const insertAccount = database.prepare(
    "INSERT INTO accounts (id, tenant_id, provider, name, status, external_id, sealed_secrets, notify_url, renew_at, renew_lease_until, created_at, updated_at) VALUES (?, ?, 'DEMO', ?, 'OK', ?, ?, ?, NULL, NULL, ?, ?)",
  );

  const view = (flow: Pick<FlowTable, 'id' | 'status' | 'expires_at'>, link: LinkTable, step: Step) => ({
    id: flow.id, type: link.type, status: flow.status, expiresAt: new Date(flow.expires_at).toISOString(), brand: { name: 'Keyway' }, step,
  });

  const open = (body: Record<string, unknown>): Answer => {
    const link = typeof body['link'] === 'string' ? linkByToken.get(sha256(body['link'])) : undefined;
    const now = Date.now();
    if (!link) return refusal(404, 'link_not_found');
    if (link.used_at !== null) return refusal(409, 'link_used');
    if (now >= link.expires_at) return refusal(410, 'link_expired');
    const token = randomBytes(32).toString('base64url');
    const step: Step = { kind: 'providers', id: newStepId(), providers: [{ id: 'DEMO', name: 'Demo provider', method: 'credentials', demo: true }] };
    const flow: FlowTable = {
      id: randomUUID(), tenant_id: link.tenant_id, link_id: link.id, token_hash: sha256(token), status: 'active', sealed_step: sealer.sealJson(step), sealed_state: sealer.sealJson({ adapter: {} }),
      provider: null, account_id: null, version: 1, mfa_attempts: 0, expires_at: now + FLOW_TTL_MS, created_at: now, updated_at: now,
    };
    const claimed = database.transaction(() => {
      if (claimLink.run(now, link.id).changes !== 1) return false;
      insertFlow.run(...FLOW_COLUMNS.map((column) => flow[column]));
      return true;
    })();
    if (!claimed) return refusal(409, 'link_used');
    return { status: 201, body: { token, flow: view(flow, link, step) } };
  };

  /** The next step for an answer to the current one, or a refusal; `account` when the flow ends connected. */
  function next(flow: FlowTable, step: Step, body: Record<string, unknown>): { step: Step; status?: 'succeeded'; provider?: string; account?: string } | Answer {
    const fields = ['username', 'password'].map((name) => ({ name, type: name === 'password' ? 'password' : 'text', required: true, maxLength: 128 }));
    switch (step.kind) {
      case 'providers':
        if (body['provider'] !== 'DEMO') return refusal(422, 'unknown_provider');
        return { step: { kind: 'credentials', id: newStepId(), provider: 'DEMO', fields }, provider: 'DEMO' };
      case 'credentials': {
        const values = (body['values'] ?? {}) as Record<string, unknown>;
        if (!sameText(String(values['username'] ?? ''), 'demo') || !sameText(String(values['password'] ?? ''), 'demo')) {
          return { step: { ...step, id: newStepId(), errors: { password: 'wrong' } } };
        }
        return { step: { kind: 'mfa', id: newStepId(), provider: 'DEMO', method: 'totp', length: 6, canResend: false, attemptsLeft: MFA_ATTEMPTS } };
      }
      case 'mfa': {
        if (spendAttempt.run(flow.id, MFA_ATTEMPTS).changes !== 1) return refusal(429, 'mfa_locked');
        if (totp.validate({ token: String(body['code'] ?? ''), window: 1 }) === null) return { step: { ...step, id: newStepId() } };
        const account = randomUUID();
        return { step: { kind: 'success', id: newStepId(), provider: 'DEMO', accountId: account }, status: 'succeeded', account };
      }
      default:
        return refusal(422, 'input_mismatch');
    }
  }

  const answerStep = (request: IncomingMessage, body: Record<string, unknown>): Answer => {
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const flow = bearer ? flowByToken.get(sha256(bearer)) : undefined;
    if (!flow) return refusal(401, 'invalid_token');
    const link = linkById.get(flow.link_id) as LinkTable;
    if (flow.status !== 'active') return refusal(409, 'flow_finished');
    const step = sealer.openJson<Step>(flow.sealed_step);
    const state = sealer.openJson<Record<string, unknown>>(flow.sealed_state);
    if (body['stepId'] !== step.id) return refusal(409, 'step_mismatch');
    const outcome = next(flow, step, body);
    if ('body' in outcome) return outcome;
    const now = Date.now();
    const changed = { ...flow, status: outcome.status ?? flow.status, provider: outcome.provider ?? flow.provider, account_id: outcome.account ?? flow.account_id };
    const committed = database.transaction(() => {
      const updated = updateFlow.run(sealer.sealJson(outcome.step), sealer.sealJson(state), changed.status, changed.provider, changed.account_id, flow.version + 1, now, flow.id, flow.version);
      if (updated.changes !== 1) return false;
      if (outcome.account) insertAccount.run(outcome.account, flow.tenant_id, link.name, 'demo:demo', sealer.sealJson({ username: 'demo' }), link.notify_url, now, now);
      return true;
    })();
    if (!committed) return refusal(409, 'step_mismatch');
    return { status: 200, body: view(changed, link, outcome.step) };
  };

  return { '/api/v1/flows': (_request, body) => open(body), '/api/v1/flows/current/steps': answerStep };
}
