import { html, nothing, svg, type TemplateResult } from 'lit';
import type { Field } from '../../protocol/step.js';
import { t, tServer } from '../i18n/localize.js';

/* Decorative: the button's translated label and aria-pressed carry the meaning. A slash marks "shown". */
const eye = (slashed: boolean) =>
  svg`<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/>${slashed ? svg`<path d="M3 3l18 18"/>` : nothing}</svg>`;

export interface FieldView {
  field: Field;
  /** The message to show next to the field, if its value is refused. */
  error: string | undefined;
  pending: boolean;
  /** A password field shows its value as text. */
  revealed: boolean;
  onToggleReveal(field: Field): void;
}

export const controlId = (name: string): string => `field-${name}`;
export const errorId = (name: string): string => `field-${name}-error`;
const hintId = (name: string): string => `field-${name}-hint`;

/** Label (with its help), control, hint and error of one field the server asked for. */
export function renderField(view: FieldView): TemplateResult {
  const { field, error } = view;
  const label = tServer(field.label, field.i18n?.label);
  const describedBy = [field.hint ? hintId(field.name) : '', error ? errorId(field.name) : ''].filter(Boolean).join(' ');
  return html`
    <div class="field" part="field">
      <div class="label-row">
        <label class="label" part="label" for=${controlId(field.name)}>${label}</label>
        ${field.help ? html`<keyway-help .text=${tServer(field.help, field.i18n?.help)} .topic=${label}></keyway-help>` : nothing}
      </div>
      ${field.type === 'select' ? renderSelect(view, describedBy) : renderInput(view, describedBy)}
      ${field.hint ? html`<p class="hint" part="hint" id=${hintId(field.name)}>${tServer(field.hint, field.i18n?.hint)}</p>` : nothing}
      ${error ? html`<p class="field-error" part="field-error" id=${errorId(field.name)} role="alert">${error}</p>` : nothing}
    </div>
  `;
}

function inputType(view: FieldView): string {
  const { type } = view.field;
  if (type === 'password') return view.revealed ? 'text' : 'password';
  // The server's number rule is about text ("-12.5"); type=number would hide a bad value as '' and let the wheel change it.
  if (type === 'number') return 'text';
  return type;
}

function renderInput(view: FieldView, describedBy: string): TemplateResult {
  const { field, error, pending } = view;
  const freeText = field.type === 'text' || field.type === 'email' || field.type === 'password';
  const input = html`
    <input
      class="control"
      part="control"
      id=${controlId(field.name)}
      name=${field.name}
      type=${inputType(view)}
      autocomplete=${field.autocomplete ?? nothing}
      value=${field.value ?? nothing}
      ?required=${field.required}
      minlength=${field.minLength ?? nothing}
      maxlength=${field.maxLength ?? nothing}
      inputmode=${field.type === 'number' ? 'decimal' : nothing}
      autocapitalize=${freeText ? 'off' : nothing}
      spellcheck="false"
      aria-invalid=${error ? 'true' : nothing}
      aria-describedby=${describedBy || nothing}
      ?readonly=${pending}
    />
  `;
  if (field.type !== 'password') return input;
  return html`
    <div class="password">
      ${input}
      <button
        class="reveal"
        part="password-toggle"
        type="button"
        aria-label=${t('credentials.showPassword')}
        aria-pressed=${view.revealed ? 'true' : 'false'}
        aria-controls=${controlId(field.name)}
        @mousedown=${keepFocusWhereItIs}
        @click=${() => view.onToggleReveal(field)}
      >
        ${eye(view.revealed)}
      </button>
    </div>
  `;
}

function renderSelect(view: FieldView, describedBy: string): TemplateResult {
  const { field, error, pending } = view;
  return html`
    <select
      class="control"
      part="control"
      id=${controlId(field.name)}
      name=${field.name}
      autocomplete=${field.autocomplete ?? nothing}
      ?required=${field.required}
      aria-invalid=${error ? 'true' : nothing}
      aria-describedby=${describedBy || nothing}
      ?disabled=${pending}
    >
      <option value="">${t('credentials.choose')}</option>
      ${(field.options ?? []).map((option) => html`<option value=${option.value}>${option.label}</option>`)}
    </select>
  `;
}

/** A mouse click on the reveal button leaves focus (and the caret) in the password field. */
function keepFocusWhereItIs(event: MouseEvent): void {
  event.preventDefault();
}
