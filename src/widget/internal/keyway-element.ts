import { LitElement } from 'lit';
import type { KeywayEvent } from '../events/keyway-event.js';

/**
 * Registers a custom element unless the tag already exists. An embeddable widget
 * is easily loaded twice (a page bundle plus the hosted script); throwing on the
 * second `customElements.define` would break the page, so the first copy wins.
 */
export function define(tagName: string, elementClass: CustomElementConstructor): void {
  const existing = customElements.get(tagName);
  if (!existing) {
    customElements.define(tagName, elementClass);
    return;
  }
  if (existing !== elementClass) {
    console.warn(`[keyway] <${tagName}> is already defined by another copy of Keyway; keeping the first one.`);
  }
}

/** Class decorator with the tolerance of `define()`; named like Lit's so manifest tools recognise it. */
export function customElement(tagName: string) {
  return (elementClass: CustomElementConstructor): void => define(tagName, elementClass);
}

/** Shared behaviour of every Keyway element. */
export class KeywayElement extends LitElement {
  /** Dispatches a Keyway event (they all bubble and are composed) and returns it, so callers can read `defaultPrevented`. */
  emit<E extends KeywayEvent>(event: E): E {
    this.dispatchEvent(event);
    return event;
  }
}
