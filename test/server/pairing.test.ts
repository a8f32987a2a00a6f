import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { announceSkips, createHarness, createLink, dialects, openFlow, submitOk, type FlowJson, type Harness } from './harness.js';

announceSkips();

type QrStep = { kind: 'qr'; id: string; payload: string; code: string; expiresAt: string };

function form(fields: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() };
}

for (const dialect of dialects()) {
  describe(`QR pairing (${dialect.name})`, { skip: dialect.skip }, () => {
    let h: Harness;
    before(async () => {
      h = await createHarness(dialect.url as string);
    });
    after(() => h.close());

    async function toQrStep(): Promise<{ token: string; flow: FlowJson; qr: QrStep }> {
      const { token, flow } = await openFlow(h, await createLink(h, { providers: ['WHATSAPP'] }));
      const next = await submitOk(h, token, { kind: 'providers', stepId: flow.step.id, provider: 'WHATSAPP' });
      return { token, flow: next, qr: next.step as unknown as QrStep };
    }
    const current = async (token: string) =>
      (await (await h.app.request('/api/v1/flows/current', { headers: { authorization: `Bearer ${token}` } })).json()) as FlowJson;

    it('shows a QR whose payload is a Keyway pairing URL, with a typed code and a 20 s expiry', async () => {
      const { flow, qr } = await toQrStep();
      assert.equal(qr.kind, 'qr');
      assert.match(qr.payload, /^http:\/\/keyway\.test\/pair\/[A-Za-z0-9_-]{43}$/);
      assert.match(qr.code, /^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
      assert.equal(Date.parse(qr.expiresAt) - h.clock.now, 20_000);
      assert.deepEqual((flow as unknown as { progress: unknown }).progress, { step: 2, of: 2 });
    });

    it('completes the flow when the phone confirms on the page the QR opens', async () => {
      const { token, qr } = await toQrStep();
      const path = new URL(qr.payload).pathname;
      const page = await h.app.request(path);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-security-policy') ?? '', /form-action 'self'/);
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
      const html = await page.text();
      assert.match(html, /Connect WhatsApp to Keyway\?/);
      assert.doesNotMatch(html, /<script/);
      const secret = path.split('/').pop() as string;
      const done = await h.app.request('/pair/confirm', form({ token: secret }));
      assert.equal(done.status, 200);
      assert.match(await done.text(), /WhatsApp is connected/);
      const flow = await current(token);
      assert.equal(flow.status, 'succeeded');
      assert.equal(flow.step.kind, 'success');
      const replay = await h.app.request('/pair/confirm', form({ token: secret }));
      assert.equal(replay.status, 410, 'a pairing secret works once');
    });

    it('accepts the typed code, in any case and with or without the dash', async () => {
      const { token, qr } = await toQrStep();
      const review = await h.app.request('/pair/review', form({ code: qr.code.toLowerCase().replace('-', ' ') }));
      assert.equal(review.status, 200);
      assert.match(await review.text(), /Connect WhatsApp/);
      const done = await h.app.request('/pair/confirm', form({ code: qr.code.replace('-', '') }));
      assert.equal(done.status, 200);
      assert.equal((await current(token)).status, 'succeeded');
    });

    it('replaces the code shortly before it expires, and refuses the old one', async () => {
      const { token, qr } = await toQrStep();
      h.clock.advance(16_000);
      const rotated = (await current(token)).step as unknown as QrStep;
      assert.notEqual(rotated.id, qr.id);
      assert.notEqual(rotated.payload, qr.payload);
      assert.notEqual(rotated.code, qr.code);
      const old = await h.app.request('/pair/confirm', form({ token: new URL(qr.payload).pathname.split('/').pop() as string }));
      assert.equal(old.status, 410);
      assert.equal((await current(token)).status, 'active');
    });

    it('refuses an expired code with a page that says so', async () => {
      const { qr } = await toQrStep();
      h.clock.advance(21_000);
      const page = await h.app.request(new URL(qr.payload).pathname);
      assert.equal(page.status, 410);
      assert.match(await page.text(), /expired/);
    });

    it('refuses unknown codes and empty forms with a page, not a crash', async () => {
      assert.equal((await h.app.request(`/pair/${'n'.repeat(43)}`)).status, 404);
      const unknown = await h.app.request('/pair/review', form({ code: 'ZZZZ-ZZZZ' }));
      assert.equal(unknown.status, 400);
      assert.match(await unknown.text(), /not valid/);
      assert.equal((await h.app.request('/pair/confirm', form({}))).status, 400);
      assert.equal((await h.app.request('/pair/confirm', form({ token: 'x', extra: '1' }))).status, 400);
    });

    it('refuses a pairing once the user went back on the computer', async () => {
      const { token, flow, qr } = await toQrStep();
      await submitOk(h, token, { kind: 'back', stepId: flow.step.id });
      const page = await h.app.request(new URL(qr.payload).pathname);
      assert.equal(page.status, 409);
    });
  });
}
