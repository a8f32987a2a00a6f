import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { JWTPayload } from 'jose';

export const SESSION_COOKIE = 'demo_session';
/** A demo holds sessions in memory: the oldest go first past this many, so a stream of visitors cannot grow it without bound. */
const MAX_SESSIONS = 500;
/** Sign-ins started but not finished, per session: a few tabs' worth. */
const MAX_PENDING = 5;
/** As long as Keyway's own authorization request lives (a login URL may live longer, but a demo visitor does not wait that long). */
const PENDING_TTL_MS = 15 * 60 * 1000;

export type SignInMethod = 'login_url' | 'openid_connect' | 'password' | 'user_token' | 'message_token';

/** What the host app remembers about a sign-in it sent the browser off to, keyed by its `state`. */
export interface PendingSignIn {
  method: 'login_url' | 'openid_connect';
  nonce: string;
  codeVerifier: string;
  startedAt: number;
}

/** A user-token or message-token sign-in this session's backend started: it comes back with no state, for the user the token names. */
export interface PendingUserToken {
  method: 'user_token' | 'message_token';
  userId: string;
  startedAt: number;
  /** Called once the callback signed the user in (a message's link is then known to be used). */
  onSignedIn?: () => void;
}

/** The session's tokens stay here, on the server; the browser only ever holds the session cookie. */
export interface SignedIn {
  method: SignInMethod;
  accessToken: string;
  refreshToken: string | undefined;
  idClaims: JWTPayload | undefined;
  expiresAt: number;
  refreshes: number;
}

export interface DemoSession {
  pending: Map<string, PendingSignIn>;
  signedIn?: SignedIn;
  userToken?: PendingUserToken;
  /** The last sign-in that went wrong, shown on the page until the next attempt. */
  error?: string;
}

export const randomToken = () => randomBytes(32).toString('base64url');

/** The demo host app's own sessions (not Keyway's): a random id in an HttpOnly cookie, the data in memory. */
export class DemoSessions {
  readonly #sessions = new Map<string, DemoSession>();

  constructor(private readonly secureCookie: boolean) {}

  /** The request's session, or undefined; reading one makes it the most recently used. */
  find(c: Context): DemoSession | undefined {
    const id = getCookie(c, SESSION_COOKIE);
    const session = id === undefined ? undefined : this.#sessions.get(id);
    if (id !== undefined && session) {
      this.#sessions.delete(id);
      this.#sessions.set(id, session);
    }
    return session;
  }

  /** The request's session, made (and its cookie set) when it has none. */
  open(c: Context): DemoSession {
    const found = this.find(c);
    if (found) return found;
    const id = randomToken();
    const session: DemoSession = { pending: new Map() };
    this.#sessions.set(id, session);
    for (const oldest of this.#sessions.keys()) {
      if (this.#sessions.size <= MAX_SESSIONS) break;
      this.#sessions.delete(oldest);
    }
    // Lax: the browser still sends it on the top-level GET back from Keyway to the callback.
    setCookie(c, SESSION_COOKIE, id, { path: '/demo', httpOnly: true, sameSite: 'Lax', secure: this.secureCookie });
    return session;
  }
}

export function rememberPending(session: DemoSession, state: string, pending: PendingSignIn): void {
  for (const [key, old] of session.pending) {
    if (pending.startedAt - old.startedAt > PENDING_TTL_MS) session.pending.delete(key);
  }
  session.pending.set(state, pending);
  for (const oldest of session.pending.keys()) {
    if (session.pending.size <= MAX_PENDING) break;
    session.pending.delete(oldest);
  }
  delete session.error;
}

/** The pending sign-in this `state` names, used up: a state is good for one callback only. */
export function takePending(session: DemoSession, state: string | undefined, now: number): PendingSignIn | undefined {
  if (state === undefined) return undefined;
  const pending = session.pending.get(state);
  session.pending.delete(state);
  return pending && now - pending.startedAt <= PENDING_TTL_MS ? pending : undefined;
}

/** The user-token sign-in this session started, used up: one callback without state, within the pending lifetime. */
export function takeUserToken(session: DemoSession, now: number): PendingUserToken | undefined {
  const pending = session.userToken;
  delete session.userToken;
  return pending && now - pending.startedAt <= PENDING_TTL_MS ? pending : undefined;
}
