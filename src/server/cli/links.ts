import { parseArgs } from 'node:util';
import { Keyway } from '../../node/index.js';
import { usageProblem } from './common.js';

export const LINKS_USAGE = `  keyway links create [--provider ID …] [--expires-in SECONDS] [--name NAME] [--url URL]
                                              a link to try the wizard with, through the running server's API
                                              (KEYWAY_API_KEY; --url default KEYWAY_PUBLIC_URL or http://localhost:8787)`;

/** Goes through the API, as a host backend would, so the link is exactly what the API makes. */
export async function createLink(args: string[], usage: string): Promise<number> {
  const problem = (message: string) => usageProblem('links create', usage, message);
  let values;
  try {
    ({ values } = parseArgs({ args, options: { provider: { type: 'string', multiple: true }, 'expires-in': { type: 'string', default: '3600' }, name: { type: 'string' }, url: { type: 'string' } } }));
  } catch (error) {
    return problem(error instanceof Error ? error.message : String(error));
  }
  const apiKey = process.env['KEYWAY_API_KEY'];
  if (!apiKey) return problem('set KEYWAY_API_KEY to an API key (keyway keys create prints one)');
  const seconds = Number(values['expires-in']);
  if (!Number.isInteger(seconds) || seconds < 30 || seconds > 86_400) return problem('--expires-in must be whole seconds from 30 to 86400');
  const baseUrl = values.url ?? process.env['KEYWAY_PUBLIC_URL'] ?? `http://localhost:${process.env['KEYWAY_PORT'] ?? process.env['PORT'] ?? 8787}`;
  const keyway = new Keyway({ apiKey, baseUrl, maxRetries: 0 });
  try {
    const link = await keyway.links.create({
      type: 'create',
      providers: values.provider && values.provider.length > 0 ? values.provider : '*',
      api_url: baseUrl,
      expiresOn: new Date(Date.now() + seconds * 1000).toISOString(),
      ...(values.name ? { name: values.name } : {}),
    });
    console.log(link.url);
    return 0;
  } catch (error) {
    console.error(`keyway links create: ${baseUrl}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
