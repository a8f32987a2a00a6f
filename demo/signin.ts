import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { decodeJwt, decodeProtectedHeader, errors } from 'jose';
import * as z from 'zod/mini';
import type { AppEnv, Services } from '../src/server/context.js';
import { parseWith } from '../src/server/validate.js';
import { AcmeClient, keywayError, KeywayRefusal, SCOPE, type CallKeyway } from './signin-keyway.js';
import { DemoSessions, randomToken, rememberPending, takePending, type DemoSession, type SignInMethod } from './signin-session.js';

const Person = z.strictObject({
  email: z.optional(z.string().check(z.trim(), z.maxLength(254))),
  first_name: z.optional(z.string().check(z.trim(), z.maxLength(100))),
  last_name: z.optional(z.string().check(z.trim(), z.maxLength(100))),
});
const DEMO_EMAIL = 'jo@example.com';

/** Names for an address typed without them: "sam.lee@…" becomes Sam Lee, so the signed-in panel has a name to show. */
function personOf(asked: z.infer<typeof Person>): { email: string; first_name: string; last_name: string } {
  const email = asked.email || DEMO_EMAIL;
  const [first, last] = (email.split('@')[0] ?? '').split(/[._+-]+/).filter(Boolean);
  const capitalised = (word: string | undefined) => (word ? word.charAt(0).toUpperCase() + word.slice(1) : undefined);
  return { email, first_name: asked.first_name || capitalised(first) || 'Jo', last_name: asked.last_name || capitalised(last) || 'Example' };
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JOSEError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

export interface DemoSignInOptions {
  services: Services;
  internalUrl: string;
  callKeyway: CallKeyway;
}

/**
 * "Sign in to Acme CRM": the demo host app signs its own users in with Keyway as its OpenID provider,
 * by login URL or by an authorization request, and keeps the tokens in its own server-side session.
 */
export function demoSignInRoutes({ services, internalUrl, callKeyway }: DemoSignInOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const issuer = services.publicUrl;
  const acme = new AcmeClient({ internalUrl, issuer, callKeyway, startedAt: services.clock() });
  const sessions = new DemoSessions(issuer.startsWith('https:'));

  /** A new state, nonce and PKCE verifier, remembered in the session until the callback uses them. */
  const begin = (session: DemoSession, method: SignInMethod) => {
    const state = randomToken();
    const nonce = randomToken();
    const codeVerifier = randomToken();
    rememberPending(session, state, { method, nonce, codeVerifier, startedAt: services.clock() });
    return { state, nonce, code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'), code_challenge_method: 'S256' };
  };

  const refused = (c: Context<AppEnv>, error: unknown) => {
    if (!(error instanceof KeywayRefusal)) throw error;
    const { status, code, message } = error.refusal;
    return c.json({ error: { code, message } }, (status >= 400 && status < 500 ? status : 502) as 400);
  };

  /** Who is signed in, as this backend sees it; the tokens themselves stay here. */
  const view = async (session: DemoSession | undefined) => {
    const signedIn = session?.signedIn;
    if (!session || !signedIn) return { signed_in: false, error: session?.error ?? null };
    const token = signedIn.accessToken;
    const [self, verification] = await Promise.all([
      acme.self(token),
      acme.verify(token, 'access').then(
        () => ({ verified: true, reason: null }),
        (error: unknown) => ({ verified: false, reason: reasonOf(error) }),
      ),
    ]);
    return {
      signed_in: true,
      method: signedIn.method,
      user: 'user' in self ? { id: self.user.id, name: self.user.display_name, email: self.user.email } : null,
      user_refused: 'refusal' in self ? self.refusal : null,
      access_token: { preview: `${token.slice(0, 16)}…`, header: decodeProtectedHeader(token), claims: decodeJwt(token), expires_at: new Date(signedIn.expiresAt).toISOString() },
      verification,
      id_token_claims: signedIn.idClaims ?? null,
      refreshes: signedIn.refreshes,
      error: session.error ?? null,
    };
  };

  /**
   * CSRF, demo-sized: a cross-site form can only send form or text content types, and a cross-site
   * fetch with JSON needs a CORS preflight this server never grants, so requiring JSON keeps other
   * sites from pressing these buttons with the visitor's cookie.
   */
  app.use('/demo/api/signin/*', async (c, next) => {
    if (c.req.method === 'POST' && !/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
      return c.json({ error: { code: 'json_required', message: 'Send the request as application/json.' } }, 415);
    }
    await next();
  });

  app.post('/demo/api/signin/login-url', async (c) => {
    const person = personOf(parseWith(Person, await c.req.json().catch(() => ({}))));
    const session = sessions.open(c);
    try {
      const client = await acme.client();
      const user = await acme.ensureUser(person);
      const response = await callKeyway('POST', `/api/v1/users/${encodeURIComponent(user.id)}/login_url`, {
        client_id: client.id,
        redirect_uri: acme.redirectUri,
        scope: SCOPE,
        ...begin(session, 'login_url'),
      });
      if (response.status !== 201) throw new KeywayRefusal(await keywayError(response));
      const { login_url, expires_at } = (await response.json()) as { login_url: string; expires_at: string };
      return c.json({ login_url, expires_at, email: user.email });
    } catch (error) {
      return refused(c, error);
    }
  });

  /** Before the email sign-in: the address becomes an Acme CRM user, since Keyway mails codes only to users it knows. */
  app.post('/demo/api/signin/signup', async (c) => {
    const person = personOf(parseWith(Person, await c.req.json().catch(() => ({}))));
    try {
      const user = await acme.ensureUser(person);
      return c.json({ email: user.email });
    } catch (error) {
      return refused(c, error);
    }
  });

  /** The OpenID Connect authorization request any client library would build: code flow, PKCE S256, state, nonce. */
  app.get('/demo/auth/start', async (c) => {
    const session = sessions.open(c);
    let clientId: string;
    try {
      clientId = (await acme.client()).id;
    } catch (error) {
      return c.text(`The demo could not register its OAuth client: ${reasonOf(error)}`, 503);
    }
    const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: acme.redirectUri, scope: SCOPE, ...begin(session, 'openid_connect') });
    return c.redirect(`${issuer}/oauth2/authorize?${query}`, 302);
  });

  app.get('/demo/auth/callback', async (c) => {
    const session = sessions.find(c);
    if (!session) return c.text('This browser has no demo session (cookies blocked, or the demo restarted). Start again from /demo/.', 400);
    const query = c.req.query();
    const pending = takePending(session, query['state'], services.clock());
    try {
      if (!pending) throw new Error('The state matches no sign-in this session started (or it came back once already), so the callback was refused.');
      // RFC 9207: the answer must come from the issuer the request went to.
      if (query['iss'] !== issuer) throw new Error(`The iss parameter (${query['iss'] ?? 'missing'}) is not Keyway's issuer, so the callback was refused.`);
      if (query['error']) throw new Error(`Keyway answered ${query['error']}: ${query['error_description'] ?? ''}`);
      if (!query['code']) throw new Error('The callback carries no code.');
      const answer = await acme.token({ grant_type: 'authorization_code', code: query['code'], redirect_uri: acme.redirectUri, code_verifier: pending.codeVerifier });
      const idClaims = answer.id_token ? await acme.verify(answer.id_token, 'id') : undefined;
      if (idClaims && idClaims['nonce'] !== pending.nonce) {
        await (answer.refresh_token ? acme.revoke(answer.refresh_token) : acme.revoke(answer.access_token, 'access_token')).catch(() => undefined);
        throw new Error('The ID token’s nonce is not the one this sign-in sent, so its tokens were revoked.');
      }
      // A new sign-in replaces the session's earlier one, which ends at Keyway too.
      const earlier = session.signedIn?.refreshToken;
      if (earlier) await acme.revoke(earlier).catch(() => undefined);
      session.signedIn = { method: pending.method, accessToken: answer.access_token, refreshToken: answer.refresh_token, idClaims, expiresAt: services.clock() + answer.expires_in * 1000, refreshes: 0 };
      delete session.error;
    } catch (error) {
      session.error = reasonOf(error);
    }
    return c.redirect('/demo/#signin', 303);
  });

  app.get('/demo/api/signin/session', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await view(sessions.find(c)));
  });

  app.post('/demo/api/signin/refresh', async (c) => {
    c.header('Cache-Control', 'no-store');
    const session = sessions.find(c);
    const signedIn = session?.signedIn;
    if (!session || !signedIn?.refreshToken) return c.json({ error: { code: 'not_signed_in', message: 'Nobody is signed in here.' } }, 409);
    try {
      const answer = await acme.token({ grant_type: 'refresh_token', refresh_token: signedIn.refreshToken });
      session.signedIn = {
        ...signedIn,
        accessToken: answer.access_token,
        refreshToken: answer.refresh_token ?? signedIn.refreshToken,
        idClaims: answer.id_token ? await acme.verify(answer.id_token, 'id') : signedIn.idClaims,
        expiresAt: services.clock() + answer.expires_in * 1000,
        refreshes: signedIn.refreshes + 1,
      };
      delete session.error;
    } catch (error) {
      // A refused refresh (session revoked, token reused, user deactivated) ends the host's session too.
      if (error instanceof KeywayRefusal && error.refusal.code === 'invalid_grant') delete session.signedIn;
      session.error = `Refresh refused: ${reasonOf(error)}`;
    }
    return c.json(await view(session));
  });

  app.post('/demo/api/signin/logout', async (c) => {
    c.header('Cache-Control', 'no-store');
    const session = sessions.find(c);
    const signedIn = session?.signedIn;
    if (session && signedIn) {
      delete session.signedIn;
      try {
        await (signedIn.refreshToken ? acme.revoke(signedIn.refreshToken) : acme.revoke(signedIn.accessToken, 'access_token'));
        delete session.error;
      } catch (error) {
        session.error = `Keyway did not confirm the revocation: ${reasonOf(error)}`;
      }
    }
    return c.json(await view(session));
  });

  return app;
}
