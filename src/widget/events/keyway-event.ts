/**
 * Base of every Keyway event. Events bubble and cross shadow roots so a page can
 * listen on `<keyway-wizard>` or on `document` without knowing the inner tree.
 */
export abstract class KeywayEvent extends Event {
  constructor(type: `keyway-${string}`, options: { cancelable?: boolean } = {}) {
    super(type, { bubbles: true, composed: true, cancelable: options.cancelable ?? false });
  }
}
