import { property } from 'lit/decorators.js';
import type { MessageRef } from '../../protocol/words.js';
import { tServer } from '../i18n/localize.js';
import { KeywayElement } from './keyway-element.js';

/**
 * What every step element shares: the step it draws, the pending flag the wizard
 * sets while the server answers, and a heading the wizard focuses when the step
 * changes (so screen readers announce the new step).
 */
export abstract class StepElement<S extends { id: string }> extends KeywayElement {
  /** The step to draw, as the flow API returned it. */
  @property({ attribute: false }) step?: S;

  /** True while the wizard waits for the server; controls are disabled. */
  @property({ type: Boolean, reflect: true }) pending = false;

  /** The provider's display name (steps carry only its id). */
  @property({ attribute: 'provider-name' }) providerName = '';

  /** The level of the step's heading: 1 when the wizard is the whole page, 2 (default) inside a host page. */
  @property({ type: Number, attribute: 'heading-level' }) headingLevel = 2;

  /** Moves focus to the step's heading once it is rendered. */
  async focusHeading(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[data-step-heading]')?.focus();
  }
}

/**
 * The provider's name, in the user's language when Keyway wrote it (`key`); else
 * `GOOGLE` → `Google`, `MY_MAIL` → `My mail`: a readable fallback when no name is known.
 */
export function displayProviderName(providerId: string | undefined, name: string, key?: MessageRef): string {
  if (name) return tServer(name, key);
  if (!providerId) return '';
  const words = providerId.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
