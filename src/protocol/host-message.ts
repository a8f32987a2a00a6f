import * as z from 'zod/mini';
import { FailureCode } from './step.js';

/** Version of the host-message protocol; a page ignores messages of another version. */
export const HOST_MESSAGE_VERSION = 1;

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
