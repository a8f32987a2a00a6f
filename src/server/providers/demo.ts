import * as OTPAuth from 'otpauth';
import { fieldErrors, texts } from '../i18n/words.js';
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
        return { type: 'retry', ...fieldErrors({ password: 'demo.error.wrong_credentials' }) };
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
          ...texts({ hint: 'demo.mfa.hint', help: 'demo.mfa.help' }),
        },
        state: { username },
      };
    }
    if (input.kind === 'mfa') {
      const valid = demoTotp().validate({ token: input.code, timestamp: context.now, window: 1 }) !== null;
      if (!valid) return { type: 'retry' };
      return { type: 'connected', account: { externalId: `demo:${String(context.state['username'])}`, secrets: { username: context.state['username'] } } };
    }
    return { type: 'retry', ...fieldErrors({ _form: 'error.resend_unavailable' }) };
  }

  #credentialsStep(context: AdapterContext) {
    return {
      kind: 'credentials' as const,
      provider: context.provider.summary.id,
      ...texts({ help: 'demo.credentials.help' }),
      fields: [
        {
          name: 'username',
          ...texts({ label: 'field.username.label', hint: ['demo.username.hint', { value: DEMO_USERNAME }], help: 'field.username.help' }),
          type: 'text' as const,
          required: true,
          autocomplete: 'username',
          maxLength: 128,
        },
        {
          name: 'password',
          ...texts({ label: 'field.password.label', hint: ['demo.password.hint', { value: DEMO_PASSWORD }] }),
          type: 'password' as const,
          required: true,
          autocomplete: 'current-password',
          maxLength: 128,
        },
      ],
    };
  }
}

export function demoProvider(): ProviderEntry {
  return {
    summary: { id: 'DEMO', ...texts({ name: 'provider.demo.name' }), method: 'credentials', demo: true },
    adapter: new DemoAdapter(),
  };
}
