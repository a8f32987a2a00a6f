import * as OTPAuth from 'otpauth';
import { KeywayRefusal } from './signin-keyway.js';

const PERIOD_MS = 30_000;
/** One user's secret per entry, as on a phone; a demo keeps the newest few hundred. */
const MAX_USERS = 500;

/**
 * The demo's authenticator app: it keeps each user's TOTP secret from the otpauth URI and computes
 * real codes. Keyway takes each time step once and accepts one step ahead, so after a step was used
 * the next code is the next step's, and a third code in the same 30 s has to wait.
 */
export class DemoAuthenticator {
  readonly #users = new Map<string, { totp: OTPAuth.TOTP; lastStep: number }>();

  constructor(private readonly clock: () => number) {}

  /** Adds the user's secret from `mfa_url` and answers it with the current code. */
  enrol(userId: string, otpauthUri: string): { secret: string; code: string } {
    const totp = OTPAuth.URI.parse(otpauthUri);
    if (!(totp instanceof OTPAuth.TOTP)) throw new KeywayRefusal({ status: 502, code: 'not_totp', message: 'Keyway’s MFA URI is not a TOTP one.' });
    this.#users.delete(userId);
    this.#users.set(userId, { totp, lastStep: -1 });
    for (const oldest of this.#users.keys()) {
      if (this.#users.size <= MAX_USERS) break;
      this.#users.delete(oldest);
    }
    return { secret: totp.secret.base32, code: totp.generate({ timestamp: this.clock() }) };
  }

  /** The code to send now, with `used` to call once Keyway accepted it. */
  code(userId: string): { code: string; used: () => void } {
    const entry = this.#users.get(userId);
    if (!entry) throw new KeywayRefusal({ status: 409, code: 'no_demo_secret', message: 'The demo authenticator has no secret for this user (set MFA up in this demo run).' });
    const now = Math.floor(this.clock() / PERIOD_MS);
    const step = Math.max(now, entry.lastStep + 1);
    if (step > now + 1) {
      const wait = Math.ceil(((now + 1) * PERIOD_MS - this.clock()) / 1000);
      throw new KeywayRefusal({ status: 429, code: 'code_used', message: `This 30-second step’s codes were used already; try again in ${wait} s.` });
    }
    return { code: entry.totp.generate({ timestamp: step * PERIOD_MS }), used: () => (entry.lastStep = step) };
  }

  /** A code the page sent (the one it showed) was accepted: its step, at the latest the current one, is used. */
  usedNow(userId: string): void {
    const entry = this.#users.get(userId);
    if (entry) entry.lastStep = Math.max(entry.lastStep, Math.floor(this.clock() / PERIOD_MS));
  }

  forget(userId: string): void {
    this.#users.delete(userId);
  }
}
