import { html, nothing, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Field, StepOf } from '../../protocol/index.js';
import { credentialErrors } from '../../protocol/credentials.js';
import { controlId, renderField } from '../credentials/field.render.js';
import { credentialValues, ruleMessage } from '../credentials/rules.js';
import { styles as formStyles } from '../credentials/credentials.styles.js';
import { KeywaySubmitEvent } from '../events/submit.js';
import { t, tServer } from '../i18n/localize.js';
import { customElement } from '../internal/keyway-element.js';
import { tOnboarding } from '../internal/onboarding-words.js';
import { fieldStyles, sharedStyles } from '../internal/shared.styles.js';
import { StepElement } from '../internal/step-element.js';
import { tokens } from '../theme/tokens.js';

type Control = HTMLInputElement | HTMLSelectElement;

/** The browser's own zone, offered when the user has none stored yet. */
function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * @summary Onboarding's profile step: the fields the app asks for (first and last name, phone,
 * time zone…), prefilled with what the app already knows.
 *
 * Loaded on demand (see `lazy.ts`). The fields are drawn as the credentials step draws its own
 * (native inputs in one form, so browsers' autofill of names and phone numbers works) and checked
 * with the same rules before anything is sent; the server's answer is shown next to its field
 * until that field is edited. An empty time zone starts on the browser's own.
 *
 * @fires keyway-submit - With `{kind: 'profile', stepId, values}` when the values pass the rules.
 *
 * @csspart base - The step's wrapper.
 * @csspart heading - The step heading.
 * @csspart form - The form.
 * @csspart field - Each label, control, hint and error group.
 * @csspart label - A field's label.
 * @csspart control - A field's input or select.
 * @csspart hint - A field's hint.
 * @csspart field-error - A field's error message.
 * @csspart submit-button - The continue button.
 */
@customElement('keyway-profile')
export class KeywayProfile extends StepElement<StepOf<'profile'>> {
  static override styles = [tokens, sharedStyles, fieldStyles, formStyles];

  /** Rules broken in the browser, by field name. */
  @state() private clientErrors: Record<string, string> = {};

  /** Fields edited since the server's errors arrived. */
  @state() private edited = new Set<string>();

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
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A select's starting value is set here: its options are drawn without `selected`.
    if (!changed.has('step')) return;
    for (const field of this.step?.fields ?? []) {
      if (field.type !== 'select') continue;
      const control = this.control(field.name);
      const start = field.value ?? (field.name === 'timezone' ? browserTimeZone() : undefined);
      if (control && start && field.options?.some((option) => option.value === start)) control.value = start;
    }
  }

  override render() {
    const step = this.step;
    if (!step) return nothing;
    return html`
      <div part="base">
        <div role="heading" aria-level=${this.headingLevel} class="heading" part="heading" tabindex="-1" data-step-heading>${tOnboarding('profile.heading')}</div>
        <p class="intro">${tOnboarding('profile.intro', { app: step.appName })}</p>
        <form part="form" novalidate aria-busy=${this.pending ? 'true' : 'false'} @submit=${this.onSubmit} @input=${this.onInput}>
          ${repeat(
            step.fields,
            (field) => field.name,
            (field) => renderField({ field, error: this.errorFor(field), pending: this.pending, revealed: false, onToggleReveal: () => undefined }),
          )}
          <div class="actions">
            <button class="button button--primary" part="submit-button" type="submit" ?disabled=${this.pending}>
              ${this.pending ? html`<span class="spinner" aria-hidden="true"></span>${t('common.working')}` : tOnboarding('profile.submit')}
            </button>
          </div>
        </form>
      </div>
    `;
  }

  private errorFor(field: Field): string | undefined {
    const rule = this.clientErrors[field.name];
    if (rule) return ruleMessage(rule, field);
    const refused = this.edited.has(field.name) ? undefined : this.step?.errors?.[field.name];
    return refused === undefined ? undefined : tServer(refused, this.step?.i18n?.errors?.[field.name]);
  }

  private control(name: string): Control | null {
    return this.renderRoot.querySelector<Control>(`#${controlId(name)}`);
  }

  private values(fields: readonly Field[]): Record<string, string> {
    return credentialValues(fields, (name) => this.control(name)?.value.trim() ?? '');
  }

  private onInput(event: Event): void {
    const name = (event.target as Partial<Control>).name;
    if (!name) return;
    if (!this.edited.has(name)) this.edited = new Set(this.edited).add(name);
    if (name in this.clientErrors) {
      const { [name]: _fixed, ...rest } = this.clientErrors;
      this.clientErrors = rest;
    }
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const step = this.step;
    if (!step || this.pending) return;
    const values = this.values(step.fields);
    const errors = credentialErrors(step.fields, values);
    this.clientErrors = errors;
    const firstInvalid = step.fields.find((field) => errors[field.name]);
    if (firstInvalid) {
      this.control(firstInvalid.name)?.focus();
      return;
    }
    this.emit(new KeywaySubmitEvent({ kind: 'profile', stepId: step.id, values }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-profile': KeywayProfile;
  }
}
