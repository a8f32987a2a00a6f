import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SERVER_WORDS, type MessageRef } from '../../src/protocol/index.js';
import { providersFromFile } from '../../src/server/providers/provider-file.js';
import { announceSkips, createHarness, createLink, dialects, openFlow, submit, submitOk, type FlowJson, type Harness } from './harness.js';

announceSkips();

type Keyed = { i18n?: Record<string, MessageRef> };
type FieldJson = { name: string; label: string; hint?: string; help?: string } & Keyed;

/** The text a key stands for, filled in as the server does, to compare with the English it sent. */
function filled(ref: MessageRef): string {
  const template: string = SERVER_WORDS[ref.key as keyof typeof SERVER_WORDS];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(ref.params?.[name]));
}

for (const dialect of dialects()) {
  describe(`server words carry keys (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(dialect.url as string);
    });
    after(() => h.close());

    async function demoCredentials(): Promise<{ token: string; step: FlowJson['step'] }> {
      const { token, flow } = await openFlow(h, await createLink(h, { providers: ['DEMO'] }));
      const credentials = await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'DEMO' });
      return { token, step: credentials.step };
    }

    it("keys the demo provider's name, which Keyway wrote, in the providers list", async () => {
      const { flow } = await openFlow(h, await createLink(h, { providers: ['DEMO'] }));
      const [demo] = flow.step['providers'] as ({ name: string } & Keyed)[];
      assert.equal(demo?.name, 'Demo provider');
      assert.deepEqual(demo?.i18n, { name: { key: 'provider.demo.name' } });
    });

    it("sends the demo credentials step's labels, hints and help with their keys and parameters", async () => {
      const { step } = await demoCredentials();
      const [username, password] = step['fields'] as FieldJson[];
      assert.deepEqual(username?.i18n, {
        label: { key: 'field.username.label' },
        hint: { key: 'demo.username.hint', params: { value: 'demo' } },
        help: { key: 'field.username.help' },
      });
      assert.deepEqual(password?.i18n, { label: { key: 'field.password.label' }, hint: { key: 'demo.password.hint', params: { value: 'demo' } } });
      assert.equal(username?.hint, 'Demo account: demo');
      for (const field of [username, password]) {
        for (const name of ['label', 'hint', 'help'] as const) {
          const ref = field?.i18n?.[name];
          if (ref) assert.equal(field[name], filled(ref), `${field.name}.${name} is its key's English`);
        }
      }
      assert.deepEqual((step as Keyed)['i18n'], { help: { key: 'demo.credentials.help' }, providerName: { key: 'provider.demo.name' } });
    });

    it("keys a wrong password's field error and keeps the step's help key", async () => {
      const { token, step } = await demoCredentials();
      const retried = await submitOk(h, token, { kind: 'credentials', stepId: step.id, values: { username: 'demo', password: 'nope' } });
      assert.deepEqual(retried.step['errors'], { password: 'Wrong username or password.' });
      assert.deepEqual(retried.step['i18n'], {
        help: { key: 'demo.credentials.help' },
        errors: { password: { key: 'demo.error.wrong_credentials' } },
        providerName: { key: 'provider.demo.name' },
      });
    });

    it("keys a failure step's message by its reason", async () => {
      const { token, step } = await demoCredentials();
      const failed = await submitOk(h, token, { kind: 'cancel', stepId: step.id });
      assert.equal(failed.step.kind, 'failure');
      assert.equal(failed.step['message'], SERVER_WORDS['failure.user_cancelled.message']);
      assert.deepEqual(failed.step['i18n'], { message: { key: 'failure.user_cancelled.message' }, providerName: { key: 'provider.demo.name' } });
    });

    it('keys a 422 the wizard shows, with the values its text names', async () => {
      const { token, step } = await demoCredentials();
      const response = await submit(h, token, { kind: 'credentials', stepId: step.id, values: { username: 'demo', password: 'demo', pin: '1' } });
      assert.equal(response.status, 422);
      const { error } = (await response.json()) as { error: { code: string; message: string; i18n?: MessageRef } };
      assert.equal(error.code, 'invalid_request');
      assert.deepEqual(error.i18n, { key: 'error.unknown_fields', params: { fields: 'pin' } });
      assert.equal(error.message, filled(error.i18n));
    });
  });
}

describe("an operator's provider names", () => {
  it('keep the key of the name Keyway wrote, and carry none once the operator names the provider', () => {
    const [keywayNamed, operatorNamed] = providersFromFile({
      providers: [
        { id: 'IMAP', adapter: 'imap' },
        { id: 'WORK_MAIL', adapter: 'imap', name: 'Work mail' },
      ],
    });
    assert.deepEqual(keywayNamed?.summary, { id: 'IMAP', name: 'Email (IMAP)', method: 'credentials', i18n: { name: { key: 'provider.imap.name' } } });
    assert.deepEqual(operatorNamed?.summary, { id: 'WORK_MAIL', name: 'Work mail', method: 'credentials' });
  });
});

describe('OpenAPI document', () => {
  it('describes the keys beside the texts of errors and steps', async () => {
    const h = await createHarness(':memory:');
    try {
      const document = (await (await h.app.request('/api/v1/openapi.json')).json()) as { components: { schemas: Record<string, unknown> } };
      type Described = { properties?: Record<string, Described> };
      const errorBody = document.components.schemas['ErrorBody'] as Described;
      assert.deepEqual(Object.keys(errorBody.properties?.['error']?.properties?.['i18n']?.properties ?? {}).sort(), ['key', 'params']);
      const flow = JSON.stringify(document.components.schemas['Flow']);
      for (const described of ['"label"', '"hint"', '"help"', '"errors"', '"message"']) assert.match(flow, new RegExp(`"i18n":\\{[^]*${described}`));
    } finally {
      await h.close();
    }
  });
});
