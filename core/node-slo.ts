/**
 * The service-level objectives a topology node declares in its attributes, read with one zod
 * schema by every consumer (the streaming SLO guard, the RCA's objectives). Two forms:
 *  - `slo: {availability?, p95_ms?}` — the service's own objectives (`p95Ms` is read too);
 *  - `slos: [{name?, metric, bad: 'up'|'down', objective?}]` — one series spelled out.
 * Topology attributes are free-form JSON that arrives over the API, so a bad field is dropped on
 * its own (an availability of 2, a `bad` of "sideways") and the rest of the node still counts.
 */
import { z } from 'zod';

const positive = z.number().positive().finite();

/** `slo`: a fraction of good requests strictly between 0 and 1, and a p95 latency in ms. */
const ServiceObjectives = z.object({
  availability: z.number().gt(0).lt(1).optional().catch(undefined),
  p95_ms: positive.optional().catch(undefined),
  p95Ms: positive.optional().catch(undefined),
});

/** One entry of `slos`: a named series that is bad when it goes `up` (or `down`) past `objective`. */
export const SeriesObjective = z.object({
  name: z.string().min(1).optional().catch(undefined),
  metric: z.string().min(1),
  bad: z.enum(['up', 'down']),
  objective: z.number().finite().optional().catch(undefined),
});
export type SeriesObjective = z.output<typeof SeriesObjective>;

/** The SLO part of a topology node's attributes (any other attribute is ignored). */
export const NodeSloAttributes = z.object({
  slo: ServiceObjectives.optional().catch(undefined),
  slos: z.array(z.unknown()).optional().catch(undefined),
});

export interface NodeSlos {
  /** The service's own objectives; undefined when the node declares no `slo` object. */
  service?: { availability?: number; p95Ms?: number };
  /** Spelled-out series objectives, in declaration order, malformed entries left out. */
  series: SeriesObjective[];
}

/** A node's objectives from its attributes (anything else, or nothing, yields none). */
export function nodeSlos(attributes: unknown): NodeSlos {
  const a = NodeSloAttributes.safeParse(attributes ?? {});
  if (!a.success) return { series: [] };
  const series = (a.data.slos ?? []).flatMap((s) => {
    const r = SeriesObjective.safeParse(s);
    return r.success ? [r.data] : [];
  });
  const slo = a.data.slo;
  if (!slo) return { series };
  return { service: { availability: slo.availability, p95Ms: slo.p95_ms ?? slo.p95Ms }, series };
}
