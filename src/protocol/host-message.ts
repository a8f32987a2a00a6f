import * as z from 'zod/mini';
import { FailureCode } from './step.js';

import { HOST_MESSAGE_VERSION } from './constants.js';

const envelope = { keyway: z.literal(HOST_MESSAGE_VERSION), flowId: z.string() };

/** The only thing the wizard posts to a host page. */
export const HostMessage = z.discriminatedUnion('type', [
  z.object({ ...envelope, type: z.literal('ready'), data: z.object({}) }),
  z.object({ ...envelope, type: z.literal('step'), data: z.object({ kind: z.string() }) }),
  z.object({ ...envelope, type: z.literal('resize'), data: z.object({ height: z.number() }) }),
  z.object({ ...envelope, type: z.literal('success'), data: z.object({ accountId: z.string(), provider: z.string() }) }),
  z.object({
    ...envelope,
    type: z.literal('failure'),
    data: z.object({ reason: FailureCode, message: z.string() }),
  }),
  z.object({ ...envelope, type: z.literal('exit'), data: z.object({}) }),
]);
export type HostMessage = z.infer<typeof HostMessage>;
export type HostMessageType = HostMessage['type'];

/**
 * Why the embed SDK's `open()` resolved `failure`: the reason the wizard posted, or `frame_refused`,
 * which the SDK reports itself when a framed wizard never says `ready` (the host page's CSP or
 * Keyway's `frame-ancestors` refused the iframe).
 */
export const OpenFailureReason = z.union([FailureCode, z.literal('frame_refused')]);
export type OpenFailureReason = z.infer<typeof OpenFailureReason>;
