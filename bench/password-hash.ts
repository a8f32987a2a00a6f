import { argon2idHasher, ARGON2ID_PARAMETERS } from '../src/server/identity/passwords.js';

/** What one password check costs here: the price of every password sign-in, right or wrong, known user or not. */
const RUNS = 21;
const hasher = argon2idHasher();
const stored = await hasher.hash('correct horse battery staple');
const median = async (work: () => Promise<unknown>) => {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0;
};
const verify = await median(() => hasher.verify(stored, 'wrong horse battery staple'));
const hash = await median(() => hasher.hash('correct horse battery staple'));
const { memoryCost, timeCost, parallelism } = ARGON2ID_PARAMETERS;
console.log(`argon2id m=${memoryCost} t=${timeCost} p=${parallelism}: verify ${verify.toFixed(1)} ms, hash ${hash.toFixed(1)} ms (median of ${RUNS})`);
