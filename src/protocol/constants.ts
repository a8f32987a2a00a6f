/** Values without zod, so a browser bundle can import them for free. */

/** Version of the host-message protocol; a page ignores messages of another version. */
export const HOST_MESSAGE_VERSION = 1;

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export const SIGNATURE_HEADER = 'Keyway-Signature';

/** sessionStorage key under which the wizard keeps a link's flow token. */
export const flowStorageKey = (linkToken: string): string => `keyway:flow:${linkToken}`;

/** sessionStorage key holding the hosted page to return to after a full-page OAuth redirect. */
export const OAUTH_RETURN_KEY = 'keyway:oauth-return';
