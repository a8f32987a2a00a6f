/** Link creation under load with autocannon: the request every link bench sends, and its figures. */
import autocannon from 'autocannon';

export const CONNECTIONS = 64;

export interface Load {
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export function linkBody(url: string): string {
  return JSON.stringify({
    type: 'create',
    providers: '*',
    api_url: url,
    expiresOn: new Date(Date.now() + 60 * 60 * 1000).toISOString(),
    success_redirect_url: 'https://app.example.com/ok',
    failure_redirect_url: 'https://app.example.com/ko',
    notify_url: 'https://app.example.com/hooks',
    name: 'bench-user',
  });
}

/** Posts links to `url` with `apiKey` for `seconds` at `connections`. */
export async function loadLinks(url: string, apiKey: string, seconds: number, connections = CONNECTIONS): Promise<Load> {
  const base = url.replace('localhost', '127.0.0.1');
  const result = await autocannon({
    url: `${base}/api/v1/hosted/accounts/link`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: linkBody(base),
  });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.timeouts, non2xx: result.non2xx };
}

export const describeLoad = (result: Load) => `${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms (errors ${result.errors}, non-2xx ${result.non2xx})`;
