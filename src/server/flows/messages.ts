import { FailureCode, type MessageRef, type ServerWordKey } from '../../protocol/index.js';
import { english, messageRef } from '../i18n/words.js';

/** Each failure's message key; `tsc` refuses a failure code that has no words. */
const failureKey = (reason: FailureCode) => `failure.${reason}.message` as const satisfies ServerWordKey;

/** A failure step's message in English and its key, to spread into the step. */
export function failureMessage(reason: FailureCode): { message: string; i18n: { message: MessageRef } } {
  const key = failureKey(reason);
  return { message: english(key), i18n: { message: messageRef(key) } };
}

/** Default English wording of failures; the wizard shows its own translation by `reason`. */
export const FAILURE_MESSAGES = Object.fromEntries(FailureCode.options.map((reason) => [reason, english(failureKey(reason))])) as Record<FailureCode, string>;
