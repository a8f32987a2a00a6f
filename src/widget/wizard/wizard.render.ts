import { html, nothing, type TemplateResult } from 'lit';
import type { Flow } from '../../protocol/flow.js';
import type { Step } from '../../protocol/step.js';
import type { KeywaySubmitEvent } from '../events/submit.js';
import { t } from '../i18n/localize.js';
import { alertIcon, backIcon } from '../internal/icons.js';
import type { FailureView } from '../internal/failure-reason.js';
import { logoSource } from './brand.js';
import { BACK_STEPS, isFinalStep, type WizardView } from './flow-view.js';

/** The step elements' parts, re-exported so a page can style them through `keyway-wizard::part(…)`. */
const STEP_PARTS = [
  'base: step',
  'heading: step-heading',
  ...['list', 'provider', 'icon', 'name', 'method', 'badge', 'form', 'form-error', 'field', 'label', 'control', 'hint'],
  ...['field-error', 'attempts', 'error', 'submit-button', 'resend-button', 'redirect', 'countdown', 'continue-button'],
  ...['qr', 'pairing', 'pairing-code', 'copy-button', 'copy-status', 'status', 'authorize-button'],
  ...['search', 'search-input', 'search-status', 'password-toggle', 'code-input', 'boxes', 'box', 'try-again-button'],
  ...['email', 'note', 'new-link-button', 'recovery-button', 'secret', 'code-list', 'download-link', 'saved-check', 'skip-button'],
].join(', ');

export interface CardState {
  view: WizardView | undefined;
  pending: boolean;
  error: { message: string; retry: boolean } | undefined;
  secondsLeft: number | undefined;
  headingLevel: number;
  /** Where the flow API lives; a brand logo must come from there (or be a data: URL). */
  apiBase: string;
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
      ${view?.type === 'flow' && view.flow.progress && view.flow.step.kind !== 'failure' && !isFinalStep(view.flow.step)
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
        ${canGoBack(flow)
          ? html`<button class="button button--text nav" part="back-button" type="button" ?disabled=${state.pending} @click=${() => state.onBack(step)}>
              ${backIcon}${t('wizard.back')}
            </button>`
          : nothing}
      </div>
      <div class="brand" part="brand">${renderBrand(brand, state.apiBase)}</div>
      <div class="header-end">
        ${isFinalStep(step)
          ? nothing
          : html`<button class="button button--text nav" part="cancel-button" type="button" ?disabled=${state.pending} @click=${() => state.onCancel(step)}>
              ${t('wizard.cancel')}
            </button>`}
      </div>
    </header>
  `;
}

/** A step the user can step back from; a sign-in's email step is its first, so there is nowhere to go back to. */
function canGoBack(flow: Flow): boolean {
  if (flow.type === 'signin' && flow.step.kind === 'credentials') return false;
  return BACK_STEPS.has(flow.step.kind);
}

/** The logo, named by its alt text, or else the brand's name. */
function renderBrand(brand: Flow['brand'], apiBase: string): TemplateResult {
  const logo = logoSource(brand.logoUrl, apiBase);
  return logo
    ? html`<img class="logo" part="logo" src=${logo} alt=${brand.name} />`
    : html`<span class="brand-name" part="brand-name">${brand.name}</span>`;
}

function renderBody(state: CardState): TemplateResult | typeof nothing {
  const { view } = state;
  if (!view) {
    if (!state.pending) return nothing;
    // The language is not known before the flow is: the words stay unseen rather than flash in the wrong one.
    return html`<div class="loading" part="loading" role="status"><span class="spinner" aria-hidden="true"></span><span class="visually-hidden">${t('common.loading')}</span></div>`;
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
    case 'signed-in':
      return html`
        <keyway-success
          class="step"
          exportparts=${STEP_PARTS}
          .step=${step}
          .headingLevel=${state.headingLevel}
          .providerName=${step.kind === 'success' ? (step.providerName ?? '') : ''}
          .secondsLeft=${state.secondsLeft}
          @keyway-continue=${state.onContinue}
        ></keyway-success>
      `;
    case 'failure':
      return renderFailure(step, state);
    case 'confirm':
      return html`
        <keyway-confirm
          class="step"
          exportparts=${STEP_PARTS}
          .step=${step}
          .headingLevel=${state.headingLevel}
          .pending=${pending}
          @keyway-submit=${onSubmit}
        >${stepLoading()}</keyway-confirm>
      `;
    case 'mfa-setup':
      return html`
        <keyway-mfa-setup class="step" exportparts=${STEP_PARTS} .step=${step} .headingLevel=${state.headingLevel} .pending=${pending} @keyway-submit=${onSubmit}
          >${stepLoading()}</keyway-mfa-setup
        >
      `;
    case 'recovery-codes':
      return html`
        <keyway-recovery-codes class="step" exportparts=${STEP_PARTS} .step=${step} .headingLevel=${state.headingLevel} .pending=${pending} @keyway-submit=${onSubmit}
          >${stepLoading()}</keyway-recovery-codes
        >
      `;
    case 'profile':
      return html`
        <keyway-profile class="step" exportparts=${STEP_PARTS} .step=${step} .headingLevel=${state.headingLevel} .pending=${pending} @keyway-submit=${onSubmit}
          >${stepLoading()}</keyway-profile
        >
      `;
    case 'password-setup':
      return html`
        <keyway-password-setup class="step" exportparts=${STEP_PARTS} .step=${step} .headingLevel=${state.headingLevel} .pending=${pending} @keyway-submit=${onSubmit}
          >${stepLoading()}</keyway-password-setup
        >
      `;
    // <keyway-qr> and <keyway-oauth> are loaded on demand: their light-DOM placeholder shows until they upgrade (no slot).
    case 'qr':
      return html`
        <keyway-qr
          class="step"
          exportparts=${STEP_PARTS}
          .step=${step}
          .headingLevel=${state.headingLevel}
          .pending=${pending}
          .providerName=${step.providerName ?? ''}
        >${stepLoading()}</keyway-qr>
      `;
    case 'oauth':
      return html`
        <keyway-oauth
          class="step"
          exportparts=${STEP_PARTS}
          .step=${step}
          .headingLevel=${state.headingLevel}
          .pending=${pending}
          .providerName=${step.providerName ?? ''}
        >${stepLoading()}</keyway-oauth>
      `;
  }
}

function stepLoading(): TemplateResult {
  return html`<div class="loading" role="status"><span class="spinner" aria-hidden="true"></span>${t('common.loading')}</div>`;
}

function renderFailure(failure: FailureView, state: CardState): TemplateResult {
  return html`
    <keyway-failure
      class="step"
      exportparts=${STEP_PARTS}
      .step=${failure}
      .headingLevel=${state.headingLevel}
      .secondsLeft=${state.secondsLeft}
      .pending=${state.pending}
      @keyway-continue=${state.onContinue}
      @keyway-submit=${state.onSubmit}
    ></keyway-failure>
  `;
}
