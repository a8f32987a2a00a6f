import { expect } from '@open-wc/testing';
import { LitElement } from 'lit';
import { define, KeywayProviders } from '../../src/widget/index.js';

describe('define()', () => {
  it('tolerates a second definition of a Keyway tag and keeps the first', () => {
    class SecondCopy extends LitElement {}
    expect(() => define('keyway-providers', SecondCopy)).not.to.throw();
    expect(customElements.get('keyway-providers')).to.equal(KeywayProviders);
  });
});
