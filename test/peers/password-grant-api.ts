import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as OTPAuth from 'otpauth';

/**
 * A small API written to the seed-001 document: `POST /oauth2/token` (password and refresh_token
 * grants), Bearer tokens, and TOTP MFA where tokens of a user with MFA answer 401 "MFA required"
 * until `POST /users/self/mfa/validate` accepts a code.
 */
export interface PasswordGrantPeer {
  url: string;
  clientId: string;
  clientSecret: string;
  users: { plain: { email: string; password: string }; withMfa: { email: string; password: string; totp: OTPAuth.TOTP } };
  /** Codes the validate endpoint received, to check the adapter sent what the user typed. */
  validations: string[];
  /** Forgets every refresh token, as when a user revokes the app's access. */
  revokeRefreshTokens(): void;
  close(): Promise<void>;
}

interface User {
  id: string;
  email: string;
  password: string;
  totp?: OTPAuth.TOTP;
}

interface Session {
  userId: string;
  mfaValidated: boolean;
}

function send(response: ServerResponse, status: number, body?: unknown): void {
  response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' }).end(body === undefined ? undefined : JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

export async function startPasswordGrantPeer(): Promise<PasswordGrantPeer> {
  const clientId = randomUUID();
  const clientSecret = 'peer-secret';
  const totp = new OTPAuth.TOTP({ issuer: 'Peer', label: 'mfa@example.test', digits: 6, period: 30, secret: new OTPAuth.Secret({ size: 20 }) });
  const users: User[] = [
    { id: randomUUID(), email: 'plain@example.test', password: 'aaaaaa' },
    { id: randomUUID(), email: 'mfa@example.test', password: 'bbbbbb', totp },
  ];
  const accessTokens = new Map<string, Session>();
  const refreshTokens = new Map<string, Session>();
  const validations: string[] = [];

  function issue(session: Session) {
    const access = Buffer.from(randomUUID()).toString('base64');
    const refresh = Buffer.from(randomUUID()).toString('base64');
    accessTokens.set(access, session);
    refreshTokens.set(refresh, session);
    const user = users.find((candidate) => candidate.id === session.userId);
    return { access_token: access, refresh_token: refresh, expires_in: 2678400, code: 'OK', token_type: 'Bearer', data: { type: 'user', id: user?.id, email: user?.email, mfa_enabled: Boolean(user?.totp) } };
  }

  function session(request: IncomingMessage): Session | undefined {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    return token ? accessTokens.get(token) : undefined;
  }

  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://peer').pathname;
    if (request.method === 'POST' && path === '/oauth2/token') {
      const body = await readJson(request);
      if (body['client_id'] !== clientId || body['client_secret'] !== clientSecret) return send(response, 401, { code: 'Unauthorized', message: 'Invalid client' });
      if (body['grant_type'] === 'password') {
        const user = users.find((candidate) => candidate.email === body['username'] && candidate.password === body['password']);
        if (!user) return send(response, 401, { code: 'Unauthorized', message: 'Invalid credentials' });
        return send(response, 200, issue({ userId: user.id, mfaValidated: !user.totp }));
      }
      if (body['grant_type'] === 'refresh_token') {
        const previous = refreshTokens.get(body['refresh_token'] ?? '');
        if (!previous) return send(response, 401, { code: 'Unauthorized', message: 'Invalid refresh token' });
        refreshTokens.delete(body['refresh_token'] ?? '');
        return send(response, 200, issue({ ...previous }));
      }
      return send(response, 400, { code: 'BadRequest', message: 'Unsupported grant_type' });
    }
    const current = session(request);
    if (!current) return send(response, 401, { code: 'Unauthorized', message: 'Invalid access token' });
    const user = users.find((candidate) => candidate.id === current.userId) as User;
    if (request.method === 'POST' && path === '/users/self/mfa/validate') {
      const { token = '' } = await readJson(request);
      validations.push(token);
      if (!user.totp || user.totp.validate({ token, window: 1 }) === null) return send(response, 401, { code: 'Unauthorized', message: 'Invalid MFA token' });
      current.mfaValidated = true;
      return send(response, 204);
    }
    if (!current.mfaValidated) return send(response, 401, { code: 'Unauthorized', message: 'MFA required' });
    if (request.method === 'GET' && path === '/users/self') return send(response, 200, { code: 'OK', data: { id: user.id, email: user.email } });
    return send(response, 404, { code: 'NotFound' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clientId,
    clientSecret,
    users: { plain: { email: 'plain@example.test', password: 'aaaaaa' }, withMfa: { email: 'mfa@example.test', password: 'bbbbbb', totp } },
    validations,
    revokeRefreshTokens: () => refreshTokens.clear(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
