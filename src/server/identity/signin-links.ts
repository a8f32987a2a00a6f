import type { Kysely, Transaction } from 'kysely';
import { brandOfTenant } from '../brands.js';
import type { NewMagicLink } from './signin-flow.js';
import { newId, newToken, sha256 } from '../security/tokens.js';
import type { Database, SignInRequestTable } from '../store/schema.js';

export type SignInLinkRequest = Omit<SignInRequestTable, 'link_id'>;

/**
 * A sign-in link: a single-use token (stored as its digest) that opens a sign-in flow in the wizard.
 * It rides on the links table, so opening, expiry, tenant domains and limits work as for every link.
 */
export async function createSignInLink(
  db: Kysely<Database> | Transaction<Database>,
  /** `token`: one the caller derived (a message's link, reopened by its token); a random one otherwise. */
  options: { tenantId: string; request: SignInLinkRequest; expiresAt: number; publicUrl: string; now: number; token?: string },
): Promise<{ token: string; linkId: string }> {
  const token = options.token ?? newToken();
  const linkId = newId();
  const insert = async (trx: Kysely<Database> | Transaction<Database>) => {
    await trx
      .insertInto('links')
      .values({
        id: linkId,
        tenant_id: options.tenantId,
        token_hash: sha256(token),
        type: 'signin',
        providers_json: '[]',
        api_url: options.publicUrl,
        success_redirect_url: null,
        failure_redirect_url: null,
        notify_url: null,
        name: null,
        reconnect_account: null,
        // A sign-in page is a whole page, framed by no one.
        origins_json: '[]',
        locale: null,
        expires_at: options.expiresAt,
        created_at: options.now,
        used_at: null,
        notify_on_expiry: 0,
        expiry_reported_at: null,
        new_link_url: null,
      })
      .execute();
    await trx.insertInto('signin_requests').values({ link_id: linkId, ...options.request }).execute();
  };
  // Inside a caller's transaction (a magic link made with its flow's step), or in one of its own.
  if (db.isTransaction) await insert(db);
  else await db.transaction().execute(insert);
  return { token, linkId };
}

/** Where a sign-in link opens: the tenant's own domain when it has one, like its connect links. */
export async function signInLinkUrl(db: Kysely<Database> | Transaction<Database>, tenantId: string, publicUrl: string, token: string): Promise<string> {
  const brand = await brandOfTenant(db, tenantId);
  const base = brand?.domain ? `${new URL(publicUrl).protocol}//${brand.domain}` : publicUrl;
  return `${base}/login?code=${token}`;
}

/** The magic link of an email sign-in: a login URL for the same request and user, whose GET only draws a confirm step. */
export const newMagicLink = (publicUrl: string): NewMagicLink => async (trx, { link, request, userId, expiresAt, now }) => {
  const { link_id: parent, ...rest } = request;
  const { token } = await createSignInLink(trx, { tenantId: link.tenant_id, publicUrl, now, expiresAt, request: { ...rest, user_id: userId, method: 'email_link', parent_link_id: parent } });
  return signInLinkUrl(trx, link.tenant_id, publicUrl, token);
};

/**
 * Uses up, with the link that signed in, its relatives: the authorization request a magic link was
 * mailed for, and the magic links mailed for a request. One sign-in per request, whichever way it came.
 */
export async function useUpRelatedLinks(trx: Transaction<Database>, request: SignInRequestTable, now: number): Promise<void> {
  const children = trx.selectFrom('signin_requests').select('link_id').where('parent_link_id', '=', request.link_id);
  await trx
    .updateTable('links')
    .set({ used_at: now })
    .where('used_at', 'is', null)
    .where((eb) => eb.or([eb('id', 'in', children), ...(request.parent_link_id ? [eb('id', '=', request.parent_link_id)] : [])]))
    .execute();
}
