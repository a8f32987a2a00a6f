import * as OTPAuth from 'otpauth';
import { safeEqual } from '../security/tokens.js';
import type { AdapterContext, AdapterInput, AdapterOutcome, ProviderAdapter, ProviderEntry } from './adapter.js';

/** The demo account; public on purpose, and the provider exists only in demo mode. */
export const DEMO_USERNAME = 'demo';
export const DEMO_PASSWORD = 'demo';
/** The demo authenticator secret (base32); the demo page shows its current code. */
export const DEMO_TOTP_SECRET = 'KEYWAYDEMOTOTPSECRETKEYWAYDEMO22';
export const DEMO_MFA_ATTEMPTS = 3;

export function demoTotp(): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer: 'Keyway demo', label: DEMO_USERNAME, digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(DEMO_TOTP_SECRET) });
}

/** Exercises the credentials and TOTP steps without any outside service. */
export class DemoAdapter implements ProviderAdapter {
  readonly plan = ['credentials', 'mfa'] as const;

  async start(context: AdapterContext): Promise<AdapterOutcome> {
    return { type: 'step', step: this.#credentialsStep(context), state: {} };
  }

  async submit(context: AdapterContext, input: AdapterInput): Promise<AdapterOutcome> {
    if (input.kind === 'credentials') {
      const username = input.values['username'] ?? '';
      const password = input.values['password'] ?? '';
      if (!safeEqual(username, DEMO_USERNAME) || !safeEqual(password, DEMO_PASSWORD)) {
        return { type: 'retry', errors: { password: 'Wrong username or password.' } };
      }
      return {
        type: 'step',
        step: {
          kind: 'mfa',
          provider: context.provider.summary.id,
          method: 'totp',
          length: 6,
          canResend: false,
          maxAttempts: DEMO_MFA_ATTEMPTS,
          subject: username,
          hint: 'the demo page',
          help: 'Codes change every 30 seconds. In a real connection the code comes from the authenticator app linked to the account.',
        },
        state: { username },
      };
    }
    if (input.kind === 'mfa') {
      const valid = demoTotp().validate({ token: input.code, timestamp: context.now, window: 1 }) !== null;
      if (!valid) return { type: 'retry' };
      return { type: 'connected', account: { externalId: `demo:${String(context.state['username'])}`, secrets: { username: context.state['username'] } } };
    }
    return { type: 'retry', errors: { _form: 'This step cannot send a new code.' } };
  }

  #credentialsStep(context: AdapterContext) {
    return {
      kind: 'credentials' as const,
      provider: context.provider.summary.id,
      help: 'This is a demo provider: it checks the details below and stores nothing real.',
      fields: [
        { name: 'username', label: 'Username', type: 'text' as const, required: true, autocomplete: 'username', hint: `Demo account: ${DEMO_USERNAME}`, help: 'The name you sign in with at the provider.', maxLength: 128 },
        { name: 'password', label: 'Password', type: 'password' as const, required: true, autocomplete: 'current-password', hint: `Demo password: ${DEMO_PASSWORD}`, maxLength: 128 },
      ],
    };
  }
}

export function demoProvider(): ProviderEntry {
  return {
    summary: { id: 'DEMO', name: 'Demo provider', method: 'credentials', demo: true },
    adapter: new DemoAdapter(),
  };
}
