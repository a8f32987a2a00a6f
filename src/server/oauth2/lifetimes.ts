/** How long each token lives, in seconds: the one place they are set (`KEYWAY_TOKEN_LIFETIMES`). */
export interface TokenLifetimes {
  /** Access tokens are JWTs checked without a database by host apps, so they must be short. */
  access_token: number;
  id_token: number;
  /** A refresh token unused this long expires; each rotation starts a new one. */
  refresh_idle: number;
  /** A session (a token family) ends this long after sign-in, however often it is refreshed. */
  refresh_absolute: number;
  /** A refresh token presented again within this window after its rotation gets the same child back (a lost answer). */
  refresh_retry: number;
}

export const DEFAULT_TOKEN_LIFETIMES: TokenLifetimes = {
  access_token: 15 * 60,
  id_token: 15 * 60,
  refresh_idle: 30 * 24 * 3600,
  refresh_absolute: 90 * 24 * 3600,
  refresh_retry: 10,
};

const BOUNDS: Record<keyof TokenLifetimes, [number, number]> = {
  access_token: [60, 3600],
  id_token: [60, 3600],
  refresh_idle: [60, 400 * 24 * 3600],
  refresh_absolute: [60, 400 * 24 * 3600],
  refresh_retry: [0, 60],
};

/** `access_token=600,refresh_idle=1209600`: changes to the defaults, in seconds. */
export function parseTokenLifetimes(value: string | undefined): TokenLifetimes {
  const lifetimes: TokenLifetimes = { ...DEFAULT_TOKEN_LIFETIMES };
  if (value === undefined || value.trim() === '') return lifetimes;
  const names = Object.keys(BOUNDS) as (keyof TokenLifetimes)[];
  for (const part of value.split(',').map((item) => item.trim()).filter(Boolean)) {
    const match = /^([a-z_]+)=(\d{1,9})$/.exec(part);
    const name = match?.[1] as keyof TokenLifetimes | undefined;
    if (!match || !name || !names.includes(name)) throw new Error(`KEYWAY_TOKEN_LIFETIMES: "${part}" is not name=seconds with a name among ${names.join(', ')}`);
    const seconds = Number(match[2]);
    const [min, max] = BOUNDS[name];
    if (seconds < min || seconds > max) throw new Error(`KEYWAY_TOKEN_LIFETIMES: ${name} must be from ${min} to ${max} seconds, got ${seconds}`);
    lifetimes[name] = seconds;
  }
  if (lifetimes.refresh_idle > lifetimes.refresh_absolute) throw new Error('KEYWAY_TOKEN_LIFETIMES: refresh_idle must not be longer than refresh_absolute');
  return lifetimes;
}

/** The longest a token signed by a key can stay valid after the key stops signing. */
export function longestSignedLifetimeMs(lifetimes: TokenLifetimes): number {
  return Math.max(lifetimes.access_token, lifetimes.id_token) * 1000;
}
