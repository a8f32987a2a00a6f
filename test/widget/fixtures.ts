import type { Flow, StepOf } from '../../src/protocol/index.js';

export const providersStep: StepOf<'providers'> = {
  kind: 'providers',
  id: 'step-providers',
  providers: [
    { id: 'GOOGLE', name: 'Google', method: 'oauth' },
    { id: 'IMAP', name: 'Email (IMAP)', method: 'credentials' },
    { id: 'DEMO', name: 'Demo bank', method: 'credentials', demo: true },
  ],
};

export const credentialsStep: StepOf<'credentials'> = {
  kind: 'credentials',
  id: 'step-credentials',
  provider: 'DEMO',
  providerName: 'Demo bank',
  fields: [
    { name: 'username', label: 'Username', type: 'text', required: true, autocomplete: 'username', hint: 'Demo account: demo', maxLength: 128 },
    { name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password', minLength: 4 },
    { name: 'email', label: 'Recovery email', type: 'email', required: false, autocomplete: 'email' },
    { name: 'pin', label: 'PIN', type: 'number', required: false, pattern: '[0-9]{4}' },
    {
      name: 'region',
      label: 'Region',
      type: 'select',
      required: true,
      options: [
        { value: 'eu', label: 'Europe' },
        { value: 'us', label: 'United States' },
      ],
    },
  ],
};

export const mfaStep: StepOf<'mfa'> = {
  kind: 'mfa',
  id: 'step-mfa',
  provider: 'DEMO',
  providerName: 'Demo bank',
  method: 'totp',
  length: 6,
  attemptsLeft: 3,
  canResend: false,
  hint: 'your authenticator app',
};

export const successStep: StepOf<'success'> = {
  kind: 'success',
  id: 'step-success',
  provider: 'DEMO',
  providerName: 'Demo bank',
  accountId: 'acc_123',
  redirectUrl: 'https://app.example.com/connected',
};

export const failureStep: StepOf<'failure'> = {
  kind: 'failure',
  id: 'step-failure',
  reason: 'mfa_locked',
  message: 'Too many wrong codes.',
  retryable: false,
  redirectUrl: 'https://app.example.com/failed',
};

export function flowWith(step: Flow['step'], overrides: Partial<Flow> = {}): Flow {
  return {
    id: 'flow_1',
    type: 'create',
    status: step.kind === 'success' ? 'succeeded' : step.kind === 'failure' ? 'failed' : 'active',
    expiresAt: '2030-01-01T00:00:00.000Z',
    brand: { name: 'Acme', primaryColor: '#0f766e', radius: '10px' },
    hostOrigins: ['https://app.example.com', 'https://admin.example.com'],
    step,
    ...overrides,
  };
}

export const qrStep: StepOf<'qr'> = {
  kind: 'qr',
  id: 'step-qr-1',
  provider: 'WHATSAPP',
  providerName: 'WhatsApp',
  payload: 'keyway-pair:1:4f9c2a7e-first-payload',
  expiresAt: new Date(Date.now() + 90_000).toISOString(),
  code: 'ABCD1234',
};

export const oauthStep: StepOf<'oauth'> = {
  kind: 'oauth',
  id: 'step-oauth',
  provider: 'GOOGLE',
  providerName: 'Google',
  authorizeUrl: 'https://accounts.example.com/authorize?client_id=keyway&state=s1',
};

export const confirmStep: StepOf<'confirm'> = { kind: 'confirm', id: 'step-confirm', email: 'j•••@example.com', appName: 'Acme CRM' };

export const signedInStep: StepOf<'signed-in'> = {
  kind: 'signed-in',
  id: 'step-signed-in',
  appName: 'Acme CRM',
  redirectUrl: 'https://app.example.com/auth/callback?code=one-time-code&state=s1&iss=http%3A%2F%2Fkeyway.test',
};

/** A TOTP secret for set-up steps (base32). */
export const SETUP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

export const mfaSetupStep: StepOf<'mfa-setup'> = {
  kind: 'mfa-setup',
  id: 'step-setup',
  appName: 'Acme CRM',
  uri: `otpauth://totp/Acme:jo%40example.com?issuer=Acme&secret=${SETUP_SECRET}&algorithm=SHA1&digits=6&period=30`,
  secret: SETUP_SECRET,
  length: 6,
  attemptsLeft: 5,
};
