import { html, LitElement, type PropertyValues } from 'lit';
import { property, queryAll, state } from 'lit/decorators.js';
import { t } from '../i18n/localize.js';
import { customElement, KeywayElement } from '../internal/keyway-element.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './code-input.styles.js';

/** Hyphens, spaces and other separators people copy with a code ("123 456", "123-456") are dropped. */
const digitsOf = (text: string): string[] => [...text.replace(/\D/g, '')];

/**
 * @summary A one-time-code input: one box per digit, behaving as a single form control.
 *
 * Paste anywhere (or an OS/browser one-time-code autofill into the first box) spreads the code over
 * the boxes; typing a digit moves to the next box; Backspace on an empty box clears the previous one;
 * arrow keys (following the row's direction), Home and End move between boxes; Enter submits the
 * form the element belongs to. The element is form-associated: its `name` and `value` go into the
 * form's data, its validity (missing or incomplete code) into the form's, and a form reset clears it.
 * Focusing the element focuses its first box.
 *
 * @slot help-text - Hints, counters and errors shown under the boxes; they describe the group.
 *
 * @fires input - After every change the user makes.
 * @fires change - When a change by the user leaves every box filled: the code is complete.
 *
 * @csspart base - The group of label, boxes and help text.
 * @csspart label - The visible group label.
 * @csspart boxes - The row of boxes; left to right in every language, as codes are written (its `direction`
 *   can be overridden, and the arrow keys follow it).
 * @csspart box - Each digit's box.
 * @csspart help-text - The wrapper of the `help-text` slot.
 *
 * @cssproperty --keyway-code-input-box-size - The widest a box gets (default 3rem); boxes shrink to fit.
 * @cssproperty --keyway-code-input-gap - Space between boxes.
 * @cssproperty --keyway-color-danger - Border of the boxes when `invalid`.
 * @cssproperty --keyway-color-focus - Focus ring and caret.
 */
@customElement('keyway-code-input')
export class KeywayCodeInput extends KeywayElement {
  static override styles = [tokens, styles];
  static formAssociated = true;
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** Number of digits. */
  @property({ type: Number }) length = 6;

  /** The group's visible label; each box is named "Digit n of length". */
  @property() label = '';

  /** The name under which the code goes into the form's data. */
  @property({ reflect: true }) name = '';

  @property({ type: Boolean, reflect: true }) required = false;

  @property({ type: Boolean, reflect: true }) disabled = false;

  /** The code cannot be edited but keeps focus (used while a submitted code is being checked). */
  @property({ type: Boolean, reflect: true }) readonly = false;

  /** Marks every box invalid (`aria-invalid`), e.g. after the server refused the code. */
  @property({ type: Boolean, reflect: true }) invalid = false;

  /** One entry per box, '' for an empty box. */
  @state() private digits: string[] = [];

  /** Disabled through an ancestor `<fieldset disabled>`. */
  @state() private formDisabled = false;

  @queryAll('.box') private boxes!: NodeListOf<HTMLInputElement>;

  private readonly internals = this.attachInternals();

  /** The digits typed so far, in order (an empty box in the middle is skipped). */
  get value(): string {
    return this.digits.join('');
  }

  set value(value: string) {
    const old = this.value;
    this.digits = this.spread(digitsOf(String(value ?? '')), 0, []);
    this.requestUpdate('value', old);
  }

  /** True when every box holds a digit. */
  get complete(): boolean {
    return this.filled().every(Boolean);
  }

  get form(): HTMLFormElement | null {
    return this.internals.form;
  }

  get validity(): ValidityState {
    return this.internals.validity;
  }

  get validationMessage(): string {
    return this.internals.validationMessage;
  }

  get willValidate(): boolean {
    return this.internals.willValidate;
  }

  checkValidity(): boolean {
    return this.internals.checkValidity();
  }

  reportValidity(): boolean {
    return this.internals.reportValidity();
  }

  /** Empties every box and focuses the first. */
  clear(): void {
    this.value = '';
    void this.updateComplete.then(() => this.boxes[0]?.focus());
  }

  formResetCallback(): void {
    this.value = '';
  }

  formDisabledCallback(disabled: boolean): void {
    this.formDisabled = disabled;
  }

  formStateRestoreCallback(state: string | File | FormData | null): void {
    if (typeof state === 'string') this.value = state;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('length') && this.digits.length > this.length) this.digits = this.digits.slice(0, this.length);
  }

  protected override updated(): void {
    // Set here, not bound in the template: a box must drop what was typed into it even when its digit did not change.
    this.filled().forEach((digit, index) => {
      const box = this.boxes[index];
      if (box && box.value !== digit) box.value = digit;
    });
    this.internals.setFormValue(this.value);
    this.updateValidity();
  }

  override render() {
    const disabled = this.disabled || this.formDisabled;
    const digits = this.filled();
    return html`
      <div class="base" part="base" role="group" aria-labelledby="label" aria-describedby="help-text">
        <div class="label" part="label" id="label">${this.label}</div>
        <div
          class="boxes"
          part="boxes"
          @input=${this.onInput}
          @keydown=${this.onKeydown}
          @paste=${this.onPaste}
          @focusin=${this.onFocusin}
        >
          ${digits.map(
            (_, index) => html`<input
              class="box"
              part="box"
              type="text"
              inputmode="numeric"
              autocomplete=${index === 0 ? 'one-time-code' : 'off'}
              spellcheck="false"
              aria-label=${t('codeInput.digit', { index: index + 1, length: this.length })}
              aria-invalid=${this.invalid ? 'true' : 'false'}
              data-index=${index}
              ?disabled=${disabled}
              ?readonly=${this.readonly}
            />`,
          )}
        </div>
        <div class="help-text" part="help-text" id="help-text"><slot name="help-text"></slot></div>
      </div>
    `;
  }

  /** `digits` padded to `length`. */
  private filled(): string[] {
    return Array.from({ length: this.length }, (_, index) => this.digits[index] ?? '');
  }

  /** Writes `incoming` into the boxes from `start` on and returns the new digits; excess digits are dropped. */
  private spread(incoming: readonly string[], start: number, current: readonly string[]): string[] {
    const next = Array.from({ length: this.length }, (_, index) => current[index] ?? '');
    incoming.slice(0, this.length - start).forEach((digit, offset) => (next[start + offset] = digit));
    return next;
  }

  private updateValidity(): void {
    const anchor = this.boxes[this.filled().findIndex((digit) => !digit)] ?? this.boxes[0];
    if (this.required && !this.value) {
      this.internals.setValidity({ valueMissing: true }, t('validation.required'), anchor);
    } else if (this.value && !this.complete) {
      this.internals.setValidity({ tooShort: true }, t('codeInput.incomplete', { length: this.length }), anchor);
    } else {
      this.internals.setValidity({});
    }
  }

  /** Sets the digits from a user action, moves focus to `focusIndex` and tells listeners. */
  private edit(digits: string[], focusIndex: number): void {
    const changed = digits.join(',') !== this.filled().join(',');
    const old = this.value;
    this.digits = digits;
    this.requestUpdate('value', old);
    void this.updateComplete.then(() => {
      this.focusBox(focusIndex);
      if (!changed) return;
      this.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      if (this.complete) this.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }

  private focusBox(index: number): void {
    const box = this.boxes[Math.max(0, Math.min(index, this.length - 1))];
    box?.focus();
    box?.select();
  }

  private indexOf(target: EventTarget | null): number {
    return Number((target as HTMLElement | null)?.dataset['index'] ?? 0);
  }

  private onInput(event: Event): void {
    // The box's own `input` would reach the page for what may be a half-handled keystroke; the host fires its own.
    event.stopPropagation();
    const box = event.target as HTMLInputElement;
    const index = this.indexOf(box);
    // Autofill may fire a plain `Event` without `inputType`.
    const { inputType = '', data = null } = event as Partial<InputEvent>;
    const deleted = inputType.startsWith('delete');
    const typed = inputType === 'insertText' && data ? digitsOf(data) : digitsOf(box.value);
    if (deleted || typed.length === 0) {
      box.value = this.digits[index] ?? '';
      if (deleted) this.edit(this.spread([''], index, this.digits), index);
      return;
    }
    // A whole code arriving in one box (OS one-time-code autofill) fills every box, not just this one.
    const start = typed.length >= this.length ? 0 : index;
    this.edit(this.spread(typed, start, this.digits), start + typed.length);
  }

  private onPaste(event: ClipboardEvent): void {
    event.preventDefault();
    if (this.readonly) return;
    const pasted = digitsOf(event.clipboardData?.getData('text/plain') ?? '');
    if (pasted.length === 0) return;
    const start = pasted.length >= this.length ? 0 : this.indexOf(event.target);
    this.edit(this.spread(pasted, start, this.digits), start + pasted.length);
  }

  private onKeydown(event: KeyboardEvent): void {
    const index = this.indexOf(event.target);
    // Arrows follow the boxes as drawn: their row is left to right by default, even in a right-to-left page.
    const rtl = getComputedStyle(event.currentTarget as HTMLElement).direction === 'rtl';
    const moves: Record<string, number> = {
      ArrowLeft: rtl ? index + 1 : index - 1,
      ArrowRight: rtl ? index - 1 : index + 1,
      Home: 0,
      End: this.length - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      this.focusBox(moves[event.key]!);
    } else if (event.key === 'Backspace' && !this.readonly) {
      event.preventDefault();
      if (this.digits[index]) this.edit(this.spread([''], index, this.digits), index);
      else if (index > 0) this.edit(this.spread([''], index - 1, this.digits), index - 1);
    } else if (event.key === 'Delete' && !this.readonly) {
      event.preventDefault();
      this.edit(this.spread([''], index, this.digits), index);
    } else if (event.key === 'Enter') {
      // The boxes live in this shadow root, so the browser's implicit submission cannot see the form.
      event.preventDefault();
      this.internals.form?.requestSubmit();
    }
  }

  /** Selecting the box's digit on focus makes the next keystroke replace it. */
  private onFocusin(event: FocusEvent): void {
    (event.target as HTMLInputElement).select();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-code-input': KeywayCodeInput;
  }
}
