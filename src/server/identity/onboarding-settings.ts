import type { Kysely, Transaction } from 'kysely';
import * as z from 'zod/mini';
import { DEFAULT_ONBOARDING_SETTINGS, OnboardingSettings } from '../../protocol/index.js';
import type { Database } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The tenant's onboarding settings, or the defaults when it saved none. */
export async function onboardingSettings(db: Db, tenantId: string): Promise<OnboardingSettings> {
  const row = await db.selectFrom('tenants').select('onboarding_json').where('id', '=', tenantId).executeTakeFirstOrThrow();
  if (!row.onboarding_json) return DEFAULT_ONBOARDING_SETTINGS;
  // Written only after the same schema accepted it; parsed again so a hand-edited row cannot break sign-ins.
  const parsed = z.safeParse(OnboardingSettings, JSON.parse(row.onboarding_json));
  return parsed.success ? parsed.data : DEFAULT_ONBOARDING_SETTINGS;
}

export async function saveOnboardingSettings(db: Db, tenantId: string, settings: OnboardingSettings): Promise<OnboardingSettings> {
  await db.updateTable('tenants').set({ onboarding_json: JSON.stringify(settings) }).where('id', '=', tenantId).execute();
  return settings;
}
