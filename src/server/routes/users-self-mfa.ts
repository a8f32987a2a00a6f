import { Hono } from 'hono';
import { MfaProofRequest, MfaVerifyRequest } from '../../protocol/index.js';
import type { AppEnv, Services } from '../context.js';
import { ApiError } from '../errors.js';
import { beginMfaSetup, confirmMfaSetup, removeMfa, userHasMfa, validateMfaSession, type MfaCodeCheck, type MfaProof } from '../identity/mfa.js';
import { seedUserData } from '../identity/users.js';
import { emailConfirmedBy } from '../oauth2/grant-common.js';
import type { SignedIn } from '../oauth2/tokens.js';
import type { LimitName } from '../security/rate-limits.js';
import { parseJsonBody } from '../validate.js';

/** The one `/users/self` path a session that still owes its second factor may call. */
export const MFA_VALIDATE_PATH = '/users/self/mfa/validate';

const alreadyEnabled = () => new ApiError(409, 'mfa_already_enabled', 'MFA is enabled already; remove it (DELETE /users/self/mfa) before setting it up again.');
const notEnabled = () => new ApiError(409, 'mfa_not_enabled', 'MFA is not enabled for this user.');
const notSetUp = () => new ApiError(409, 'mfa_not_set_up', 'There is no MFA setup to verify; start one with POST /users/self/mfa/setup.');

function refused(check: 'wrong' | 'replayed', proof: MfaProof): ApiError {
  if ('recoveryCode' in proof) return new ApiError(400, 'recovery_code_invalid', 'This is not one of your unused recovery codes.', { field: 'recovery_code' });
  if (check === 'replayed') return new ApiError(400, 'mfa_code_used', 'This code was used already; wait for the next one from the app.', { field: 'token' });
  return new ApiError(400, 'mfa_code_invalid', 'The code is not valid.', { field: 'token' });
}

function answerTo(check: MfaCodeCheck | 'not_enabled', proof: MfaProof): void {
  if (check === 'not_enabled') throw notEnabled();
  if (check !== 'accepted') throw refused(check, proof);
}

/**
 * Every code costs an attempt of the session's and of the user's budget before it is looked at,
 * so a flood (however concurrent) gets no more checks than the limits allow, and a right code sent
 * while blocked is refused like any other. Attempts that turn out right are given back.
 */
async function counted<Outcome>(services: Services, { user, family }: SignedIn, check: () => Promise<Outcome>, failed: (outcome: Outcome) => boolean): Promise<Outcome> {
  const budgets: [LimitName, string][] = [
    ['mfa_session_failures', family.id],
    ['mfa_user_failures', user.id],
  ];
  for (const [name, key] of budgets) {
    const over = await services.limits.count(name, key);
    if (over) throw over;
  }
  const outcome = await check();
  if (!failed(outcome)) for (const [name, key] of budgets) await services.limits.refund(name, key);
  return outcome;
}

const wasWrong = (check: MfaCodeCheck | 'not_enabled' | { outcome: string }) => {
  const value = typeof check === 'string' ? check : check.outcome;
  return value === 'wrong' || value === 'replayed';
};

function proofOf(request: MfaProofRequest): MfaProof {
  return request.token !== undefined ? { token: request.token } : { recoveryCode: request.recovery_code ?? '' };
}

/**
 * Seed 001's MFA API for the signed-in user: setup, verify, validate, delete. The access-token
 * middleware in front of these (users-self.ts) refuses a session that owes its second factor
 * everywhere but at validate.
 */
export function usersSelfMfaRoutes(services: Services): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  const { db } = services.store;
  const { sealer } = services;

  // Seed 001 sends no body; whatever comes is ignored.
  routes.post('/users/self/mfa/setup', async (c) => {
    const { user, family } = c.get('accessToken');
    const setup = await beginMfaSetup(db, sealer, user, services.clock());
    if (setup === 'already_enabled') throw alreadyEnabled();
    const data = { ...seedUserData(user, { emailConfirmed: emailConfirmedBy(family.auth_method) }), mfa_url: setup.uri, mfa_qr_code: setup.qrCode };
    return c.json({ code: 'OK', data });
  });

  routes.post('/users/self/mfa/verify', async (c) => {
    const { token } = await parseJsonBody(c, MfaVerifyRequest);
    const signedIn = c.get('accessToken');
    if (userHasMfa(signedIn.user)) throw alreadyEnabled();
    const confirmation = await counted(services, signedIn, () => confirmMfaSetup(db, sealer, signedIn.user.id, token, services.clock(), { sessionId: signedIn.family.id }), wasWrong);
    if (confirmation.outcome === 'not_set_up') throw notSetUp();
    if (confirmation.outcome === 'already_enabled') throw alreadyEnabled();
    if (confirmation.outcome !== 'enabled') throw refused(confirmation.outcome, { token });
    const user = seedUserData(confirmation.user, { emailConfirmed: emailConfirmedBy(signedIn.family.auth_method) });
    // Shown this once: only their digests are kept.
    return c.json({ code: 'OK', data: { ...user, recovery_codes: confirmation.recoveryCodes } });
  });

  routes.post(MFA_VALIDATE_PATH, async (c) => {
    const proof = proofOf(await parseJsonBody(c, MfaProofRequest));
    const signedIn = c.get('accessToken');
    if (!userHasMfa(signedIn.user)) throw notEnabled();
    const session = { userId: signedIn.user.id, sessionId: signedIn.family.id };
    answerTo(await counted(services, signedIn, () => validateMfaSession(db, sealer, session, proof, services.clock()), wasWrong), proof);
    return c.body(null, 204);
  });

  routes.delete('/users/self/mfa', async (c) => {
    const proof = proofOf(await parseJsonBody(c, MfaProofRequest));
    const signedIn = c.get('accessToken');
    if (!userHasMfa(signedIn.user)) throw notEnabled();
    answerTo(await counted(services, signedIn, () => removeMfa(db, sealer, signedIn.user.id, proof, services.clock()), wasWrong), proof);
    return c.body(null, 204);
  });

  return routes;
}
