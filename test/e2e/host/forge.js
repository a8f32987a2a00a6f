// Posts what the wizard would post on success, to any origin, then says so in its title.
const forged = (type, data) => ({ keyway: 1, type, flowId: 'forged', data });
for (const message of [forged('ready', {}), forged('resize', { height: 12 }), forged('success', { accountId: 'forged-account', provider: 'DEMO' })]) {
  window.parent.postMessage(message, '*');
}
document.title = 'posted';
