import { html, nothing, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Field, StepOf } from '../../protocol/index.js';
import { KeywaySubmitEvent } from '../events/submit.js';
import { t } from '../i18n/localize.js';
import { alertIcon } from '../internal/icons.js';
import { customElement } from '../internal/keyway-element.js';
import { fieldStyles, sharedStyles } from '../internal/shared.styles.js';
import { displayProviderName, StepElement } from '../internal/step-element.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './credentials.styles.js';
import { validationMessage } from './validation.js';

type Control = HTMLInputElement | HTMLSelectElement;

/**
 * @summary The credentials step: a sign-in form built from the fields the server asks for.
 *
 * Fields keep the server's `name` and `autocomplete` so password managers can fill them.
 * Required, pattern and length rules are checked with the browser's constraint
 * API before anything is sent; the server checks them again.
 *
 * @fires keyway-submit - With `{kind: 'credentials', stepId, values}` when a valid form is submitted.
 *
 * @csspart base - The step's wrapper.
 * @csspart heading - The step heading.
 * @csspart form - The form.
 * @csspart form-error - The error that belongs to no single field.
 * @csspart field - Each label, control, hint and error group.
 * @csspart label - A field's label.
 * @csspart control - A field's input or select.
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

  /** Errors found in the browser, by field name. */
  @state() private clientErrors: Record<string, string> = {};

  /** Fields edited since the server's errors arrived; their server error no longer applies. */
  @state() private edited = new Set<string>();

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('step')) {
      this.clientErrors = {};
      this.edited = new Set();
    }
  }

  override render() {
    const step = this.step;
    if (!step) return nothing;
    const provider = displayProviderName(step.provider, this.providerName);
    const formError = step.errors?.['_form'];
    return html`
      <div part="base">
        <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${t('credentials.heading', { provider })}</div>
        <p class="intro">${t('credentials.intro', { provider })}</p>
        ${formError
          ? html`<p class="alert" part="form-error" role="alert">${alertIcon}<span>${formError}</span></p>`
          : nothing}
        <form part="form" novalidate @submit=${this.onSubmit} @input=${this.onInput} @change=${this.onInput}>
          ${repeat(step.fields, (field) => field.name, (field) => this.renderField(field))}
          <div class="actions">
            <button class="button button--primary" part="submit-button" type="submit" ?disabled=${this.pending}>
              ${this.pending
                ? html`<span class="spinner" aria-hidden="true"></span>${t('common.working')}`
                : t('credentials.submit')}
            </button>
          </div>
        </form>
      </div>
    `;
  }

  private renderField(field: Field) {
    const id = `field-${field.name}`;
    const error = this.errorFor(field.name);
    const describedBy = [field.hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
    return html`
      <div class="field" part="field">
        <label class="label" part="label" for=${id}>${field.label}</label>
        ${field.type === 'select' ? this.renderSelect(field, id, describedBy, error) : this.renderInput(field, id, describedBy, error)}
        ${field.hint ? html`<p class="hint" part="hint" id=${`${id}-hint`}>${field.hint}</p>` : nothing}
        ${error ? html`<p class="field-error" part="field-error" id=${`${id}-error`} role="alert">${error}</p>` : nothing}
      </div>
    `;
  }

  private renderInput(field: Field, id: string, describedBy: string, error: string | undefined) {
    const freeText = field.type === 'text' || field.type === 'email';
    return html`
      <input
        class="control"
        part="control"
        id=${id}
        name=${field.name}
        type=${field.type}
        autocomplete=${field.autocomplete ?? nothing}
        ?required=${field.required}
        pattern=${field.type === 'number' ? nothing : (field.pattern ?? nothing)}
        minlength=${field.minLength ?? nothing}
        maxlength=${field.maxLength ?? nothing}
        inputmode=${field.type === 'number' ? 'numeric' : nothing}
        autocapitalize=${freeText ? 'off' : nothing}
        spellcheck="false"
        aria-invalid=${error ? 'true' : nothing}
        aria-describedby=${describedBy || nothing}
        ?disabled=${this.pending}
      />
    `;
  }

  private renderSelect(field: Field, id: string, describedBy: string, error: string | undefined) {
    return html`
      <select
        class="control"
        part="control"
        id=${id}
        name=${field.name}
        autocomplete=${field.autocomplete ?? nothing}
        ?required=${field.required}
        aria-invalid=${error ? 'true' : nothing}
        aria-describedby=${describedBy || nothing}
        ?disabled=${this.pending}
      >
        <option value="">${t('credentials.choose')}</option>
        ${(field.options ?? []).map((option) => html`<option value=${option.value}>${option.label}</option>`)}
      </select>
    `;
  }

  private errorFor(name: string): string | undefined {
    return this.clientErrors[name] ?? (this.edited.has(name) ? undefined : this.step?.errors?.[name]);
  }

  private controls(): Control[] {
    return [...this.renderRoot.querySelectorAll<Control>('input.control, select.control')];
  }

  private onInput(event: Event): void {
    const name = (event.target as Partial<Control>).name;
    if (!name || (this.edited.has(name) && !(name in this.clientErrors))) return;
    this.edited = new Set(this.edited).add(name);
    const { [name]: _cleared, ...rest } = this.clientErrors;
    this.clientErrors = rest;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const step = this.step;
    if (!step || this.pending) return;
    const controls = this.controls();
    const errors: Record<string, string> = {};
    for (const control of controls) {
      const field = step.fields.find((candidate) => candidate.name === control.name);
      const message = field ? validationMessage(control, field) : undefined;
      if (message) errors[control.name] = message;
    }
    this.clientErrors = errors;
    const firstInvalid = controls.find((control) => control.name in errors);
    if (firstInvalid) {
      firstInvalid.focus();
      return;
    }
    const values = Object.fromEntries(controls.map((control) => [control.name, control.value]));
    this.emit(new KeywaySubmitEvent({ kind: 'credentials', stepId: step.id, values }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-credentials': KeywayCredentials;
  }
}
