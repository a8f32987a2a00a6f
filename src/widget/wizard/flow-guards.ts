import type { Flow, OpenFlowResponse } from '../../protocol/flow.js';
import type { StepKind } from '../../protocol/step.js';

/*
 * Why not `Flow.safeParse`: the protocol's zod/mini schemas cost 9 KB gzipped in
 * this bundle (zod core plus the ISO date, URL and origin checks), more than a
 * third of the 25 KB budget. The flow API is Keyway's own server, which already
 * answers with those schemas; the widget checks the shape it relies on, and
 * re-checks by hand the two values that leave the page: redirect URLs and host
 * origins (host-messages.ts).
 */

/** Every kind the wizard draws; a record, so a kind added to the protocol and not here fails to compile. */
const DRAWN_KINDS: Record<StepKind, true> = {
  providers: true,
  credentials: true,
  qr: true,
  oauth: true,
  mfa: true,
  success: true,
  confirm: true,
  'mfa-setup': true,
  'recovery-codes': true,
  profile: true,
  'password-setup': true,
  'signed-in': true,
  failure: true,
};
const STEP_KINDS: ReadonlySet<string> = new Set(Object.keys(DRAWN_KINDS));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isFlow(value: unknown): value is Flow {
  if (!isRecord(value)) return false;
  const { id, brand, hostOrigins, step } = value;
  return (
    typeof id === 'string' &&
    isRecord(brand) &&
    typeof brand['name'] === 'string' &&
    Array.isArray(hostOrigins) &&
    hostOrigins.every((origin) => typeof origin === 'string') &&
    isRecord(step) &&
    typeof step['id'] === 'string' &&
    typeof step['kind'] === 'string' &&
    STEP_KINDS.has(step['kind'])
  );
}

export function isOpenFlowResponse(value: unknown): value is OpenFlowResponse {
  return isRecord(value) && typeof value['token'] === 'string' && isFlow(value['flow']);
}
