// `bin/keyway.js` runs the built `dist`; tests that need a real process run the source through this.
import { main } from '../../src/server/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`keyway: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
