import { Task, TaskStatus } from '@lit/task';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { HOST_MESSAGE_VERSION } from '../../protocol/constants.js';
import type { Flow } from '../../protocol/flow.js';
import type { HostMessage, HostMessageType } from '../../protocol/host-message.js';
import type { Step, StepInput } from '../../protocol/index.js';
import { KeywayExitEvent } from '../events/exit.js';
import { KeywayFailureEvent } from '../events/failure.js';
import { KeywayStepEvent } from '../events/step.js';
import type { KeywaySubmitEvent } from '../events/submit.js';
import { KeywaySuccessEvent } from '../events/success.js';
import { chooseLanguage, loadTranslation, markLanguage, setLanguage, t } from '../i18n/localize.js';
import type { FailureView } from '../internal/failure-reason.js';
import { customElement, KeywayElement } from '../internal/keyway-element.js';
import { sharedStyles } from '../internal/shared.styles.js';
import { StepElement } from '../internal/step-element.js';
import { themeScheme, tokens, type Theme } from '../theme/tokens.js';
import { applyBrand } from './brand.js';
import { FlowApiError, FlowClient, FlowNetworkError, flowTokenStore } from './flow-client.js';
import { describeError, isApiError, linkErrorView, type WizardAction, type WizardView } from './flow-view.js';
import { isHttpUrl } from '../../protocol/url-rules.js';
import { postToHost, type HostMessageTarget } from './host-messages.js';
import { LiveFlow } from './live-flow.js';
import { RedirectCountdown } from './redirect-countdown.js';
import { renderCard } from './wizard.render.js';
import { styles } from './wizard.styles.js';
import { ON_DEMAND_STEPS } from './step-elements.js';

type HostMessageData<T extends HostMessageType> = Extract<HostMessage, { type: T }>['data'];

/**
 * @summary The Keyway wizard: opens a flow from a link and walks the user through its steps.
 *
 * The server drives the flow; this element draws the step it is given, posts the
 * user's input back, tells the host page what happens (postMessage to the flow's
 * host origins only) and redirects when the flow ends.
 *
 * It speaks the flow's `locale` when supported (en, fr, de, es, ar; `fr-CA` uses
 * fr), else the browser's first supported language, else English, and sets `lang`
 * and `dir` on itself (also on `<html>` when it is the page, `heading-level="1"`).
 * Light or dark follows the system unless `theme` forces one.
 *
 * @fires keyway-step - A new step is shown. `detail: {kind, flowId}`.
 * @fires keyway-success - The account is connected. `detail: {flowId, accountId, provider}`.
 * @fires keyway-failure - The flow ended without an account, or the link was refused. `detail: {flowId, reason, message}`.
 * @fires keyway-exit - The user cancelled. `detail: {flowId}`.
 *
 * @csspart base - The card.
 * @csspart header - The bar with the back button, brand and cancel button.
 * @csspart back-button - The back button.
 * @csspart brand - The brand's logo or name.
 * @csspart logo - The brand's logo (its `alt` is the brand name).
 * @csspart brand-name - The brand's name, when there is no logo.
 * @csspart cancel-button - The cancel button.
 * @csspart progress - The "step n of m" indicator (`progress-label`, `progress-segment`, `progress-done` inside).
 * @csspart body - Where the step is drawn.
 * @csspart loading - The spinner shown while the link is being opened.
 * @csspart alert - Errors from the server or the network.
 * @csspart retry-button - Repeats the request that failed.
 * @csspart step - The current step element's `base`; its other parts are exported under their own
 *   names (`step-heading`, `provider`, `control`, `submit-button`, `countdown`, …).
 *
 * @cssproperty --keyway-color-primary - Buttons and accents; a brand's `primaryColor` sets it.
 * @cssproperty --keyway-color-on-primary - Text on primary; set with the brand colour for contrast.
 * @cssproperty --keyway-radius - Corner radius of the card; a brand's `radius` sets it.
 * @cssproperty --keyway-color-surface - Card background.
 * @cssproperty --keyway-color-text - Body text.
 * @cssproperty --keyway-font-family - Font stack. All tokens are listed in `theme/tokens.ts`.
 */
@customElement('keyway-wizard')
export class KeywayWizard extends KeywayElement {
  static override styles = [tokens, themeScheme, sharedStyles, styles];

  /** The link token from the hosted URL. */
  @property() link = '';

  /** A user token (seed 002) from a `/login/?token=` URL, posted instead of a link to sign the user in. */
  @property({ attribute: 'user-token' }) userToken = '';

  /** With `user-token`: the path inside the app to land on afterwards (`closeOnboardingRedirect`). */
  @property({ attribute: 'return-to' }) returnTo = '';

  /** With `user-token`: run the app's onboarding steps before the sign-in completes (`openOnboarding=true`). */
  @property({ type: Boolean, attribute: 'open-onboarding' }) openOnboarding = false;

  /** Origin (and optional path prefix) of the flow API; empty means this page's origin. */
  @property({ attribute: 'api-base' }) apiBase = '';

  /** Milliseconds shown on the success and failure steps before the redirect. */
  @property({ type: Number, attribute: 'redirect-delay' }) redirectDelay = 3000;

  /** Level of the step headings: 1 when the wizard is the page's main content (the hosted page), 2 inside a host page. */
  @property({ type: Number, attribute: 'heading-level' }) headingLevel = 2;

  /** `auto` follows the system's light or dark preference; `light` or `dark` forces one. */
  @property({ reflect: true }) theme: Theme = 'auto';

  @state() protected view?: WizardView;

  /** Set when a step's element, loaded on demand, could not be fetched. */
  @state() private stepLoadError?: unknown;

  /** Interval of the polling fallback when the flow events stream is unavailable; tests shorten it. */
  protected flowPollIntervalMs = 2000;

  /** Listens to the flow events while a QR or OAuth step waits for a phone or a popup. */
  private readonly liveFlow = new LiveFlow(
    this,
    () => ({
      flow: this.view?.type === 'flow' ? this.view.flow : undefined,
      flowToken: this.flowToken,
      apiBase: this.apiBase,
      link: this.link,
      busy: this.request.status === TaskStatus.PENDING,
      pollIntervalMs: this.flowPollIntervalMs,
    }),
    (flow) => this.show({ type: 'flow', flow }),
  );

  private flowToken?: string;
  private lastAction: WizardAction = { type: 'open' };
  private resumeOnConnect = false;
  private readonly countdown = new RedirectCountdown(this, (url) => this.redirect(url));
  private resizeObserver?: ResizeObserver;
  private lastHeight = 0;

  private readonly request = new Task<[WizardAction], WizardView>(this, {
    autoRun: false,
    task: async ([action], { signal }) => this.inItsLanguage(await this.perform(action, signal)),
    onComplete: (view) => this.show(view),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    // The likely table starts loading while the link is being opened.
    loadTranslation(chooseLanguage(undefined, navigator.languages)).catch(() => undefined);
    if (this.isFramed()) {
      this.observeHeight();
      window.addEventListener('keydown', this.onFramedEscape);
    }
    if (this.resumeOnConnect) {
      this.resumeOnConnect = false;
      void this.run(this.lastAction);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    window.removeEventListener('keydown', this.onFramedEscape);
    if (this.request.status === TaskStatus.PENDING) {
      this.resumeOnConnect = true;
      this.request.abort();
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('link') || changed.has('userToken') || changed.has('apiBase')) {
      this.flowToken = undefined;
      this.view = undefined;
      this.countdown.stop();
      if (this.link || this.userToken) void this.run({ type: 'open' });
      else this.view = linkErrorView(new FlowApiError(404, 'link_not_found', 'No link was given.'));
    }
  }

  override render() {
    const error = this.request.status === TaskStatus.ERROR ? this.request.error : this.stepLoadError;
    return renderCard({
      view: this.view,
      pending: this.request.status === TaskStatus.PENDING,
      error: error === undefined ? undefined : describeError(error),
      secondsLeft: this.countdown.secondsLeft,
      headingLevel: this.headingLevel,
      apiBase: this.apiBase,
      onSubmit: (event) => this.onStepSubmit(event),
      onBack: (step) => void this.run({ type: 'submit', input: { kind: 'back', stepId: step.id } }),
      onCancel: (step) => void this.cancel(step),
      onContinue: () => this.countdown.now(),
      onRetry: () => void this.run(this.lastAction),
    });
  }

  /** Where host messages go: the opener of a popup, else the parent of a frame, else nowhere. */
  protected messageTarget(): HostMessageTarget | null {
    if (window.opener) return window.opener as HostMessageTarget;
    return window.parent !== window ? window.parent : null;
  }

  protected isFramed(): boolean {
    return window.parent !== window;
  }

  /** Leaves for the host's success or failure URL. */
  protected redirect(url: string): void {
    window.location.assign(url);
  }

  /**
   * Loads the words of the view's language (the flow's locale, else the browser's)
   * before the view is shown, so that a French link never flashes English.
   */
  private async inItsLanguage(view: WizardView): Promise<WizardView> {
    const locale = view.type === 'flow' ? view.flow.locale : undefined;
    const language = await setLanguage(chooseLanguage(locale, navigator.languages));
    markLanguage(this, language);
    // On the hosted page the wizard is the page (its headings start at h1): the document speaks its language too.
    if (this.headingLevel === 1) {
      markLanguage(document.documentElement, language);
      document.title = t('providers.heading');
    }
    return view;
  }

  private run(action: WizardAction): Promise<void> {
    // A request of the user's own decides the next step; a late event must not overwrite its answer.
    this.liveFlow.stop();
    this.lastAction = action;
    return this.request.run([action]);
  }

  private async perform(action: WizardAction, signal: AbortSignal): Promise<WizardView> {
    const client = new FlowClient(this.apiBase, this.link);
    const token = this.flowToken ?? flowTokenStore.read(this.storageKey);
    if (action.type === 'submit' && token) {
      try {
        return { type: 'flow', flow: await client.submit(token, action.input, signal) };
      } catch (error) {
        // Another tab moved the flow on, or it expired: the server's current step is the truth.
        if (isApiError(error, 409, 'step_mismatch') || isApiError(error, 410)) {
          return { type: 'flow', flow: await client.current(token, signal) };
        }
        if (!isApiError(error, 401)) throw error;
        this.forgetToken();
        return this.openFlow(client, signal);
      }
    }
    if (token) {
      try {
        const flow = await client.current(token, signal);
        this.flowToken = token;
        return { type: 'flow', flow };
      } catch (error) {
        if (!isApiError(error, 401)) throw error;
        this.forgetToken();
      }
    }
    return this.openFlow(client, signal);
  }

  private async openFlow(client: FlowClient, signal: AbortSignal): Promise<WizardView> {
    try {
      const request = this.link
        ? { link: this.link }
        : { userToken: this.userToken, ...(this.returnTo ? { closeOnboardingRedirect: this.returnTo } : {}), ...(this.openOnboarding ? { openOnboarding: true } : {}) };
      const opened = await client.open(request, signal);
      this.flowToken = opened.token;
      flowTokenStore.write(this.storageKey, opened.token);
      return { type: 'flow', flow: opened.flow };
    } catch (error) {
      const refused = linkErrorView(error);
      if (refused) return refused;
      throw error;
    }
  }

  /** What the flow token is kept under: the link, or the user token that opened the flow. */
  private get storageKey(): string {
    return this.link || this.userToken;
  }

  private forgetToken(): void {
    this.flowToken = undefined;
    flowTokenStore.forget(this.storageKey);
  }

  private show(view: WizardView): void {
    const previous = this.view;
    this.view = view;
    if (view.type === 'link-error') {
      this.countdown.stop();
      this.announceFailure('', view.failure, view.hostOrigins);
      return;
    }
    const { flow } = view;
    applyBrand(this, flow.brand);
    const first = previous?.type !== 'flow';
    if (first) this.post('ready', {});
    this.loadStepElement(flow.step);
    // A rotated QR code is a new step of the same kind: it is redrawn in place and keeps the focus where it is.
    const rotated = !first && previous.flow.step.kind === 'qr' && flow.step.kind === 'qr';
    if (first || previous.flow.step.id !== flow.step.id) this.onStepChange(flow, !first && !rotated);
  }

  /** Fetches the element of a step that is not in the initial bundle (the QR encoder alone is ~9 KB). */
  private loadStepElement(step: Step): void {
    this.stepLoadError = undefined;
    ON_DEMAND_STEPS[step.kind]?.().catch((error: unknown) => {
      if (this.view?.type === 'flow' && this.view.flow.step.kind === step.kind) this.stepLoadError = new FlowNetworkError(error);
    });
  }

  private onStepChange(flow: Flow, moveFocus: boolean): void {
    const step = flow.step;
    this.countdown.stop();
    this.emit(new KeywayStepEvent({ kind: step.kind, flowId: flow.id }));
    this.post('step', { kind: step.kind });
    // The OAuth step may leave the page for the provider (no popup possible): the token must be there on the way back.
    if (step.kind === 'oauth' && this.flowToken) flowTokenStore.write(this.storageKey, this.flowToken);
    if (step.kind === 'success') {
      this.post('success', { accountId: step.accountId, provider: step.provider });
      this.emit(new KeywaySuccessEvent({ flowId: flow.id, accountId: step.accountId, provider: step.provider }));
      this.scheduleRedirect(step.redirectUrl);
    } else if (step.kind === 'signed-in') {
      // The redirect carries the app's one-time code: it goes to the app's redirect URI and nowhere else, never in a message.
      // The user asked to sign in and the code lives a minute: go at once rather than after the countdown.
      this.scheduleRedirect(step.redirectUrl, 0);
    } else if (step.kind === 'failure' && !step.retryable) {
      // A retryable failure is not an outcome yet: the host hears of it only if the user gives up.
      this.announceFailure(flow.id, step, flow.hostOrigins);
    }
    if (moveFocus) void this.focusStep();
  }

  private announceFailure(flowId: string, failure: FailureView, hostOrigins: readonly string[]): void {
    const { reason, message } = failure;
    if (reason !== 'link_not_found' && reason !== 'link_used') {
      postToHost(this.messageTarget(), hostOrigins, { keyway: HOST_MESSAGE_VERSION, type: 'failure', flowId, data: { reason, message } });
    }
    this.emit(new KeywayFailureEvent({ flowId, reason, message }));
    this.scheduleRedirect(failure.redirectUrl);
  }

  private scheduleRedirect(url: string | undefined, delayMs?: number): void {
    if (!url || !isHttpUrl(url)) return;
    const delay = delayMs ?? (Number.isFinite(this.redirectDelay) && this.redirectDelay >= 0 ? this.redirectDelay : 3000);
    this.countdown.start(url, delay);
  }

  private async focusStep(): Promise<void> {
    await this.updateComplete;
    const step = this.renderRoot.querySelector('.step');
    // A step element loaded on demand may not be defined yet; one removed before it arrived is never upgraded.
    if (step) await customElements.whenDefined(step.localName);
    if (step instanceof StepElement) await step.focusHeading();
  }

  private onStepSubmit(event: KeywaySubmitEvent): void {
    // Step input can hold credentials: it stops here and never reaches the host page's DOM.
    event.stopPropagation();
    if (this.request.status === TaskStatus.PENDING) return;
    void this.run({ type: 'submit', input: event.input });
  }

  private async cancel(step: Step): Promise<void> {
    const input: StepInput = { kind: 'cancel', stepId: step.id };
    await this.run({ type: 'submit', input });
    // Closing a sign-in's onboarding still signs the user in (seed 002): that is no exit.
    if (this.view?.type === 'flow' && this.view.flow.status === 'succeeded') return;
    const flowId = this.view?.type === 'flow' ? this.view.flow.id : '';
    this.post('exit', {});
    this.emit(new KeywayExitEvent({ flowId }));
  }

  private post<T extends HostMessageType>(type: T, data: HostMessageData<T>): void {
    if (this.view?.type !== 'flow') return;
    const { flow } = this.view;
    const message = { keyway: HOST_MESSAGE_VERSION, type, flowId: flow.id, data } as HostMessage;
    postToHost(this.messageTarget(), flow.hostOrigins, message);
  }

  /**
   * In a host's modal, Escape pressed inside the wizard reaches this frame, not the host's dialog:
   * tell the host the user wants out, unless something in the wizard (a popover) used the key.
   */
  private readonly onFramedEscape = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || event.defaultPrevented || this.view?.type !== 'flow') return;
    // Escape that closes something inside the wizard (an open help popover, a select's list) is not a request to leave.
    const closesSomething = event
      .composedPath()
      .some((node) => node instanceof HTMLSelectElement || (node instanceof HTMLElement && node.localName === 'keyway-help' && node.hasAttribute('open')));
    if (closesSomething) return;
    this.post('exit', {});
    this.emit(new KeywayExitEvent({ flowId: this.view.flow.id }));
  };

  private observeHeight(): void {
    this.resizeObserver ??= new ResizeObserver(([entry]) => {
      const height = Math.ceil(entry?.borderBoxSize[0]?.blockSize ?? this.getBoundingClientRect().height);
      if (height === this.lastHeight || this.view?.type !== 'flow') return;
      this.lastHeight = height;
      this.post('resize', { height });
    });
    this.resizeObserver.observe(this);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'keyway-wizard': KeywayWizard;
  }
}
