// Opens the link in ?link= with the SDK loaded from Keyway, in ?mode=, with ?timeout= as readyTimeoutMs,
// and records what open() resolved with and how long it took.
const params = new URLSearchParams(location.search);
const keyway = document.querySelector('meta[name="keyway"]').content;
const { open } = await import(`${keyway}/embed/keyway-embed.js`);

document.getElementById('open').addEventListener('click', () => {
  const started = Date.now();
  open(params.get('link'), {
    mode: params.get('mode') ?? 'modal',
    container: document.getElementById('wizard'),
    readyTimeoutMs: Number(params.get('timeout') ?? '10000'),
  }).then((result) => {
    window.keywayResult = { ...result, elapsedMs: Date.now() - started, framesLeft: document.querySelectorAll('iframe, keyway-modal').length };
  });
});
document.getElementById('open').disabled = false;
