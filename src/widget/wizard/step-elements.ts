import type { Step } from '../../protocol/index.js';
import { loadOAuthElement } from '../oauth/lazy.js';
import { loadQrElement } from '../qr/lazy.js';
import { loadCredentialsElement } from '../credentials/lazy.js';
import '../failure/failure.js';
import { loadMfaElement } from '../mfa/lazy.js';
import { loadConfirmElement } from '../confirm/lazy.js';
import { loadMfaSetupElement } from '../mfa-setup/lazy.js';
import { loadRecoveryCodesElement } from '../recovery-codes/lazy.js';
import { loadProfileElement } from '../profile/lazy.js';
import { loadPasswordSetupElement } from '../password-setup/lazy.js';
import '../providers/providers.js';
import '../success/success.js';
import '../progress/progress.js';

/** Step elements fetched when their step first appears, to keep them out of the initial bundle. */
export const ON_DEMAND_STEPS: Partial<Record<Step['kind'], () => Promise<void>>> = {
  qr: loadQrElement,
  oauth: loadOAuthElement,
  credentials: loadCredentialsElement,
  mfa: loadMfaElement,
  confirm: loadConfirmElement,
  'mfa-setup': loadMfaSetupElement,
  'recovery-codes': loadRecoveryCodesElement,
  profile: loadProfileElement,
  'password-setup': loadPasswordSetupElement,
};
