/**
 * The host messages the wizard posts, checked by hand: the SDK must stay tiny and
 * cannot carry zod. `test/widget/embed-messages.test.ts` keeps this check in step
 * with the protocol's schema (`src/protocol/host-message.ts`).
 */
import { HOST_MESSAGE_VERSION } from '../protocol/constants.js';

interface Envelope<T extends string, D> {
  keyway: typeof HOST_MESSAGE_VERSION;
  type: T;
  flowId: string;
  data: D;
}

/** One message from the wizard (protocol version 1). */
export type HostMessage =
  | Envelope<'ready', Record<string, never>>
  | Envelope<'step', { kind: string }>
  | Envelope<'resize', { height: number }>
  | Envelope<'success', { accountId: string; provider: string }>
  | Envelope<'failure', { reason: string; message: string }>
  | Envelope<'exit', Record<string, never>>;

/** The fields each type's `data` must have; `height` is the only number. */
const DATA_FIELDS: Record<HostMessage['type'], string[]> = {
  ready: [],
  step: ['kind'],
  resize: ['height'],
  success: ['accountId', 'provider'],
  failure: ['reason', 'message'],
  exit: [],
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Returns the message when `value` has the host-message shape of this protocol
 * version, else undefined (another version, an unknown type, a missing field).
 * A `failure`'s `reason` is any string, so a reason added later still ends the flow.
 */
export function parseHostMessage(value: unknown): HostMessage | undefined {
  if (!isRecord(value) || value['keyway'] !== HOST_MESSAGE_VERSION || typeof value['flowId'] != 'string') return undefined;
  const { type, data } = value;
  // `hasOwn`, not `in`: "toString" must not pass for a type.
  if (typeof type != 'string' || !Object.hasOwn(DATA_FIELDS, type) || !isRecord(data)) return undefined;
  for (const field of DATA_FIELDS[type as HostMessage['type']]) {
    const fieldValue = data[field];
    const valid = field === 'height' ? Number.isFinite(fieldValue) : typeof fieldValue == 'string';
    if (!valid) return undefined;
  }
  return value as unknown as HostMessage;
}
