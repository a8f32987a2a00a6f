import { expect } from '@open-wc/testing';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import type { RecordingWizard } from './fake-server.js';
import { providersStep, successStep } from './fixtures.js';
import { flowWith, openWizard, resetFlowApi, shownStep, STEP_FLOWS } from './look-and-feel.js';

const LIGHT_SURFACE = 'rgb(255, 255, 255)';
const DARK_SURFACE = 'rgb(27, 29, 36)';
const PIXEL_PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const card = (wizard: RecordingWizard) => wizard.shadowRoot!.querySelector<HTMLElement>('[part~="base"]')!;
const surfaceOf = (wizard: RecordingWizard) => getComputedStyle(card(wizard)).backgroundColor;

async function wizardOn(step = providersStep as (typeof STEP_FLOWS)[number]['step'], attributes = '', brand?: object, locale?: string) {
  const flow = flowWith(step, { ...(brand ? { brand: { name: 'Acme', ...brand } } : {}), ...(locale ? { locale } : {}) });
  const wizard = await openWizard(flow, attributes);
  const tag = STEP_FLOWS.find((candidate) => candidate.kind === step.kind)!.tag;
  const shown = await shownStep(wizard, tag);
  return { wizard, step: shown };
}

describe('themes', () => {
  afterEach(async () => {
    resetFlowApi();
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
    await setViewport({ width: 800, height: 600 });
  });

  it('theme="dark" changes the computed surface and text colours, down into the step', async () => {
    const { wizard: light, step: lightStep } = await wizardOn(providersStep, 'theme="light"');
    expect(surfaceOf(light)).to.equal(LIGHT_SURFACE);
    const lightProvider = getComputedStyle(lightStep.shadowRoot!.querySelector('[part~="provider"]')!);
    resetFlowApi();
    const { wizard: dark, step: darkStep } = await wizardOn(providersStep, 'theme="dark"');
    expect(surfaceOf(dark)).to.equal(DARK_SURFACE);
    const darkProvider = getComputedStyle(darkStep.shadowRoot!.querySelector('[part~="provider"]')!);
    expect(darkProvider.backgroundColor, 'the step inherits the forced theme').to.equal(DARK_SURFACE);
    expect(darkProvider.color).to.not.equal(lightProvider.color);
  });

  it('follows prefers-color-scheme by default (theme="auto")', async () => {
    const { wizard } = await wizardOn();
    expect(wizard.theme).to.equal('auto');
    expect(surfaceOf(wizard)).to.equal(LIGHT_SURFACE);
    await emulateMedia({ colorScheme: 'dark' });
    expect(surfaceOf(wizard)).to.equal(DARK_SURFACE);
  });

  it('theme="light" stays light when the system prefers dark, and the property reflects to the attribute', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    const { wizard } = await wizardOn(providersStep, 'theme="light"');
    expect(surfaceOf(wizard)).to.equal(LIGHT_SURFACE);
    wizard.theme = 'dark';
    await wizard.updateComplete;
    expect(wizard.getAttribute('theme')).to.equal('dark');
    expect(surfaceOf(wizard)).to.equal(DARK_SURFACE);
  });

  it('applies the brand as tokens: primary colour with readable text on it, and radius', async () => {
    const { wizard, step } = await wizardOn(successStep, '', { primaryColor: '#fde047', radius: '4px' });
    expect(wizard.style.getPropertyValue('--keyway-color-primary')).to.equal('#fde047');
    expect(wizard.style.getPropertyValue('--keyway-radius')).to.equal('4px');
    const button = getComputedStyle(step.shadowRoot!.querySelector('[part~="continue-button"]')!);
    expect(button.backgroundColor).to.equal('rgb(253, 224, 71)');
    expect(button.color, 'dark text on a light brand colour').to.equal('rgb(17, 17, 17)');
    expect(getComputedStyle(card(wizard)).borderRadius).to.equal('4px');
  });

  it('shows a same-origin or data: logo named by the brand, and refuses one from elsewhere', async () => {
    const logoOf = async (logoUrl: string) => {
      const { wizard } = await wizardOn(providersStep, '', { logoUrl });
      const logo = wizard.shadowRoot!.querySelector<HTMLImageElement>('[part~="logo"]');
      const name = wizard.shadowRoot!.querySelector('[part~="brand-name"]')?.textContent ?? null;
      resetFlowApi();
      return { src: logo?.getAttribute('src') ?? null, alt: logo?.alt ?? null, name };
    };
    expect(await logoOf('/brand/logo.svg')).to.deep.equal({ src: `${location.origin}/brand/logo.svg`, alt: 'Acme', name: null });
    expect(await logoOf(PIXEL_PNG)).to.deep.equal({ src: PIXEL_PNG, alt: 'Acme', name: null });
    for (const foreign of ['https://evil.example/logo.png', '//evil.example/logo.png', 'javascript:alert(1)', 'data:text/html,<b>x</b>']) {
      expect(await logoOf(foreign), foreign).to.deep.equal({ src: null, alt: null, name: 'Acme' });
    }
  });

  it('turns transitions off and slows the spinner when the user prefers reduced motion', async () => {
    const { step } = await wizardOn(providersStep);
    const provider = step.shadowRoot!.querySelector('[part~="provider"]')!;
    expect(getComputedStyle(provider).transitionDuration).to.not.match(/^0s(, 0s)*$/);
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle(provider).transitionDuration).to.match(/^0s(, 0s)*$/);
    const spinner = document.createElement('span');
    spinner.className = 'spinner';
    step.shadowRoot!.append(spinner);
    expect(parseFloat(getComputedStyle(spinner).animationDuration), 'spinner turns slowly').to.be.greaterThan(2);
    await emulateMedia({ reducedMotion: 'no-preference' });
    expect(parseFloat(getComputedStyle(spinner).animationDuration)).to.be.lessThan(1);
    spinner.remove();
  });

  it('exposes the main pieces of every step as parts a page can style through keyway-wizard::part()', async () => {
    const parts = ['step', 'step-heading', 'header', 'brand', 'body', 'provider', 'control', 'submit-button', 'continue-button'];
    // Each part gets its own outline colour from the page, so finding that colour inside proves the part reaches the page.
    const colourOf = (part: string) => `rgb(1, 2, ${parts.indexOf(part) + 10})`;
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(parts.map((part) => `recording-wizard::part(${part}) { outline: 3px dotted ${colourOf(part)}; }`).join('\n'));
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    const expected: Record<string, string[]> = {
      providers: ['step', 'step-heading', 'header', 'brand', 'body', 'provider'],
      credentials: ['step', 'step-heading', 'control', 'submit-button'],
      mfa: ['step', 'step-heading', 'submit-button'],
      success: ['step', 'step-heading', 'continue-button'],
      failure: ['step', 'step-heading', 'continue-button'],
    };
    try {
      for (const { kind, step } of STEP_FLOWS) {
        const { wizard } = await wizardOn(step);
        const colours = outlineColours(wizard.shadowRoot!);
        for (const part of expected[kind]!) expect(colours.has(colourOf(part)), `${kind}: ::part(${part})`).to.equal(true);
        resetFlowApi();
      }
    } finally {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((candidate) => candidate !== sheet);
    }
  });

  it('keeps the card width across steps and never lets a short step shrink the body below its floor', async () => {
    const widths = new Set<number>();
    let floor = Infinity;
    for (const { step } of STEP_FLOWS) {
      const { wizard } = await wizardOn(step);
      widths.add(Math.round(card(wizard).getBoundingClientRect().width));
      floor = Math.min(floor, wizard.shadowRoot!.querySelector('[part~="body"]')!.getBoundingClientRect().height);
      resetFlowApi();
    }
    expect([...widths]).to.deep.equal([440]);
    expect(floor).to.be.at.least(24 * 16);
  });

  it('fits every step into a 320 px wide screen without sideways scrolling, even in German', async () => {
    await setViewport({ width: 320, height: 640 });
    for (const { kind, step } of STEP_FLOWS) {
      const { wizard } = await wizardOn(step, '', undefined, 'de');
      const box = card(wizard).getBoundingClientRect();
      expect(box.width, kind).to.be.at.most(320);
      const overflowing = widestOverflow(wizard.shadowRoot!, box.right);
      expect(overflowing, `${kind}: something sticks out of the card`).to.equal(null);
      resetFlowApi();
    }
  });

  for (const theme of ['light', 'dark'] as const) {
    for (const { kind, step } of STEP_FLOWS) {
      it(`passes axe on the ${kind} step with theme="${theme}"`, async () => {
        const { wizard } = await wizardOn(step, `theme="${theme}"`);
        expect(surfaceOf(wizard)).to.equal(theme === 'dark' ? DARK_SURFACE : LIGHT_SURFACE);
        await expect(wizard).to.be.accessible();
      });

      it(`passes axe on the ${kind} step when the system prefers ${theme}`, async () => {
        await emulateMedia({ colorScheme: theme });
        const { wizard } = await wizardOn(step);
        expect(surfaceOf(wizard)).to.equal(theme === 'dark' ? DARK_SURFACE : LIGHT_SURFACE);
        await expect(wizard).to.be.accessible();
      });
    }
  }
});

/** The outline colours of every element inside the wizard, through every shadow root. */
function outlineColours(root: ShadowRoot, found = new Set<string>()): Set<string> {
  for (const element of root.querySelectorAll<HTMLElement>('*')) {
    found.add(getComputedStyle(element).outlineColor);
    if (element.shadowRoot) outlineColours(element.shadowRoot, found);
  }
  return found;
}

/** The first element, through every shadow root, whose box ends beyond `right`; null when all fit. */
function widestOverflow(root: ShadowRoot, right: number): string | null {
  for (const element of root.querySelectorAll<HTMLElement>('*')) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > right + 0.5) return `<${element.localName} class="${element.className}"> ends at ${box.right}`;
    if (element.shadowRoot) {
      const inner = widestOverflow(element.shadowRoot, right);
      if (inner) return inner;
    }
  }
  return null;
}
