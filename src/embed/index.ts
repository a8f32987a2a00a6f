/**
 * Keyway's host-page SDK: `open(url, options)` and the `<keyway-connect>` button.
 * No dependencies; one file for bundlers (ESM) and one for a `<script>` tag (global `Keyway`).
 */
import { KeywayConnect } from './connect.js';

export { KeywayConnect } from './connect.js';
export type { HostMessage } from './messages.js';
export { open } from './open.js';
export type { ExitResult, FailureResult, Mode, OpenOptions, PopupBlockedResult, Result, SuccessResult } from './open.js';

// A page may load the SDK twice (its bundle and a script tag): the first definition wins.
if (globalThis.customElements && !customElements.get('keyway-connect')) customElements.define('keyway-connect', KeywayConnect);
