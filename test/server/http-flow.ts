import { totpCode } from './harness.js';

type FlowAnswer = { token: string; flow: { step: { id: string } }; step: { id: string; accountId?: string }; status: string };

async function post(baseUrl: string, path: string, body: unknown, token?: string): Promise<FlowAnswer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as FlowAnswer;
}

/** Walks a link through the demo provider (credentials, then TOTP) over real HTTP, as the wizard does; returns the last answer. */
export async function connectDemoOverHttp(baseUrl: string, linkUrl: string): Promise<FlowAnswer> {
  const opened = await post(baseUrl, '/api/v1/flows', { link: linkUrl.split('/connect/')[1] });
  const credentials = await post(baseUrl, '/api/v1/flows/current/steps', { kind: 'providers', stepId: opened.flow.step.id, provider: 'DEMO' }, opened.token);
  const mfa = await post(baseUrl, '/api/v1/flows/current/steps', { kind: 'credentials', stepId: credentials.step.id, values: { username: 'demo', password: 'demo' } }, opened.token);
  return post(baseUrl, '/api/v1/flows/current/steps', { kind: 'mfa', stepId: mfa.step.id, code: totpCode(Date.now()) }, opened.token);
}
