import { html, nothing, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Field, StepOf } from '../../protocol/index.js';
import { KeywaySubmitEvent } from '../events/submit.js';
import { t, tServer } from '../i18n/localize.js';
import { alertIcon } from '../internal/icons.js';
import { customElement } from '../internal/keyway-element.js';
import { fieldStyles, sharedStyles } from '../internal/shared.styles.js';
import { displayProviderName, StepElement } from '../internal/step-element.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './credentials.styles.js';
import { controlId, renderField } from './field.render.js';
import { credentialValues, loadCredentialRules, RULE_CODES, ruleMessage } from './rules.js';

import '../help/help.js';

type Control = HTMLInputElement | HTMLSelectElement;

/**
 * @summary The credentials step: a sign-in form built from the fields the server asks for.
 *
 * Values are checked with the server's own rules (loaded on demand) before anything is sent:
 * on submit, when a field is left after an edit, and live on a field that shows an error.
 * The server's answer (`step.errors`) is shown next to the field it names.
 *
 * Why native inputs, not a form-associated element per field: password managers (browser and
 * extension alike) look for `<input>`s owned by a `<form>`; an input inside a per-field shadow
 * root has no form owner and is skipped by several of them, and its `<label for>` and
 * `aria-describedby` could not reach across that root. So the real `<form>`, its inputs, labels
 * and messages share this one shadow root, with the server's `name` and `autocomplete`. The rule
 * results still reach the form's constraint validation, through each input's `setCustomValidity`
 * (what `ElementInternals.setValidity` does for a custom element), and a form reset clears them.
 *
 * @fires keyway-submit - With `{kind: 'credentials', stepId, values}` when the values pass the rules.
 *
 * @csspart base - The step's wrapper.
 * @csspart heading - The step heading.
 * @csspart form - The form.
 * @csspart form-error - The error that belongs to no single field.
 * @csspart field - Each label, control, hint and error group.
 * @csspart label - A field's label.
 * @csspart control - A field's input or select.
 * @csspart password-toggle - The button that shows or hides a password.
 * @csspart hint - A field's hint.
 * @csspart field-error - A field's error message.
 * @csspart submit-button - The submit button.
 *
 * @cssproperty --keyway-color-primary - The submit button.
 * @cssproperty --keyway-color-danger - Error messages and invalid fields.
 * @cssproperty --keyway-color-border - Field borders.
 * @cssproperty --keyway-color-focus - Focus ring.
 */
@customElement('keyway-credentials')
export class KeywayCredentials extends StepElement<StepOf<'credentials'>> {
  static override styles = [tokens, sharedStyles, fieldStyles, styles];

  /** Rules broken in the browser, by field name (`required`, `too_short`, …). */
  @state() private clientErrors: Record<string, string> = {};

  /** Fields edited since the server's errors arrived; their server error no longer applies. */
  @state() private edited = new Set<string>();

  /** Password fields whose value is shown as text. */
  @state() private revealed = new Set<string>();

  /** Set while the rules run on a submit, so a double click sends once. */
  private submitting = false;

  /** Moves focus to the first field the server refused, or to the heading. */
  override async focusHeading(): Promise<void> {
    const refused = this.step?.fields.find((field) => this.step?.errors?.[field.name]);
    if (!refused) return super.focusHeading();
    await this.updateComplete;
    this.control(refused.name)?.focus();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('step')) {
      this.clientErrors = {};
      this.edited = new Set();
      if (this.step) void loadCredentialRules().catch(() => undefined);
    }
  }

  protected override updated(): void {
    for (const control of this.controls()) {
      const field = this.field(control.name);
      control.setCustomValidity(field ? (this.errorFor(field) ?? '') : '');
    }
  }

  override render() {
    const step = this.step;
    if (!step) return nothing;
    // Signing in to the host app itself: the app's name stands where a provider's would.
    const provider = step.appName ?? displayProviderName(step.provider, this.providerName, step.i18n?.providerName);
    const signIn = step.appName !== undefined;
    const formErrors = this.formErrors();
    return html`
      <div part="base">
        <div class="heading-row">
          <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${t('credentials.heading', { provider })}</div>
          ${step.help ? html`<keyway-help class="help" .text=${tServer(step.help, step.i18n?.help)} .topic=${provider}></keyway-help>` : nothing}
        </div>
        <p class="intro">${signIn ? t('credentials.signInIntro', { app: provider }) : t('credentials.intro', { provider })}</p>
        <form part="form" novalidate aria-busy=${this.pending ? 'true' : 'false'} @submit=${this.onSubmit} @input=${this.onInput} @change=${this.onChange} @reset=${this.onReset}>
          ${formErrors.length
            ? html`<div class="alert" part="form-error" role="alert">${alertIcon}<div>${formErrors.map((message) => html`<p>${message}</p>`)}</div></div>`
            : nothing}
          ${repeat(
            step.fields,
            (field) => field.name,
            (field) =>
              renderField({
                field,
                error: this.errorFor(field),
                pending: this.pending,
                revealed: this.revealed.has(field.name),
                onToggleReveal: (target) => this.toggleReveal(target),
              }),
          )}
          <div class="actions">
            <button class="button button--primary" part="submit-button" type="submit" ?disabled=${this.pending}>
              ${this.pending
                ? html`<span class="spinner" aria-hidden="true"></span>${t('common.working')}`
                : signIn
                  ? t('confirm.continue')
                  : t('credentials.submit')}
            </button>
          </div>
        </form>
      </div>
    `;
  }

  /** The message shown next to a field: the browser's check first, else the server's answer until the field is edited. */
  private errorFor(field: Field): string | undefined {
    const rule = this.clientErrors[field.name];
    if (rule) return ruleMessage(rule, field);
    return this.edited.has(field.name) ? undefined : this.serverError(field.name);
  }

  /** The server's error for a field (or `_form`), in the user's language when its key is known. */
  private serverError(name: string): string | undefined {
    const text = this.step?.errors?.[name];
    if (text === undefined) return undefined;
    // The server's own check of the rules answers with a rule's code, which the wizard words itself.
    const field = this.field(name);
    if (field && RULE_CODES.has(text)) return ruleMessage(text, field);
    return tServer(text, this.step?.i18n?.errors?.[name]);
  }

  /** `_form`, and errors about fields this form does not show, go above the fields. */
  private formErrors(): string[] {
    const errors = this.step?.errors ?? {};
    const names = new Set(this.step?.fields.map((field) => field.name));
    return Object.entries(errors)
      .filter(([name]) => !names.has(name))
      .sort(([a], [b]) => Number(b === '_form') - Number(a === '_form'))
      .map(([name, message]) => tServer(message, this.step?.i18n?.errors?.[name]));
  }

  private field(name: string): Field | undefined {
    return this.step?.fields.find((field) => field.name === name);
  }

  private control(name: string): Control | null {
    return this.renderRoot.querySelector<Control>(`#${controlId(name)}`);
  }

  private controls(): Control[] {
    return [...this.renderRoot.querySelectorAll<Control>('input.control, select.control')];
  }

  private values(fields: readonly Field[]): Record<string, string> {
    return credentialValues(fields, (name) => this.control(name)?.value ?? '');
  }

  /** Runs the rules on the current values; `names` limits which fields' errors are updated. */
  private async check(names?: readonly string[]): Promise<Record<string, string>> {
    const step = this.step;
    if (!step) return {};
    const credentialErrors = await loadCredentialRules();
    const errors = credentialErrors(step.fields, this.values(step.fields));
    if (this.step !== step) return {};
    if (!names) {
      this.clientErrors = errors;
    } else {
      const next = { ...this.clientErrors };
      for (const name of names) {
        if (errors[name]) next[name] = errors[name];
        else delete next[name];
      }
      this.clientErrors = next;
    }
    return errors;
  }

  private onInput(event: Event): void {
    const name = (event.target as Partial<Control>).name;
    if (!name || !this.field(name)) return;
    if (!this.edited.has(name)) this.edited = new Set(this.edited).add(name);
    // A field that shows an error is re-checked as the user types, so the message goes as soon as it is fixed.
    if (name in this.clientErrors) void this.check([name]).catch(() => undefined);
  }

  /** Leaving a field after editing it checks that field (and says nothing about fields not reached yet). */
  private onChange(event: Event): void {
    const name = (event.target as Partial<Control>).name;
    if (name && this.field(name)) void this.check([name]).catch(() => undefined);
  }

  private onReset(): void {
    this.clientErrors = {};
    this.revealed = new Set();
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const step = this.step;
    if (!step || this.pending || this.submitting) return;
    this.submitting = true;
    try {
      const errors = await this.check();
      const firstInvalid = step.fields.find((field) => errors[field.name]);
      if (firstInvalid) {
        this.control(firstInvalid.name)?.focus();
        return;
      }
    } catch {
      // The rules could not be loaded (a network blip): send anyway, the server applies the same rules and names the fields.
    } finally {
      this.submitting = false;
    }
    if (this.step !== step || this.pending) return;
    this.emit(new KeywaySubmitEvent({ kind: 'credentials', stepId: step.id, values: this.values(step.fields) }));
  }

  /**
   * Shows or hides a password. Focus and caret stay put without help: a mouse click on the button
   * does not take focus (see `keepFocusWhereItIs`), and changing an input between password and text
   * keeps its selection.
   */
  private toggleReveal(field: Field): void {
    const revealed = new Set(this.revealed);
    if (!revealed.delete(field.name)) revealed.add(field.name);
    this.revealed = revealed;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-credentials': KeywayCredentials;
  }
}
