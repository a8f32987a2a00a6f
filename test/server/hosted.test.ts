import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHarness, createLink, type Harness } from './harness.js';

/** A built-wizard directory with just the manifest and an entry file, so the page can be rendered without Vite. */
function widgetDirFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyway-widget-'));
  mkdirSync(join(dir, '.vite'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'assets', 'hosted-abc123.js'), 'export {};');
  writeFileSync(
    join(dir, '.vite', 'manifest.json'),
    JSON.stringify({
      'src/widget/hosted.ts': { file: 'assets/hosted-abc123.js', css: ['assets/hosted-abc123.css'], isEntry: true, imports: ['_lit-def456.js'] },
      '_lit-def456.js': { file: 'assets/lit-def456.js' },
    }),
  );
  return dir;
}

describe('hosted page', () => {
  let h: Harness;
  let widgetDir: string;
  before(async () => {
    widgetDir = widgetDirFixture();
    h = await createHarness(':memory:', { widgetDir });
  });
  after(async () => {
    await h.close();
    rmSync(widgetDir, { recursive: true, force: true });
  });

  it('serves the wizard with a strict CSP framed only by the link’s origins, no-referrer and no-store', async () => {
    const token = await createLink(h, { origins: ['https://app.acme.test', 'https://admin.acme.test'] });
    const response = await h.app.request(`/connect/${token}`);
    assert.equal(response.status, 200);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors https:\/\/app\.acme\.test https:\/\/admin\.acme\.test/);
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const html = await response.text();
    assert.match(html, new RegExp(`<keyway-wizard link="${token}" heading-level="1">`));
    assert.match(html, /<script type="module" src="\/assets\/hosted-abc123\.js"><\/script>/);
    assert.match(html, /<link rel="modulepreload" href="\/assets\/lit-def456\.js">/, 'chunks of the entry are preloaded');
    assert.doesNotMatch(html, /<script>|<style|style=/, 'no inline script or style');
  });

  it('forces the theme the host asks for with ?theme=, and ignores anything else', async () => {
    const token = await createLink(h);
    assert.match(await (await h.app.request(`/connect/${token}?theme=dark`)).text(), /<keyway-wizard link="[^"]+" heading-level="1" theme="dark">/);
    assert.doesNotMatch(await (await h.app.request(`/connect/${token}?theme=%22%3E%3Cscript%3E`)).text(), /theme=|<script>/);
  });

  it('forbids framing when the link names no origin, and answers 404 for an unknown link', async () => {
    const unknown = await h.app.request(`/connect/${'z'.repeat(43)}`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  });

  it('does not echo a malformed token into the page', async () => {
    const response = await h.app.request('/connect/%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    assert.equal(response.status, 404);
    assert.doesNotMatch(await response.text(), /alert\(1\)/);
  });

  it('serves built assets as immutable', async () => {
    const response = await h.app.request('/assets/hosted-abc123.js');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('cache-control') ?? '', /immutable/);
  });
});

describe('embedding SDK files', () => {
  it('serves only the two SDK builds from the built embed folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyway-dist-'));
    mkdirSync(join(dir, 'widget'));
    mkdirSync(join(dir, 'embed'));
    writeFileSync(join(dir, 'embed', 'keyway-embed.iife.js'), 'var Keyway={};');
    writeFileSync(join(dir, 'embed', 'secret.txt'), 'no');
    const h = await createHarness(':memory:', { widgetDir: join(dir, 'widget') });
    try {
      const sdk = await h.app.request('/embed/keyway-embed.iife.js');
      assert.equal(sdk.status, 200);
      assert.equal(await sdk.text(), 'var Keyway={};');
      assert.equal(sdk.headers.get('access-control-allow-origin'), '*');
      assert.equal((await h.app.request('/embed/secret.txt')).status, 404);
      assert.equal((await h.app.request('/embed/../widget/x')).status, 404);
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
