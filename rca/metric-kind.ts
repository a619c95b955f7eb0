/**
 * What a metric measures, read from its name: the RED/USE families (Wilkie's RED method; Gregg's
 * USE method) plus which side of a call it is measured on. The side matters for ranking: a
 * server-side or resource metric describes the service itself, a client-side metric (OpenTelemetry
 * span kind CLIENT) describes the calls it makes, so its anomaly points at its dependencies; an
 * edge metric (hand-off latency between two services) belongs to a pair and cannot tell one end
 * from the other.
 */
import type { MetricKind, MetricSide } from './types.js';

export interface MetricClass {
  kind: MetricKind;
  side: MetricSide;
  /** Which way a move is bad. */
  bad: 'up' | 'down' | 'both';
  /**
   * The metric follows the load a service receives (requests, CPU, network, I/O, a queue's backlog): a drop says its
   * callers sent less — a symptom of a failing caller, not of the service itself.
   */
  loadDriven: boolean;
  /** Groups near-duplicates (p90/p95/p99, usage and usage rate) so they count once. */
  family: string;
}

const HOST = /^(node|host|machine|vm|instance)(?=[^a-z]|[A-Z]|$)|^node/i;
const EDGE = /handoff|edge_latency|hop_latency/i;
const CLIENT = /client|outbound|egress|upstream_call|dependency/i;
const SERVER = /server|inbound|ingress|handler/i;

const ERRORS = /error|errs?\b|fail|exception|5xx|fault|timeout|rejected|dropped|restart|oom|crash|evict/i;
const SUCCESS = /success|availability|apdex|uptime|\bok\b|ok_rate|healthy|hit_?ratio|hit_?rate/i;
const LATENCY = /latency|duration|response.?time|elapsed|\brt\b|^lat(_|$)|_lat(_|$)|p50|p9\d|p99/i;
const TRAFFIC = /request|workload|\bops\b|\(ops\)|rps|qps|throughput|calls|^lod$|load$|invocations|hits|count/i;
const RESOURCE = /cpu|mem|heap|gc|disk|\bio\b|syscall|network|bytes|thread|conn|fd|queue|saturation|util|^mem$|^cpu$/i;

const RESOURCES: [RegExp, string][] = [
  [/cpu/i, 'cpu'],
  [/mem|heap|rss/i, 'mem'],
  [/disk|volume|filesystem|inode/i, 'disk'],
  [/network|bytes|rx|tx|receive|transmit/i, 'net'],
  [/syscall|\bio\b|read|write/i, 'io'],
  [/gc/i, 'gc'],
  [/queue.?(depth|len|size)|backlog/i, 'queue'],
  [/thread|conn|fd|queue/i, 'pool'],
];

/** A metric's name without percentile, statistic and unit decorations: LatencyP95(s) → latency. */
export function baseName(name: string): string {
  return name
    .replace(/\([^)]*\)/g, '')
    .replace(/[pPqQ]\d{2,3}(?![0-9])/g, '_')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t && !/^(\d+(th)?|average|avg|mean|max|min|sum|count|total|rate|ms|s|sec|seconds|us|ns)$/.test(t))
    .join('');
}

/** Classify a metric name (case-insensitive, any separator style). */
export function classifyMetric(name: string): MetricClass {
  const side: MetricSide = HOST.test(name) ? 'host' : EDGE.test(name) ? 'edge' : CLIENT.test(name) ? 'client' : SERVER.test(name) ? 'server' : 'self';
  let kind: MetricKind;
  let bad: MetricClass['bad'];
  if (SUCCESS.test(name)) [kind, bad] = ['success', 'down'];
  else if (ERRORS.test(name)) [kind, bad] = ['errors', 'up'];
  else if (LATENCY.test(name)) [kind, bad] = ['latency', 'up'];
  else if (RESOURCE.test(name) && !TRAFFIC.test(name.replace(/bytes/i, ''))) [kind, bad] = ['saturation', 'both'];
  else if (TRAFFIC.test(name)) [kind, bad] = ['traffic', 'both'];
  else if (RESOURCE.test(name)) [kind, bad] = ['saturation', 'both'];
  else [kind, bad] = ['other', 'both'];
  let family = `${kind}:${side}`;
  let resource: string | null = null;
  if (kind === 'latency' || kind === 'errors' || kind === 'success' || kind === 'traffic') family += `:${baseName(name)}`;
  else {
    const r = RESOURCES.find(([re]) => re.test(name));
    resource = r ? r[1] : null;
    family += `:${resource ?? name.toLowerCase().replace(/[^a-z]/g, '')}`;
  }
  // a backlog is what arrived and is not yet consumed: it shrinks when less arrives (its producers
  // failed upstream), so a drop is a load drop, not trouble of the queue — a growing one still is
  const loadDriven =
    side !== 'client' && (kind === 'traffic' || (kind === 'saturation' && (resource === 'cpu' || resource === 'net' || resource === 'io' || resource === 'queue')));
  if (loadDriven) bad = 'up';
  return { kind, side, bad, family, loadDriven };
}
