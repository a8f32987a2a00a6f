import type { ServerWordKey } from '../../../protocol/server-words.js';

/**
 * One language's wording of every text the server writes, by key (`{name}` as in the English).
 * A table typed with it cannot miss a key; English needs none: the server's text is the English.
 */
export type ServerWordTable = Record<ServerWordKey, string>;
