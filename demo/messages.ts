import { Hono, type Context } from 'hono';
import * as z from 'zod/mini';
import type { Message, MessageLookup, User } from '../src/protocol/index.js';
import type { AppEnv, Services } from '../src/server/context.js';
import { parseWith } from '../src/server/validate.js';
import { findListing, listingLink, listingPage, LISTINGS, notRecognisedPage, type Listing } from './listings.js';
import { keywayError, KeywayRefusal, type AcmeClient, type CallKeyway } from './signin-keyway.js';
import type { DemoSessions } from './signin-session.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LISTING_PATH = /^\/demo\/listings\/([A-Z0-9]{1,16})$/;
/** The agent the demo's mails come from, as the host's own id (seed 000's `agentId`). */
const DEMO_AGENT_ID = 'agent-ava';
/** Messages whose link signed their client in here, newest last; a demo keeps the last few thousand. */
const MAX_USED = 5000;

/**
 * The mail as its client sees it, and nothing more: no script at all (the frame's sandbox and this
 * policy both say so), inline styles only (a mail carries no other kind), no request leaves the page,
 * and only the demo's own pages may frame it.
 */
const MAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox";

const ListingMail = z.strictObject({
  email: z.string().check(z.trim(), z.minLength(3, 'Type the client’s email.'), z.maxLength(254)),
  subject: z.string().check(z.trim(), z.maxLength(200)),
  message: z.string().check(z.maxLength(5000)),
  link: z.string().check(z.trim(), z.maxLength(2048)),
});
const SignInRequest = z.strictObject({ token: z.string().check(z.regex(UUID, 'must be a UUID')) });

export interface DemoMessageOptions {
  services: Services;
  callKeyway: CallKeyway;
  acme: AcmeClient;
  sessions: DemoSessions;
}

/** A mail's link names one message and its client; a broken one names nothing, and says why. */
type Identified = { message: Message; client: User } | { unrecognised: string; status: 400 | 404 };

/**
 * The messages part of the demo host app: an agent mails a client a listing through Keyway's
 * messages API (from this backend, with the API key), the client's click on the mailed link is
 * recognised by its token, and "Sign in as …" goes through Keyway's confirm step (seed 000).
 */
export function demoMessageRoutes({ services, callKeyway, acme, sessions }: DemoMessageOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const publicUrl = services.publicUrl;
  const ownOrigin = new URL(publicUrl).origin;
  const usedMessages = new Set<string>();

  const refused = (c: Context<AppEnv>, error: unknown) => {
    if (!(error instanceof KeywayRefusal)) throw error;
    const { status, code, message } = error.refusal;
    return c.json({ error: { code, message } }, (status >= 400 && status < 500 ? status : 502) as 400);
  };

  /** Keyway's answer as JSON, or its refusal raised. */
  const keyway = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await callKeyway(method, path, body);
    if (!response.ok) throw new KeywayRefusal(await keywayError(response));
    return (await response.json()) as T;
  };

  /** GET /api/v1/messages?token= (which uses nothing up), then the client it names. */
  const identify = async (token: string): Promise<Identified> => {
    if (!UUID.test(token)) return { unrecognised: 'The link’s token is not one Acme Homes sent: it is not a UUID.', status: 400 };
    const { messages } = await keyway<MessageLookup>('GET', `/api/v1/messages?token=${encodeURIComponent(token)}`);
    const message = messages[0];
    if (!message) return { unrecognised: 'The link’s token names no message Acme Homes sent. It may come from another site, or be mistyped.', status: 404 };
    const found = await callKeyway('GET', `/api/v1/users/${encodeURIComponent(message.clientId)}`);
    if (found.status === 404) return { unrecognised: 'The client this link was sent to no longer exists.', status: 404 };
    if (!found.ok) throw new KeywayRefusal(await keywayError(found));
    return { message, client: (await found.json()) as User };
  };

  const alreadyUsed = (message: Message, client: User) =>
    usedMessages.has(message.messageId) ? `This link already signed ${client.email} in once, and a mail’s link signs in one time only. The page still knows you; sign in again from Acme CRM.` : undefined;

  const markUsed = (messageId: string) => {
    usedMessages.delete(messageId);
    usedMessages.add(messageId);
    for (const oldest of usedMessages) {
      if (usedMessages.size <= MAX_USED) break;
      usedMessages.delete(oldest);
    }
  };

  /*
   * CSRF: these buttons act with the visitor's cookie, so only the demo's own pages may press them.
   * Browsers send Origin with every POST, and another site cannot forge it.
   */
  app.use('/demo/api/messages/*', async function sameOriginOnly(c, next) {
    if (c.req.method === 'POST' && c.req.header('origin') !== ownOrigin) {
      return c.json({ error: { code: 'cross_origin', message: 'Send this from the demo’s own pages.' } }, 403);
    }
    await next();
  });

  app.get('/demo/api/listings', (c) => c.json(LISTINGS.map((listing) => ({ id: listing.id, title: `${listing.address}, ${listing.area}`, link: listingLink(publicUrl, listing) }))));

  /** The agent's "send a listing": the demo's own listing page only, so the form mails no one a stranger's link. */
  app.post('/demo/api/messages/send', async (c) => {
    const mail = parseWith(ListingMail, await c.req.json().catch(() => ({})));
    let link: URL | undefined;
    try {
      link = new URL(mail.link, publicUrl);
    } catch {
      link = undefined;
    }
    const listingId = link?.origin === ownOrigin ? LISTING_PATH.exec(link.pathname)?.[1] : undefined;
    if (!link || !listingId || !findListing(listingId)) {
      return c.json({ error: { code: 'not_a_listing', message: `The link must be one of this demo’s listing pages, such as ${listingLink(publicUrl, LISTINGS[0] as Listing)}.` } }, 400);
    }
    try {
      const sent = await keyway<Message>('POST', '/api/v1/messages', {
        email: mail.email,
        agentId: DEMO_AGENT_ID,
        sender: 'agent',
        source: 'agent',
        content: { subject: mail.subject || null, message: mail.message, links: [link.href] },
      });
      // The answer carries the token too; it stays here, as the agent must not be able to sign in as the client.
      return c.json({ messageId: sent.messageId, clientId: sent.clientId, email: mail.email, link: link.href, delivery: sent.delivery }, 201);
    } catch (error) {
      return refused(c, error);
    }
  });

  /** The delivery status as Keyway has it now (queued, then sent or failed). */
  app.get('/demo/api/messages/:id', async (c) => {
    c.header('Cache-Control', 'no-store');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(c.req.param('id'))) return c.json({ error: { code: 'message_not_found', message: 'That is not a message id.' } }, 404);
    try {
      const message = await keyway<Message>('GET', `/api/v1/messages/${encodeURIComponent(c.req.param('id'))}`);
      return c.json({ messageId: message.messageId, delivery: message.delivery });
    } catch (error) {
      return refused(c, error);
    }
  });

  /** One mail of the demo inbox, for a sandboxed frame; its links open a new tab, as they would from a webmail. */
  app.get('/demo/inbox/:id', (c) => {
    const mail = services.demoInbox?.entries.find((entry) => entry.id === c.req.param('id'));
    c.header('Cache-Control', 'no-store');
    c.header('Content-Security-Policy', MAIL_CSP);
    if (!mail) return c.text('No such mail in the demo inbox (it keeps the last 50 of this run).', 404);
    const base = '<base target="_blank">';
    return c.html(/<head>/i.test(mail.html) ? mail.html.replace(/<head>/i, `<head>${base}`) : `${base}${mail.html}`);
  });

  /** The page a mailed link opens: the listing, and who the token says the visitor is. */
  app.get('/demo/listings/:id', async (c) => {
    c.header('Cache-Control', 'no-store');
    const listing = findListing(c.req.param('id'));
    const token = c.req.query('token');
    if (!listing) return c.html(notRecognisedPage(undefined, 'Acme Homes has no listing with this number.'), 404);
    if (token === undefined) return c.html(listingPage(listing, { kind: 'anonymous' }));
    try {
      const identified = await identify(token);
      if ('unrecognised' in identified) return c.html(notRecognisedPage(listing, identified.unrecognised), identified.status);
      const { message, client } = identified;
      const signInRefused = alreadyUsed(message, client);
      return c.html(listingPage(listing, { kind: 'identified', email: client.email, token: token.toLowerCase(), ...(signInRefused ? { signInRefused } : {}) }));
    } catch (error) {
      if (!(error instanceof KeywayRefusal)) throw error;
      return c.html(notRecognisedPage(listing, `Acme Homes could not check this link just now (${error.refusal.message}). Try again in a moment.`), error.refusal.status === 429 ? 429 : 502);
    }
  });

  /**
   * "Sign in as …": the browser goes to Keyway's hosted page for the token, where the client confirms.
   * Keyway then sends it to the demo's callback with a code but no state (the message's link has
   * none), so this session remembers which client it expects, and the callback takes only that one.
   */
  app.post('/demo/api/messages/signin', async (c) => {
    c.header('Cache-Control', 'no-store');
    const { token } = parseWith(SignInRequest, await c.req.json().catch(() => ({})));
    try {
      const identified = await identify(token);
      if ('unrecognised' in identified) return c.json({ error: { code: 'link_not_recognised', message: identified.unrecognised } }, identified.status);
      const { message, client } = identified;
      const refusal = alreadyUsed(message, client);
      if (refusal) return c.json({ error: { code: 'token_used', message: refusal } }, 409);
      // Keyway signs a message's client in to the tenant's one OAuth client: the demo's, registered here if not yet.
      await acme.client();
      const session = sessions.open(c);
      session.userToken = { method: 'message_token', userId: client.id, startedAt: services.clock(), onSignedIn: () => markUsed(message.messageId) };
      delete session.error;
      return c.json({ login_url: `${publicUrl}/login/?message_token=${encodeURIComponent(token.toLowerCase())}`, email: client.email });
    } catch (error) {
      return refused(c, error);
    }
  });

  return app;
}
