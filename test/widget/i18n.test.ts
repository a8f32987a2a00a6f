import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import { html } from 'lit';
import { en, type Translation, type TranslationKey } from '../../src/widget/i18n/en.js';
import {
  chooseLanguage,
  currentLanguage,
  LANGUAGES,
  loadTranslation,
  setLanguage,
  t,
  tPlural,
  type Language,
} from '../../src/widget/i18n/localize.js';
import type { KeywayStepEvent } from '../../src/widget/index.js';
import { apiError } from './fake-server.js';
import { flowWith, openWizard, resetFlowApi, shownStep, STEP_FLOWS, withBrowserLanguages, wordsOf } from './look-and-feel.js';
import { credentialsStep, providersStep } from './fixtures.js';

/** A step's heading as read, without the template's surrounding whitespace. */
const headingOf = (step: Element) => step.shadowRoot!.querySelector('[role="heading"]')!.textContent!.trim();

const PLURAL_FORMS = ['zero', 'one', 'two', 'few', 'many', 'other'];
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

/** The English words a table left untranslated would show: long enough not to occur by chance in other text. */
function englishLeftovers(table: Translation): string[] {
  return (Object.keys(en) as TranslationKey[])
    .filter((key) => table[key] !== en[key])
    .flatMap((key) => en[key].split(/\{\w+\}/))
    .map((segment) => segment.trim())
    .filter((segment) => segment.length >= 5);
}

/** Whether `text` holds `words` as whole words ("Connect" is not in "Connecter"). */
function containsWords(text: string, words: string): boolean {
  const escaped = words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u').test(text);
}

/** A plural key's base and form (`mfa.attemptsLeft`, `few`), or undefined for other keys. */
function pluralForm(key: string): { base: string; form: string } | undefined {
  const match = /^(.*)\.(zero|one|two|few|many|other)$/.exec(key);
  return match ? { base: match[1]!, form: match[2]! } : undefined;
}

describe('languages', () => {
  afterEach(async () => {
    resetFlowApi();
    await setLanguage('en');
  });

  // First on purpose: it needs the Arabic table not yet loaded in this page, to see what the wizard shows meanwhile.
  it('shows a step only once its language is loaded: an Arabic link never flashes English', async () => {
    const startedAt = performance.now();
    const wizard = await openWizard(flowWith(providersStep, { locale: 'ar' }));
    const event = await oneEvent<KeywayStepEvent>(wizard, 'keyway-step');
    expect(event.detail.kind).to.equal('providers');
    // The first render of the step after the wizard announced it.
    const step = await shownStep(wizard, 'keyway-providers');
    expect(headingOf(step)).to.equal('ربط حساب');
    const fetched = performance
      .getEntriesByType('resource')
      .some((entry) => /\/i18n\/ar\.[tj]s/.test(entry.name) && entry.startTime >= startedAt);
    expect(fetched, 'the Arabic table must have been fetched during this test for it to prove anything').to.equal(true);
  });

  it('keeps each table to English keys, with every parameter and plural form English has', async () => {
    for (const language of LANGUAGES) {
      const table = (await loadTranslation(language)).words;
      for (const key of Object.keys(en) as TranslationKey[]) {
        expect(table[key], `${language}: ${key}`).to.be.a('string').and.not.equal('');
        // A plural form may spell its number out (Arabic "محاولتان", two attempts) and so drop `{count}`.
        const expected = pluralForm(key) ? placeholders(en[key]).filter((name) => name !== 'count') : placeholders(en[key]);
        const found = placeholders(table[key]).filter((name) => !pluralForm(key) || name !== 'count');
        expect(found, `${language}: parameters of ${key}`).to.deep.equal(expected);
      }
      for (const key of Object.keys(table)) {
        if (key in en) continue;
        const plural = pluralForm(key);
        expect(plural && `${plural.base}.other` in en, `${language}: ${key} is not an English key nor a plural form of one`).to.equal(true);
        expect(PLURAL_FORMS).to.include(plural!.form);
        expect(table[key as TranslationKey]).to.be.a('string').and.not.equal('');
      }
    }
  });

  for (const language of LANGUAGES) {
    for (const { kind, tag, step } of STEP_FLOWS) {
      it(`${language}: the ${kind} step shows only ${language} words, no key names and no unfilled parameters`, async () => {
        const wizard = await openWizard(flowWith(step, { locale: language }));
        const shown = await shownStep(wizard, tag);
        const words = wordsOf(wizard.shadowRoot!).join('\n');
        const table = (await loadTranslation(language)).words;
        for (const key of Object.keys(en)) expect(words, `raw key "${key}" is visible`).not.to.contain(key);
        expect(words).not.to.match(/\{\w+\}/);
        for (const english of englishLeftovers(table)) {
          expect(containsWords(words, english), `English "${english}" is visible in ${language}`).to.equal(false);
        }
        expect(headingOf(shown)).to.not.equal('');
        expect(wizard.lang).to.equal(language);
      });
    }
  }

  it('takes the language from the flow locale, matched on its language subtag (fr-CA → fr), before the browser’s', async () => {
    await withBrowserLanguages(['de-DE', 'en'], async () => {
      const wizard = await openWizard(flowWith(providersStep, { locale: 'fr-CA' }));
      const step = await shownStep(wizard, 'keyway-providers');
      expect(headingOf(step)).to.equal('Connecter un compte');
      expect(wizard.lang).to.equal('fr');
      expect(wizard.dir).to.equal('ltr');
    });
  });

  it('falls back to the first supported browser language when the flow has no locale or an unsupported one', async () => {
    await withBrowserLanguages(['pt-BR', 'es-MX', 'en'], async () => {
      const withoutLocale = await openWizard(flowWith(providersStep));
      const step = await shownStep(withoutLocale, 'keyway-providers');
      expect(headingOf(step)).to.equal('Conectar una cuenta');
      resetFlowApi();
      const unsupported = await openWizard(flowWith(credentialsStep, { locale: 'ja-JP' }));
      await shownStep(unsupported, 'keyway-credentials');
      expect(unsupported.lang).to.equal('es');
    });
  });

  it('speaks English when neither the flow nor the browser asks for a supported language', async () => {
    await setLanguage('de');
    await withBrowserLanguages(['pt-BR', 'ja'], async () => {
      const wizard = await openWizard(flowWith(providersStep, { locale: 'zh' }));
      const step = await shownStep(wizard, 'keyway-providers');
      expect(headingOf(step)).to.equal('Connect an account');
      expect(wizard.lang).to.equal('en');
    });
  });

  it('explains a refused link in the browser’s language, since there is no flow to name one', async () => {
    await withBrowserLanguages(['de-CH'], async () => {
      const wizard = await openWizard(apiError(409, 'link_used'));
      const failure = await shownStep(wizard, 'keyway-failure');
      expect(headingOf(failure)).to.equal('Dieser Link wurde bereits verwendet');
    });
  });

  it('chooses flow locale, then browser languages, then English', () => {
    expect(chooseLanguage('es-419', ['fr'])).to.equal('es');
    expect(chooseLanguage('AR', [])).to.equal('ar');
    expect(chooseLanguage(undefined, ['pt', 'de-AT'])).to.equal('de');
    expect(chooseLanguage('nl', ['sv'])).to.equal('en');
  });

  it('sets lang and dir="rtl" on the wizard for Arabic and isolates names inside right-to-left sentences', async () => {
    const wizard = await openWizard(flowWith(credentialsStep, { locale: 'ar' }));
    const step = await shownStep(wizard, 'keyway-credentials');
    expect(wizard.getAttribute('lang')).to.equal('ar');
    expect(wizard.getAttribute('dir')).to.equal('rtl');
    expect(getComputedStyle(step.shadowRoot!.querySelector('[role="heading"]')!).direction).to.equal('rtl');
    expect(headingOf(step)).to.equal('تسجيل الدخول إلى \u2068Demo bank\u2069');
  });

  it('mirrors the layout in Arabic: back button on the right, cancel on the left, chevrons pointing left', async () => {
    const measure = async (locale: Language) => {
      const wizard = await openWizard(flowWith(credentialsStep, { locale }));
      await shownStep(wizard, 'keyway-credentials');
      const back = wizard.shadowRoot!.querySelector('[part~="back-button"]')!;
      const cancel = wizard.shadowRoot!.querySelector('[part~="cancel-button"]')!;
      const arrow = back.querySelector('svg')!;
      const result = {
        back: back.getBoundingClientRect(),
        cancel: cancel.getBoundingClientRect(),
        arrowTransform: getComputedStyle(arrow).transform,
      };
      resetFlowApi();
      return result;
    };
    const ltr = await measure('en');
    const rtl = await measure('ar');
    expect(ltr.back.left, 'English: back before cancel').to.be.lessThan(ltr.cancel.left);
    expect(rtl.back.left, 'Arabic: back on the right of cancel').to.be.greaterThan(rtl.cancel.right);
    expect(ltr.arrowTransform).to.equal('none');
    expect(rtl.arrowTransform, 'the back arrow is mirrored').to.equal('matrix(-1, 0, 0, 1, 0, 0)');
  });

  it('mirrors the provider chevrons in Arabic', async () => {
    const wizard = await openWizard(flowWith(providersStep, { locale: 'ar' }));
    const step = await shownStep(wizard, 'keyway-providers');
    const provider = step.shadowRoot!.querySelector('[part~="provider"]')!;
    const name = provider.querySelector('[part~="name"]')!.getBoundingClientRect();
    const chevron = provider.querySelector('svg')!;
    expect(chevron.getBoundingClientRect().right, 'the chevron sits at the inline end, on the left').to.be.lessThan(name.left);
    expect(getComputedStyle(chevron).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
  });

  it('marks the document with the language and direction only when the wizard is the page (heading-level 1)', async () => {
    const root = document.documentElement;
    const before = { lang: root.getAttribute('lang'), dir: root.getAttribute('dir'), title: document.title };
    try {
      const embedded = await openWizard(flowWith(providersStep, { locale: 'ar' }));
      await shownStep(embedded, 'keyway-providers');
      expect(root.getAttribute('dir')).to.equal(before.dir);
      expect(root.getAttribute('lang')).to.equal(before.lang);
      resetFlowApi();
      const page = await openWizard(flowWith(providersStep, { locale: 'ar' }), 'heading-level="1"');
      await shownStep(page, 'keyway-providers');
      expect(root.getAttribute('lang')).to.equal('ar');
      expect(root.getAttribute('dir')).to.equal('rtl');
      expect(document.title).to.equal('ربط حساب');
    } finally {
      for (const name of ['lang', 'dir'] as const) {
        const value = before[name];
        if (value === null) root.removeAttribute(name);
        else root.setAttribute(name, value);
      }
      document.title = before.title;
    }
  });

  it('uses each language’s plural forms for the attempts left (Arabic has six)', async () => {
    await setLanguage('ar');
    expect([0, 1, 2, 3, 11, 100].map((count) => tPlural('mfa.attemptsLeft', count))).to.deep.equal([
      'لم تتبقَّ أي محاولة',
      'تبقّت محاولة واحدة',
      'تبقّت محاولتان',
      'تبقّت \u20683\u2069 محاولات',
      'تبقّت \u206811\u2069 محاولة',
      'تبقّت \u2068100\u2069 محاولة',
    ]);
    await setLanguage('fr');
    expect([0, 1, 2].map((count) => tPlural('mfa.attemptsLeft', count))).to.deep.equal([
      '0 tentative restante',
      '1 tentative restante',
      '2 tentatives restantes',
    ]);
    await setLanguage('en');
    expect([1, 2].map((count) => tPlural('mfa.attemptsLeft', count))).to.deep.equal(['1 attempt left', '2 attempts left']);
  });

  it('lets the last of two overlapping language changes win', async () => {
    const first = setLanguage('de');
    const second = setLanguage('es');
    await Promise.all([first, second]);
    expect(currentLanguage()).to.equal('es');
    expect(t('wizard.back')).to.equal('Atrás');
  });

  it('draws a standalone step in the language set before it renders', async () => {
    await setLanguage('de');
    const el = await fixture<HTMLElement>(html`<keyway-providers .step=${providersStep}></keyway-providers>`);
    await waitUntil(() => el.shadowRoot?.querySelector('[role="heading"]'));
    expect(headingOf(el)).to.equal('Konto verbinden');
  });
});
