import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload } from 'jose';
import * as z from 'zod/mini';
import type { AppEnv, Services } from '../src/server/context.js';
import { parseWith } from '../src/server/validate.js';
import { createApiKey, revokeApiKeys } from '../src/server/store/tenants.js';
import { DemoAuthenticator } from './signin-authenticator.js';
import { demoMfaRoutes } from './signin-mfa-routes.js';
import { AcmeClient, keywayError, KeywayRefusal, SCOPE, type CallKeyway, type TokenAnswer } from './signin-keyway.js';
import { DemoSessions, randomToken, rememberPending, takePending, takeUserToken, type DemoSession, type PendingSignIn } from './signin-session.js';

const Person = z.strictObject({
  email: z.optional(z.string().check(z.trim(), z.maxLength(254))),
  first_name: z.optional(z.string().check(z.trim(), z.maxLength(100))),
  last_name: z.optional(z.string().check(z.trim(), z.maxLength(100))),
});
/** A user-token sign-in, with the tenant's onboarding run in the wizard first when asked (seed 002's `openOnboarding`). */
const UserTokenAsk = z.extend(Person, { onboarding: z.optional(z.boolean()) });
/** What the demo's onboarding asks: names, then phone and time zone, a password and MFA, the last three skippable. */
const DEMO_ONBOARDING = {
  profile: [
    { name: 'first_name', required: true },
    { name: 'last_name', required: true },
    { name: 'phone_number', required: false },
    { name: 'timezone', required: false },
  ],
  password: 'optional',
  mfa: 'optional',
};
const WithPassword = z.strictObject({ email: z.optional(z.string().check(z.trim(), z.maxLength(254))), password: z.string().check(z.maxLength(1024)) });
const DEMO_EMAIL = 'jo@example.com';
/** Acme CRM's own lasting id for its users, the same for every address in this demo (seed 002's `uid`). */
const DEMO_UID = 'acme-crm-demo-user';
const USER_TOKEN_KEY_LABEL = 'demo-user-token';
/** Where a user-token sign-in may land: a plain path under /demo/, nothing that could leave the demo. */
const DEMO_RETURN = /^\/demo\/(?:[A-Za-z0-9._~-]+\/?)*$/;

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
  tenantName: string;
  /** The demo's OAuth client and sessions, shared with its messages part. */
  acme: AcmeClient;
  sessions: DemoSessions;
}

/**
 * "Sign in to Acme CRM": the demo host app signs its own users in with Keyway as its OpenID provider,
 * by login URL, an authorization request, the password grant or a user token, and keeps the tokens
 * in its own server-side session.
 */
export function demoSignInRoutes({ services, internalUrl, callKeyway, tenantName, acme, sessions }: DemoSignInOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const issuer = services.publicUrl;
  const startedAt = services.clock();
  const authenticator = new DemoAuthenticator(services.clock);

  /**
   * The private token key (seed 002) has no API: an operator makes it with `keyway keys create`.
   * The demo makes its own once per process, as it does its API key, and retires earlier starts' keys.
   */
  let privateTokenKey: Promise<string> | undefined;
  const tokenKey = () => {
    privateTokenKey ??= (async () => {
      const { db } = services.store;
      const created = await createApiKey(db, services.sealer, { tenantName, label: USER_TOKEN_KEY_LABEL, kind: 'private_token', now: services.clock() });
      await revokeApiKeys(db, created.tenantId, USER_TOKEN_KEY_LABEL, services.clock(), { createdBefore: startedAt });
      return created.apiKey;
    })().catch((error: unknown) => {
      privateTokenKey = undefined;
      throw error;
    });
    return privateTokenKey;
  };

  /** A new state, nonce and PKCE verifier, remembered in the session until the callback uses them. */
  const begin = (session: DemoSession, method: PendingSignIn['method']) => {
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

  /** The session's new sign-in replaces its earlier one, which ends at Keyway too. */
  const signIn = async (session: DemoSession, method: NonNullable<DemoSession['signedIn']>['method'], answer: TokenAnswer, idClaims: JWTPayload | undefined) => {
    const earlier = session.signedIn?.refreshToken;
    if (earlier) await acme.revoke(earlier).catch(() => undefined);
    session.signedIn = { method, accessToken: answer.access_token, refreshToken: answer.refresh_token, idClaims, expiresAt: services.clock() + answer.expires_in * 1000, refreshes: 0 };
    delete session.error;
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
      mfa_required: 'code' in self && self.code === 'mfa_required',
      mfa_enabled: 'user' in self ? self.user.mfa_enabled : null,
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
    /*
     * A user-token sign-in is started by this backend, not by an authorization request, so it comes
     * back without a state. It is accepted only in a session whose own JSON request (which no other
     * site can send, see above) just minted a user token, once, within the pending lifetime, and only
     * when the tokens are for the user that token was minted for: a code an attacker obtained for
     * their own account is refused, so a missing state cannot be used to sign the visitor in as
     * someone else (login CSRF).
     */
    const pending = query['state'] === undefined ? takeUserToken(session, services.clock()) : takePending(session, query['state'], services.clock());
    let landing = '/demo/';
    try {
      if (!pending) {
        throw new Error(
          query['state'] === undefined
            ? 'The callback carries no state and this session started no user-token sign-in (or it came back once already), so it was refused.'
            : 'The state matches no sign-in this session started (or it came back once already), so the callback was refused.',
        );
      }
      // RFC 9207: the answer must come from the issuer the request went to.
      if (query['iss'] !== issuer) throw new Error(`The iss parameter (${query['iss'] ?? 'missing'}) is not Keyway's issuer, so the callback was refused.`);
      if (query['error']) throw new Error(`Keyway answered ${query['error']}: ${query['error_description'] ?? ''}`);
      if (!query['code']) throw new Error('The callback carries no code.');
      const verifier: Record<string, string> = 'userId' in pending ? {} : { code_verifier: pending.codeVerifier };
      const answer = await acme.token({ grant_type: 'authorization_code', code: query['code'], redirect_uri: acme.redirectUri, ...verifier });
      const idClaims = answer.id_token ? await acme.verify(answer.id_token, 'id') : undefined;
      const revokeAll = () => (answer.refresh_token ? acme.revoke(answer.refresh_token) : acme.revoke(answer.access_token, 'access_token')).catch(() => undefined);
      if ('userId' in pending) {
        if ((await acme.verify(answer.access_token, 'access')).sub !== pending.userId) {
          await revokeAll();
          throw new Error('The tokens are not for the user this session minted a user token for, so they were revoked.');
        }
        const returnTo = query['return_to'];
        if (returnTo !== undefined && DEMO_RETURN.test(returnTo)) landing = returnTo;
      } else if (idClaims && idClaims['nonce'] !== pending.nonce) {
        await revokeAll();
        throw new Error('The ID token’s nonce is not the one this sign-in sent, so its tokens were revoked.');
      }
      await signIn(session, pending.method, answer, idClaims);
      if ('userId' in pending) pending.onSignedIn?.();
    } catch (error) {
      session.error = reasonOf(error);
    }
    return c.redirect(`${landing}#signin`, 303);
  });

  /** The backend sets the user's password (seed 004's users API); a policy refusal is shown as Keyway words it. */
  app.post('/demo/api/signin/password', async (c) => {
    const { password, ...asked } = parseWith(WithPassword, await c.req.json().catch(() => ({})));
    try {
      const user = await acme.ensureUser(personOf(asked));
      const response = await callKeyway('PUT', `/api/v1/users/${encodeURIComponent(user.id)}/password`, { password });
      if (response.status !== 204) throw new KeywayRefusal(await keywayError(response));
      return c.json({ email: user.email });
    } catch (error) {
      return refused(c, error);
    }
  });

  /** Seed 001's password grant, from this backend with the client's secret: the browser never talks to /oauth2/token. */
  app.post('/demo/api/signin/password-grant', async (c) => {
    c.header('Cache-Control', 'no-store');
    const { password, ...asked } = parseWith(WithPassword, await c.req.json().catch(() => ({})));
    const session = sessions.open(c);
    try {
      const answer = await acme.token({ grant_type: 'password', username: personOf(asked).email, password, scope: SCOPE });
      await signIn(session, 'password', answer, answer.id_token ? await acme.verify(answer.id_token, 'id') : undefined);
    } catch (error) {
      return refused(c, error);
    }
    return c.json(await view(session));
  });

  /** The demo tenant's onboarding settings, saved once before the first onboarding is asked for. */
  let onboardingSaved: Promise<void> | undefined;
  const onboardingSettled = () => {
    onboardingSaved ??= callKeyway('PUT', '/api/v1/settings/onboarding', DEMO_ONBOARDING).then(async (response) => {
      if (!response.ok) {
        onboardingSaved = undefined;
        throw new KeywayRefusal(await keywayError(response));
      }
    });
    return onboardingSaved;
  };

  /**
   * Seed 002: the backend mints a user token with its private token key and sends the browser to Keyway's /login/ with it;
   * with `onboarding`, the login URL says `openOnboarding=true` and the wizard runs the onboarding before the sign-in completes.
   */
  app.post('/demo/api/signin/user-token', async (c) => {
    const { onboarding, ...asked } = parseWith(UserTokenAsk, await c.req.json().catch(() => ({})));
    const { email } = personOf(asked);
    const session = sessions.open(c);
    try {
      if (onboarding) await onboardingSettled();
      const response = await fetch(`${internalUrl}/api/v1/user/token`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await tokenKey()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email, uid: DEMO_UID }),
      });
      if (!response.ok) throw new KeywayRefusal(await keywayError(response));
      const { userID, token } = (await response.json()) as { userID: string; token: string };
      session.userToken = { method: 'user_token', userId: userID, startedAt: services.clock() };
      delete session.error;
      const query = new URLSearchParams({ token, ...(onboarding ? { openOnboarding: 'true' } : {}), closeOnboardingRedirect: '/demo/' });
      return c.json({ login_url: `${issuer}/login/?${query}`, token_preview: `${token.slice(0, 16)}…`, email });
    } catch (error) {
      return refused(c, error);
    }
  });

  demoMfaRoutes(app, { acme, sessions, authenticator, refused, view });

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
