import type { Transaction } from 'kysely';
import type { ConnectedAccount } from '../providers/adapter.js';
import type { Sealer } from '../security/sealer.js';
import type { Database, LinkTable } from '../store/schema.js';
import { renewalTime } from './renewal.js';

/** Stores what a flow connected: a new account, or new credentials for the account a reconnect link names. */
export async function saveConnectedAccount(
  trx: Transaction<Database>,
  sealer: Sealer,
  options: { accountId: string; reconnect: boolean; tenantId: string; provider: string; link: LinkTable; account: ConnectedAccount; now: number },
): Promise<void> {
  const { account, link, now } = options;
  const secrets = sealer.sealJson(account.secrets);
  const renewAt = account.expiresAt === undefined ? null : renewalTime(account.expiresAt, now);
  const changes = { status: 'OK' as const, sealed_secrets: secrets, external_id: account.externalId ?? null, notify_url: link.notify_url, renew_at: renewAt, updated_at: now };
  if (options.reconnect) {
    await trx.updateTable('accounts').set(changes).where('id', '=', options.accountId).where('tenant_id', '=', options.tenantId).execute();
    return;
  }
  await trx
    .insertInto('accounts')
    .values({ ...changes, id: options.accountId, tenant_id: options.tenantId, provider: options.provider, name: link.name, renew_lease_until: null, created_at: now })
    .execute();
}
