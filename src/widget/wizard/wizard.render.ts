import { html, nothing, type TemplateResult } from 'lit';
import type { Flow } from '../../protocol/flow.js';
import type { Step } from '../../protocol/step.js';
import type { KeywaySubmitEvent } from '../events/submit.js';
import { t } from '../i18n/localize.js';
import { alertIcon, backIcon } from '../internal/icons.js';
import type { FailureView } from '../internal/failure-reason.js';
import { BACK_STEPS, FINAL_STEPS, type WizardView } from './flow-view.js';

/** The step elements' parts, re-exported so a page can style them through `keyway-wizard::part(…)`. */
const STEP_PARTS = [
  'base: step',
  'heading: step-heading',
  ...['list', 'provider', 'icon', 'name', 'method', 'badge', 'form', 'form-error', 'field', 'label', 'control', 'hint'],
  ...['field-error', 'attempts', 'error', 'submit-button', 'resend-button', 'redirect', 'countdown', 'continue-button'],
].join(', ');

export interface CardState {
  view: WizardView | undefined;
  pending: boolean;
  error: { message: string; retry: boolean } | undefined;
  secondsLeft: number | undefined;
  headingLevel: number;
  onSubmit(event: KeywaySubmitEvent): void;
  onBack(step: Step): void;
  onCancel(step: Step): void;
  onContinue(): void;
  onRetry(): void;
}

/** The wizard's card: header, alert region and the current step. */
export function renderCard(state: CardState): TemplateResult {
  const { view } = state;
  return html`
    <div class="card" part="base" aria-busy=${state.pending ? 'true' : 'false'}>
      ${view?.type === 'flow' ? renderHeader(view.flow, state) : nothing}
      ${view?.type === 'flow' && view.flow.progress && !FINAL_STEPS.has(view.flow.step.kind)
        ? html`<keyway-progress class="progress" part="progress" exportparts="label: progress-label, segment: progress-segment, done: progress-done" .step=${view.flow.progress.step} .of=${view.flow.progress.of}></keyway-progress>`
        : nothing}
      <div class="body" part="body">
        <div class="alert-region" part="alert" role="alert">${state.error
          ? html`<p class="alert">${alertIcon}<span>${state.error.message}</span></p>`
          : nothing}</div>
        ${state.error?.retry
          ? html`<button class="button button--secondary retry" part="retry-button" type="button" @click=${state.onRetry}>
              ${t('common.retry')}
            </button>`
          : nothing}
        ${renderBody(state)}
      </div>
    </div>
  `;
}

function renderHeader(flow: Flow, state: CardState): TemplateResult {
  const { step, brand } = flow;
  return html`
    <header class="header" part="header">
      <div class="header-start">
        ${BACK_STEPS.has(step.kind)
          ? html`<button class="button button--text nav" part="back-button" type="button" ?disabled=${state.pending} @click=${() => state.onBack(step)}>
              ${backIcon}${t('wizard.back')}
            </button>`
          : nothing}
      </div>
      <div class="brand" part="brand">
        ${brand.logoUrl ? html`<img class="logo" src=${brand.logoUrl} alt="" width="24" height="24" />` : nothing}
        <span class="brand-name">${brand.name}</span>
      </div>
      <div class="header-end">
        ${FINAL_STEPS.has(step.kind)
          ? nothing
          : html`<button class="button button--text nav" part="cancel-button" type="button" ?disabled=${state.pending} @click=${() => state.onCancel(step)}>
              ${t('wizard.cancel')}
            </button>`}
      </div>
    </header>
  `;
}

function renderBody(state: CardState): TemplateResult | typeof nothing {
  const { view } = state;
  if (!view) {
    if (!state.pending) return nothing;
    return html`<div class="loading" role="status"><span class="spinner" aria-hidden="true"></span>${t('common.loading')}</div>`;
  }
  if (view.type === 'link-error') return renderFailure(view.failure, state);
  return renderStep(view.flow.step, state);
}

function renderStep(step: Step, state: CardState): TemplateResult {
  const { pending, onSubmit } = state;
  switch (step.kind) {
    case 'providers':
      return html`
        <keyway-providers class="step" exportparts=${STEP_PARTS} .step=${step} .pending=${pending} .headingLevel=${state.headingLevel} @keyway-submit=${onSubmit}>
        </keyway-providers>
      `;
    case 'credentials':
      return html`
        <keyway-credentials
          class="step"
          exportparts=${STEP_PARTS}
          .step=${step}
          .headingLevel=${state.headingLevel}
          .pending=${pending}
          .providerName=${step.providerName ?? ''}
          @keyway-submit=${onSubmit}
        ></keyway-credentials>
      `;
    case 'mfa':
      return html`
        <keyway-mfa
          class="step"
          exportparts=${STEP_PARTS}
          .step=${step}
          .headingLevel=${state.headingLevel}
          .pending=${pending}
          .providerName=${step.providerName ?? ''}
          @keyway-submit=${onSubmit}
        ></keyway-mfa>
      `;
    case 'success':
      return html`
        <keyway-success
          class="step"
          exportparts=${STEP_PARTS}
          .step=${step}
          .headingLevel=${state.headingLevel}
          .providerName=${step.providerName ?? ''}
          .secondsLeft=${state.secondsLeft}
          @keyway-continue=${state.onContinue}
        ></keyway-success>
      `;
    case 'failure':
      return renderFailure(step, state);
    case 'qr':
    case 'oauth':
      // Drawn by their own elements in a later version; until then the user can go back or cancel.
      return html`<p class="unsupported">${t('wizard.unsupportedStep')}</p>`;
  }
}

function renderFailure(failure: FailureView, state: CardState): TemplateResult {
  return html`
    <keyway-failure
      class="step"
      exportparts=${STEP_PARTS}
      .step=${failure}
      .headingLevel=${state.headingLevel}
      .secondsLeft=${state.secondsLeft}
      @keyway-continue=${state.onContinue}
    ></keyway-failure>
  `;
}
