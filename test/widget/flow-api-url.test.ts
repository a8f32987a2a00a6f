import { expect } from '@open-wc/testing';
import { flowApiUrl } from '../../src/widget/wizard/flow-client.js';

describe('flowApiUrl', () => {
  it('names the link in a cross-origin URL, so Keyway can answer the preflight for that link alone', () => {
    expect(flowApiUrl('https://keyway.example', '/api/v1/flows/current', 'abc_DEF-123')).to.equal('https://keyway.example/api/v1/flows/current?link=abc_DEF-123');
  });

  it('adds nothing on the wizard’s own page (no api-base) or without a link', () => {
    expect(flowApiUrl('', '/api/v1/flows', 'abc')).to.equal('/api/v1/flows');
    expect(flowApiUrl('https://keyway.example', '/api/v1/flows', '')).to.equal('https://keyway.example/api/v1/flows');
  });
});
