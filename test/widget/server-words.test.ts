import { expect, fixture, waitUntil } from '@open-wc/testing';
import { SERVER_WORDS, type Flow, type StepOf } from '../../src/protocol/index.js';
import { LANGUAGES, loadTranslation, setLanguage } from '../../src/widget/i18n/localize.js';
import type { KeywayHelp } from '../../src/widget/index.js';
import { apiError, fakeFlowApi, json, type RecordingWizard } from './fake-server.js';
import { failureStep, flowWith, providersStep } from './fixtures.js';
import { shownStep, wordsOf } from './look-and-feel.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

/** A credentials step as the demo provider sends it, plus a field whose key this wizard has never heard of. */
const keyedCredentials: StepOf<'credentials'> = {
  kind: 'credentials',
  id: 'step-keyed',
  provider: 'DEMO',
  providerName: SERVER_WORDS['provider.demo.name'],
  help: SERVER_WORDS['demo.credentials.help'],
  fields: [
    {
      name: 'username',
      label: 'Username',
      hint: 'Demo account: demo',
      help: SERVER_WORDS['field.username.help'],
      type: 'text',
      required: true,
      i18n: { label: { key: 'field.username.label' }, hint: { key: 'demo.username.hint', params: { value: 'demo' } }, help: { key: 'field.username.help' } },
    },
    { name: 'password', label: 'Password', type: 'password', required: true, i18n: { label: { key: 'field.password.label' } } },
    { name: 'branch', label: 'Branch office', type: 'text', required: false, i18n: { label: { key: 'field.branch_office.label' } } },
  ],
  errors: { password: SERVER_WORDS['demo.error.wrong_credentials'] },
  i18n: { help: { key: 'demo.credentials.help' }, providerName: { key: 'provider.demo.name' }, errors: { password: { key: 'demo.error.wrong_credentials' } } },
};

let restoreFetch: (() => void) | undefined;

/** A German wizard whose link opens `first`; a step post answers `answer`. */
async function germanWizard(first: Flow['step'], answer?: Response): Promise<RecordingWizard> {
  restoreFetch = fakeFlowApi((request) => {
    if (request.path === '/api/v1/flows') return json(201, { token: 'flow-token-words', flow: flowWith(first, { locale: 'de' }) });
    return answer ?? apiError(500, 'no_more_answers');
  }).restore;
  return fixture<RecordingWizard>(`<recording-wizard link="link_server_words_0123" redirect-delay="60000"></recording-wizard>`);
}

describe('server words', () => {
  afterEach(async () => {
    restoreFetch?.();
    sessionStorage.clear();
    await setLanguage('en');
  });

  it('has every server text in every language, with the parameters the English names', async () => {
    for (const language of LANGUAGES.filter((candidate) => candidate !== 'en')) {
      const { serverWords } = await loadTranslation(language);
      expect(serverWords, `${language} has server words`).to.be.an('object');
      for (const [key, english] of Object.entries(SERVER_WORDS)) {
        const translated = (serverWords as Record<string, string | undefined>)[key];
        expect(translated, `${language}: ${key}`).to.be.a('string').and.not.equal('');
        expect(placeholders(translated!), `${language}: parameters of ${key}`).to.deep.equal(placeholders(english));
      }
      expect(Object.keys(serverWords!).filter((key) => !(key in SERVER_WORDS)), `${language}: keys the server never sends`).to.deep.equal([]);
    }
  });

  it('shows a keyed step in German: labels, hint, help and the field error; an unknown key keeps the English', async () => {
    const wizard = await germanWizard(keyedCredentials);
    const step = await shownStep(wizard, 'keyway-credentials');
    const root = step.shadowRoot!;
    expect(root.querySelector('[role="heading"]')!.textContent!.trim()).to.equal('Bei Demo-Anbieter anmelden');
    const labels = [...root.querySelectorAll('label.label')].map((label) => label.textContent!.trim());
    expect(labels).to.deep.equal(['Benutzername', 'Passwort', 'Branch office']);
    expect(root.querySelector('#field-username-hint')!.textContent).to.equal('Demo-Konto: demo');
    expect(root.querySelector('#field-password-error')!.textContent).to.equal('Benutzername oder Passwort ist falsch.');
    const helps = [...root.querySelectorAll<KeywayHelp>('keyway-help')].map((help) => [help.text, help.topic]);
    expect(helps).to.deep.equal([
      ['Dies ist ein Demo-Anbieter: Er prüft die Angaben unten und speichert nichts Echtes.', 'Demo-Anbieter'],
      ['Der Name, mit dem Sie sich beim Anbieter anmelden.', 'Benutzername'],
    ]);
  });

  it("lists a provider Keyway named in German, and one the operator named as written", async () => {
    const wizard = await germanWizard({
      ...providersStep,
      providers: [
        { id: 'DEMO', name: SERVER_WORDS['provider.demo.name'], method: 'credentials', demo: true, i18n: { name: { key: 'provider.demo.name' } } },
        { id: 'WORK_MAIL', name: 'Work mail', method: 'credentials' },
      ],
    });
    const step = await shownStep(wizard, 'keyway-providers');
    // The name's own text, without the "Demo" badge beside it.
    const ownText = (element: Element) => [...element.childNodes].filter((node) => node.nodeType === Node.TEXT_NODE).map((node) => node.textContent).join('').trim();
    const names = [...step.shadowRoot!.querySelectorAll('[part="name"]')].map(ownText);
    expect(names).to.deep.equal(['Demo-Anbieter', 'Work mail']);
  });

  it("words a rule the server's own check refused (its code, `required`) in German", async () => {
    const wizard = await germanWizard({ ...keyedCredentials, errors: { username: 'required' }, i18n: {} });
    const step = await shownStep(wizard, 'keyway-credentials');
    expect(step.shadowRoot!.querySelector('#field-username-error')!.textContent).to.equal('Dieses Feld ist erforderlich.');
  });

  it('shows a 422 the server keyed in German, with its values filled in', async () => {
    const refusal = json(422, {
      error: { code: 'unknown_provider', message: 'The provider "DEMO" is not offered by this link.', i18n: { key: 'error.unknown_provider', params: { provider: 'DEMO' } } },
    });
    const wizard = await germanWizard(providersStep, refusal);
    const providers = await shownStep(wizard, 'keyway-providers');
    providers.shadowRoot!.querySelector<HTMLButtonElement>('[data-provider="DEMO"]')!.click();
    const alert = () => wizard.shadowRoot!.querySelector('[part="alert"]')!.textContent!.trim();
    await waitUntil(() => alert() !== '', 'no alert');
    expect(alert()).to.equal('Der Anbieter „DEMO“ wird über diesen Link nicht angeboten.');
  });

  it('shows an error whose key it does not know in the English the server sent', async () => {
    const refusal = json(422, { error: { code: 'invalid_request', message: 'Branch offices are closed today.', i18n: { key: 'error.branch_closed' } } });
    const wizard = await germanWizard(providersStep, refusal);
    const providers = await shownStep(wizard, 'keyway-providers');
    providers.shadowRoot!.querySelector<HTMLButtonElement>('[data-provider="DEMO"]')!.click();
    await waitUntil(() => wizard.shadowRoot!.querySelector('[part="alert"]')!.textContent!.includes('Branch offices are closed today.'), 'no alert');
  });

  it('shows a keyed failure step in German, without the English message', async () => {
    const keyedFailure: StepOf<'failure'> = {
      ...failureStep,
      message: SERVER_WORDS['failure.mfa_locked.message'],
      i18n: { message: { key: 'failure.mfa_locked.message' } },
    };
    const wizard = await germanWizard(keyedFailure);
    await shownStep(wizard, 'keyway-failure');
    const words = wordsOf(wizard.shadowRoot!).join('\n');
    expect(words).to.contain('Zu viele falsche Codes');
    expect(words).not.to.contain(SERVER_WORDS['failure.mfa_locked.message']);
  });

  it('shows the onboarding profile’s labels, hint and errors in German', async () => {
    const profile: StepOf<'profile'> = {
      kind: 'profile',
      id: 'step-profile-de',
      appName: 'Acme CRM',
      fields: [
        { name: 'first_name', label: 'First name', type: 'text', required: true, i18n: { label: { key: 'profile.first_name.label' } } },
        { name: 'phone_number', label: 'Phone number (optional)', hint: SERVER_WORDS['profile.phone_number.hint'], type: 'text', required: false, i18n: { label: { key: 'profile.phone_number.label_optional' }, hint: { key: 'profile.phone_number.hint' } } },
      ],
      errors: { first_name: SERVER_WORDS['profile.first_name.missing'] },
      i18n: { errors: { first_name: { key: 'profile.first_name.missing' } } },
    };
    const root = (await shownStep(await germanWizard(profile), 'keyway-profile')).shadowRoot!;
    expect([...root.querySelectorAll('label.label')].map((label) => label.textContent!.trim())).to.deep.equal(['Vorname', 'Telefonnummer (optional)']);
    expect(root.querySelector('#field-phone_number-hint')!.textContent).to.equal('Im internationalen Format, zum Beispiel +4368120265807.');
    expect(root.querySelector('#field-first_name-error')!.textContent).to.equal('Geben Sie Ihren Vornamen ein.');
  });

  it('shows the onboarding password step’s refusal in German', async () => {
    const password: StepOf<'password-setup'> = {
      kind: 'password-setup',
      id: 'step-password-de',
      appName: 'Acme CRM',
      username: 'marie@acme.test',
      minLength: 12,
      optional: true,
      error: SERVER_WORDS['password.error.common'],
      i18n: { error: { key: 'password.error.common' } },
    };
    const words = wordsOf((await shownStep(await germanWizard(password), 'keyway-password-setup')).shadowRoot!).join('\n');
    expect(words).to.contain('eines der häufigsten Passwörter');
    expect(words).not.to.contain(SERVER_WORDS['password.error.common']);
  });
});
