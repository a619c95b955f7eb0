/**
 * What a cluster says about one service now: the values a fix plan's numbers start from and the
 * preflight's drift gate compares with. Read by the sandbox (sim/edge/live.ts) today, by a
 * Kubernetes reader later; consumed by remediate/catalog.ts and the preflight gates.
 */
export type LiveValue = string | number | boolean;

export interface LiveService {
  replicas: number | null;
  memoryMb: number | null;
  diskGb: number | null;
  version: string | null;
  flags: Record<string, LiveValue>;
  config: Record<string, LiveValue>;
  /** Services that call it, with their flags (a failover switch lives on the caller). */
  callers: { service: string; flags: Record<string, LiveValue> }[];
  /** Known only for a third party: a service we probe but do not run. */
  external: boolean;
}
