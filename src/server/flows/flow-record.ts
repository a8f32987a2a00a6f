import type { Brand, Flow, Step } from '../../protocol/index.js';
import type { AdapterState } from '../providers/adapter.js';
import type { Sealer } from '../security/sealer.js';
import type { FlowTable, LinkTable } from '../store/schema.js';

/** What the engine keeps between steps, sealed in `flows.sealed_state`. */
export interface FlowState {
  adapter: AdapterState;
  challengeId?: string;
}

/** A flow row with its link, decoded. */
export interface FlowRecord {
  row: FlowTable;
  link: LinkTable;
  step: Step;
  state: FlowState;
}

export function decodeFlow(row: FlowTable, link: LinkTable, sealer: Sealer): FlowRecord {
  return { row, link, step: JSON.parse(row.step_json) as Step, state: sealer.openJson<FlowState>(row.sealed_state) };
}

export function flowView(record: FlowRecord, brand: Brand): Flow {
  const { row, link } = record;
  return {
    id: row.id,
    type: link.type,
    status: row.status,
    expiresAt: new Date(row.expires_at).toISOString(),
    brand,
    ...(link.locale ? { locale: link.locale } : {}),
    hostOrigins: JSON.parse(link.origins_json) as string[],
    step: record.step,
  };
}

/** The host's redirect target with Keyway's outcome appended; undefined when the link set none. */
export function redirectTarget(base: string | null, params: Record<string, string>): string | undefined {
  if (!base) return undefined;
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}
