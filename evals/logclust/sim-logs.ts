/**
 * The sandbox's own log formats as a held-out check for log clustering: every service format of
 * sim/logs.ts (nginx access and error logs, JSON, logfmt, Spring Boot, Python logging, Postgres,
 * Redis, RabbitMQ) rendered from its templates, so the event of each line is known by
 * construction: the template it was drawn from. Calm, problem and secret-bearing templates are
 * all drawn (problems and secrets more often than in a scenario, so each has lines). Stack
 * traces are cut to their first line (continuations are joined to their record elsewhere).
 * Nothing in the clusterer was tuned on these: they were written for the detection sandbox.
 * Pure: a seed in, lines out.
 */
import { seededRng, type Rng } from '../../core/rng.js';
import { ERRORS, languageOf, pickTemplate, plantSecrets, render, serviceLogs, type LineCtx, type Template, type TemplateSet } from '../../sim/logs.js';
import { LOG_FORMATS, type LogFormat } from '../../sim/schema.js';
import { secondTexts } from '../../sim/util.js';

export interface SimLogSystem {
  name: string;
  /** The format to cluster with: a `<Field>` format for the text formats (as Loghub gives one per system), else `auto`. */
  format: string;
  lines: string[];
  events: string[];
}

/** `<Field>` formats of the sandbox's text formats (their headers as sim/logs.ts `wrap` writes them). */
const SIM_FORMATS: Partial<Record<LogFormat, string>> = {
  java: '<Date> <Time> <Level> <Pid> --- \\[<Thread>\\] <Logger> : <Content>',
  python: '<Date> <Time> <Level> \\[<Logger>\\] <Content>',
  postgres: '<Date> <Time> <Zone> \\[<Pid>\\] <User> <Level>:  <Content>',
  redis: '<Pid> <Day> <Month> <Year> <Time> <Level> <Content>',
  rabbitmq: '<Date> <Time> \\[<Level>\\] <Proc> <Content>',
};

/** A template's identity: its literal text, so the same message in two sets is one event. */
function templateKey(t: Template): string {
  return t.parts.map((p) => (typeof p === 'string' ? p : '\u0000')).join('');
}

function vars(service: string, format: LogFormat): Record<string, string> {
  const e = ERRORS[languageOf(format)];
  return {
    svc: service, inst: `${service}-7d9f8c6b5-x2k4p`, callee: 'payments', cls: 'Checkout', pkg: 'checkout', errtype: e.errtype, errmsg: e.errmsg, oom: e.oom,
    route: '/api/checkout', version: 'v1.4.2', pool: 'HikariPool-1', poolsize: '20', path: '/var/lib/data', host: 'payments.shop.svc.cluster.local',
    timeout: '2000', upstream: '10.0.3.17:8080', thread: '7', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', column: 'email',
    flag: 'new_checkout', maxmemory: '2gb', node: 'node-3', notafter: 'Dec  7 00:00:00 2026 GMT', table: 'orders',
  };
}

/** One system per sandbox log format, `lines` lines each (deterministic for a seed). */
export function simLogSystems(seed = 1, lines = 2_000): SimLogSystem[] {
  const out: SimLogSystem[] = [];
  for (const format of LOG_FORMATS) {
    if (format === 'none') continue;
    const service = format === 'nginx' ? 'gateway' : 'checkout';
    const logs = serviceLogs(service, format === 'nginx' ? 'gateway' : 'service', format);
    const sets: [string, TemplateSet, number][] = [['calm', logs.calm, 0.7], ...Object.entries(logs.problems).map(([k, s]): [string, TemplateSet, number] => [k, s, 0.25 / Object.keys(logs.problems).length]), ['secrets', logs.secrets, 0.05]];
    const r: Rng = seededRng(seed * 7919 + out.length);
    const v = vars(service, format);
    const ctx: LineCtx = { sec: secondTexts(1_764_000_000), ms: 0, iso: '', secrets: plantSecrets(r) };
    const sys: SimLogSystem = { name: `sim-${format}`, format: SIM_FORMATS[format] ?? 'auto', lines: [], events: [] };
    let t = 1_764_000_000_000;
    for (let i = 0; i < lines; i++) {
      t += Math.floor(r() * 2_000);
      ctx.sec = secondTexts(Math.floor(t / 1000));
      ctx.ms = t % 1000;
      ctx.iso = `${ctx.sec.iso}.${String(ctx.ms).padStart(3, '0')}Z`;
      let u = r();
      let set = sets[sets.length - 1][1];
      for (const [, s, w] of sets) {
        if (u < w) {
          set = s;
          break;
        }
        u -= w;
      }
      const tpl = pickTemplate(set, r);
      const fresh = { ...v, trace_id: (r() * 2 ** 52).toString(16).padStart(13, '0'), span_id: (r() * 2 ** 40).toString(16).padStart(10, '0') };
      sys.lines.push(render(tpl, r, ctx, fresh).split('\n')[0]);
      sys.events.push(templateKey(tpl));
    }
    out.push(sys);
  }
  return out;
}
