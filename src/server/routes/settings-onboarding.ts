import { Hono } from 'hono';
import { OnboardingSettings } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { onboardingSettings, saveOnboardingSettings } from '../identity/onboarding-settings.js';
import { apiKeyAuth } from '../middleware/api-key.js';
import { parseJsonBody } from '../validate.js';

/** `GET|PUT /api/v1/settings/onboarding`: what `openOnboarding=true` asks of a user before the sign-in completes. */
export function settingsOnboardingRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { db } = services.store;
  app.use('/settings/onboarding', apiKeyAuth(services));

  app.get('/settings/onboarding', async (c) => c.json(await onboardingSettings(db, c.get('tenantId'))));

  // The whole settings object each time: what is saved is exactly what was sent, and a bad body saves nothing.
  app.put('/settings/onboarding', async (c) => {
    const settings = await parseJsonBody(c, OnboardingSettings);
    return c.json(await saveOnboardingSettings(db, c.get('tenantId'), settings));
  });

  return app;
}
