/**
 * Log lines: per-service template sets in each service's own format (nginx access and error logs,
 * JSON, logfmt, Spring Boot, Python logging, Postgres, Redis, RabbitMQ), with realistic variable
 * parts (ids, IPs, durations, paths, multi-line stack traces) and, now and then, a secret to test
 * masking. Templates are compiled once into literal fragments and generator functions, so a line
 * costs a few string concatenations and random draws: no regex, no Date formatting per line.
 *
 * Placeholder syntax: `%{name}` or `%{name:arg}` (never clashes with JSON braces).
 */
import type { Rng } from '../core/rng.js';
import type { LogFormat } from './schema.js';
import { PAD3, dec, hex8, randInt, type SecondTexts } from './util.js';

export const LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

/** The time of the line being rendered (mutated in place by the generator, never allocated per line). */
export interface LineCtx {
  sec: SecondTexts;
  ms: number;
  /** Full ISO timestamp of the line, e.g. 2026-03-02T13:00:05.123Z. */
  iso: string;
  /** The scenario's planted secrets (for the secret-bearing lines). */
  secrets: PlantedSecrets;
}
/** Per-source variables: `%{$svc}`, `%{$callee}`… */
export type Vars = Record<string, string>;
type Gen = (r: Rng, c: LineCtx, v: Vars) => string;
type Part = string | Gen;

export interface Template {
  level: Level;
  weight: number;
  parts: Part[];
}

/** A weighted template set; `pick` walks cumulative weights (sets are small). */
export interface TemplateSet {
  templates: Template[];
  cumulative: Float64Array;
  total: number;
}

export function render(t: Template, r: Rng, c: LineCtx, v: Vars): string {
  let s = '';
  const p = t.parts;
  for (let i = 0; i < p.length; i++) {
    const x = p[i];
    s += typeof x === 'string' ? x : x(r, c, v);
  }
  return s;
}

export function pickTemplate(set: TemplateSet, r: Rng): Template {
  const u = r() * set.total;
  const c = set.cumulative;
  for (let i = 0; i < c.length; i++) if (u < c[i]) return set.templates[i];
  return set.templates[set.templates.length - 1];
}

// ---- generators ------------------------------------------------------------------------

const FIRST = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter'];
const DOMAINS = ['example.com', 'mail.example.org', 'shop-customer.net', 'example.co.uk'];
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:129.0) Gecko/20100101 Firefox/129.0',
  'ShopApp/5.12.0 (Android 14; Pixel 8)',
  'ShopApp/5.12.1 (iOS 17.5; iPhone15,2)',
  'curl/8.5.0',
  'Googlebot/2.1 (+http://www.google.com/bot.html)',
];
const CATEGORIES = ['shoes', 'jackets', 'electronics', 'kitchen', 'toys', 'garden', 'books', 'sports'];
const QUERIES = ['red+shoes', 'usb-c+cable', 'winter+jacket', 'coffee+grinder', 'lego', 'running+socks', 'laptop+stand', 'yoga+mat'];
const COUNTRIES = ['DE', 'FR', 'GB', 'NL', 'US', 'ES', 'IT', 'PL', 'SE'];
const CARRIERS = ['dhl', 'ups', 'fedex', 'dpd', 'postnl'];

const OCT: string[] = Array.from({ length: 256 }, (_, i) => String(i));

/** Secrets planted in log lines: realistic shapes that the masking rules are expected to catch. */
export interface PlantedSecrets {
  bearer: string[];
  passwords: string[];
  awsKeys: string[];
  apiKeys: string[];
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const chars = (r: Rng, alphabet: string, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
};

/** A handful of secrets per scenario (listed in its ground truth so a test can search the store for them). */
export function plantSecrets(r: Rng): PlantedSecrets {
  return {
    bearer: Array.from({ length: 3 }, () => `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${chars(r, B64, 36)}.${chars(r, B64, 43)}`),
    passwords: Array.from({ length: 3 }, () => `${chars(r, ALNUM, 10)}!${randInt(r, 10, 99)}`),
    awsKeys: Array.from({ length: 2 }, () => `AKIA${chars(r, UPNUM, 16)}`),
    apiKeys: Array.from({ length: 2 }, () => `sk_live_${chars(r, ALNUM, 24)}`),
  };
}

function expMs(base: number): Gen {
  // Exponential-ish around the base (a long right tail like real latencies).
  return (r) => {
    const v = Math.floor(base * (0.35 + -Math.log(1 - r()) * 0.8));
    return dec(v);
  };
}

function generator(name: string, arg: string | undefined): Gen {
  switch (name) {
    case 'iso':
      return (_r, c) => c.iso;
    case 'dt':
      return (_r, c) => `${c.sec.dt}.${PAD3[c.ms]}`;
    case 'dts':
      return (_r, c) => c.sec.dt;
    case 'ms3':
      return (_r, c) => PAD3[c.ms];
    case 'clf':
      return (_r, c) => c.sec.clf;
    case 'rdt':
      return (_r, c) => `${c.sec.rdt}.${PAD3[c.ms]}`;
    case 'hex8':
      return (r) => hex8(r);
    case 'hex16':
      return (r) => hex8(r) + hex8(r);
    case 'hex32':
      return (r) => hex8(r) + hex8(r) + hex8(r) + hex8(r);
    case 'sha':
      return (r) => hex8(r) + hex8(r) + hex8(r) + hex8(r) + hex8(r);
    case 'uuid':
      return (r) => {
        const a = hex8(r);
        const b = hex8(r);
        return `${a}-${b.slice(0, 4)}-4${b.slice(5)}-a${hex8(r).slice(1, 4)}-${hex8(r)}${hex8(r).slice(0, 4)}`;
      };
    case 'int': {
      const [lo, hi] = (arg ?? '0-100').split('-').map(Number);
      return (r) => dec(lo + Math.floor(r() * (hi - lo + 1)));
    }
    case 'ms':
      return expMs(Number(arg ?? 20));
    case 'sec': {
      // nginx-style seconds with 3 decimals around a base in seconds
      const base = Number(arg ?? 0.02) * 1000;
      return (r) => {
        const v = Math.floor(base * (0.35 + -Math.log(1 - r()) * 0.8));
        return `${dec(Math.floor(v / 1000))}.${PAD3[v % 1000]}`;
      };
    }
    case 'msf': {
      const base = Number(arg ?? 2);
      return (r) => {
        const v = Math.floor(base * 1000 * (0.35 + -Math.log(1 - r()) * 0.8));
        return `${dec(Math.floor(v / 1000))}.${PAD3[v % 1000]}`;
      };
    }
    case 'ip':
      return (r) => `10.${OCT[Math.floor(r() * 4)]}.${OCT[Math.floor(r() * 256)]}.${OCT[1 + Math.floor(r() * 254)]}`;
    case 'pubip':
      return (r) => `${OCT[20 + Math.floor(r() * 200)]}.${OCT[Math.floor(r() * 256)]}.${OCT[Math.floor(r() * 256)]}.${OCT[1 + Math.floor(r() * 254)]}`;
    case 'port':
      return (r) => dec(32768 + Math.floor(r() * 28000));
    case 'user':
      return (r) => `u_${dec(100000 + Math.floor(r() * 900000))}`;
    case 'email':
      return (r) => `${FIRST[Math.floor(r() * FIRST.length)]}.${dec(Math.floor(r() * 1000))}@${DOMAINS[Math.floor(r() * DOMAINS.length)]}`;
    case 'order':
      return (r) => `ord_${hex8(r)}${hex8(r).slice(0, 4)}`;
    case 'sku':
      return (r) => `SKU-${dec(10000 + Math.floor(r() * 89999))}`;
    case 'cart':
      return (r) => `cart_${hex8(r)}`;
    case 'pay':
      return (r) => `pi_${hex8(r)}${hex8(r)}`;
    case 'ua':
      return (r) => UAS[Math.floor(r() * UAS.length)];
    case 'cat':
      return (r) => CATEGORIES[Math.floor(r() * CATEGORIES.length)];
    case 'query':
      return (r) => QUERIES[Math.floor(r() * QUERIES.length)];
    case 'country':
      return (r) => COUNTRIES[Math.floor(r() * COUNTRIES.length)];
    case 'carrier':
      return (r) => CARRIERS[Math.floor(r() * CARRIERS.length)];
    case 'pick': {
      const opts = (arg ?? '').split('|');
      return (r) => opts[Math.floor(r() * opts.length)];
    }
    case 'jwt':
      return (r, c) => c.secrets.bearer[Math.floor(r() * c.secrets.bearer.length)];
    case 'password':
      return (r, c) => c.secrets.passwords[Math.floor(r() * c.secrets.passwords.length)];
    case 'awskey':
      return (r, c) => c.secrets.awsKeys[Math.floor(r() * c.secrets.awsKeys.length)];
    case 'apikey':
      return (r, c) => c.secrets.apiKeys[Math.floor(r() * c.secrets.apiKeys.length)];
    default:
      if (name.startsWith('$')) {
        const key = name.slice(1);
        return (_r, _c, v) => v[key] ?? '';
      }
      throw new Error(`unknown log placeholder %{${name}}`);
  }
}

const PLACEHOLDER = /%\{([$a-z0-9_]+)(?::([^}]*))?\}/gi;

/** Compiles a template text into parts; `escapeJson` escapes the literal text for a JSON string field. */
export function compile(text: string, level: Level, weight = 1): Template {
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(generator(m[1], m[2]));
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  // Merge adjacent literals.
  const merged: Part[] = [];
  for (const p of parts) {
    const prev = merged[merged.length - 1];
    if (typeof p === 'string' && typeof prev === 'string') merged[merged.length - 1] = prev + p;
    else merged.push(p);
  }
  return { level, weight, parts: merged };
}

export function templateSet(templates: Template[]): TemplateSet {
  const cumulative = new Float64Array(templates.length);
  let total = 0;
  templates.forEach((t, i) => {
    total += t.weight;
    cumulative[i] = total;
  });
  return { templates, cumulative, total };
}

// ---- formats ----------------------------------------------------------------------------

/** A format-neutral message: level, weight, text with placeholders, optional stack trace kind. */
export interface Msg {
  level: Level;
  text: string;
  weight?: number;
  /** Adds a multi-line stack trace in the format's language. */
  stack?: boolean;
}

const jsonEscape = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
/** Escapes only the literal text, keeping %{…} placeholders intact. */
const jsonEscapeLiterals = (s: string): string => {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(PLACEHOLDER)) {
    out += jsonEscape(s.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + jsonEscape(s.slice(last));
};

const JAVA_LEVEL: Record<Level, string> = { debug: 'DEBUG', info: ' INFO', warn: ' WARN', error: 'ERROR', fatal: 'ERROR' };
const PY_LEVEL: Record<Level, string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR', fatal: 'CRITICAL' };
const PG_LEVEL: Record<Level, string> = { debug: 'DEBUG', info: 'LOG', warn: 'WARNING', error: 'ERROR', fatal: 'FATAL' };
const REDIS_LEVEL: Record<Level, string> = { debug: '.', info: '*', warn: '#', error: '#', fatal: '#' };
const RMQ_LEVEL: Record<Level, string> = { debug: 'debug', info: 'info', warn: 'warning', error: 'error', fatal: 'critical' };

const STACKS: Record<string, string> = {
  java:
    '\n\tat com.shop.%{$pkg}.service.%{$cls}Service.process(%{$cls}Service.java:%{int:80-420})' +
    '\n\tat com.shop.%{$pkg}.web.%{$cls}Controller.handle(%{$cls}Controller.java:%{int:40-160})' +
    '\n\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)' +
    '\n\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)' +
    '\n\tat org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:166)' +
    '\n\tat org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)' +
    '\n\tat java.base/java.lang.Thread.run(Thread.java:1583)',
  python:
    '\nTraceback (most recent call last):' +
    '\n  File "/app/%{$svc}/api.py", line %{int:40-200}, in handle' +
    '\n    result = self.service.run(request)' +
    '\n  File "/app/%{$svc}/service.py", line %{int:60-300}, in run' +
    '\n    features = self.store.features(user_id)' +
    '\n  File "/usr/local/lib/python3.12/site-packages/shopcore/store.py", line 88, in features' +
    '\n    return self._cache[key]',
  go:
    '\ngoroutine %{int:100-9000} [running]:' +
    '\ngithub.com/shop/%{$svc}/internal/server.(*Handler).ServeHTTP(0xc000%{hex8}, {0x1a2b3c0, 0xc00%{hex8}})' +
    '\n\t/src/internal/server/handler.go:%{int:40-260} +0x%{int:100-999}' +
    '\nnet/http.serverHandler.ServeHTTP({0xc0001%{int:10000-99999}}, {0x1a2b3c0, 0xc00%{hex8}}, 0xc000%{hex8})' +
    '\n\t/usr/local/go/src/net/http/server.go:3210 +0x8e',
  node:
    '\n    at %{$cls}Service.handle (/app/dist/%{$svc}/service.js:%{int:20-400}:%{int:5-40})' +
    '\n    at async Router.dispatch (/app/node_modules/@shop/http/dist/router.js:112:18)' +
    '\n    at async Server.<anonymous> (/app/dist/server.js:58:7)',
};

/** Formats whose services log with trace context (databases, caches, queues, proxies do not). */
export const TRACE_CONTEXT_FORMATS: ReadonlySet<LogFormat> = new Set(['json', 'logfmt', 'java', 'python']);
const TRACE_SUFFIX = ' trace_id=%{$trace_id} span_id=%{$span_id}';

/**
 * Wraps a message into a format; the result is compiled once. `traced`: a line of a sampled
 * request, carrying its `%{$trace_id}` and `%{$span_id}` (ordinary lines get a fresh random id, so
 * no two share one). Traced lines keep the message near the start, where a line's shape is read
 * (rca/trace-patterns.ts names an event by its first 96 characters): JSON puts `msg` before the
 * service and pod, Java and Python add the ids after the text, Python names one logger.
 */
function wrap(format: LogFormat, m: Msg, traced = false): string {
  const text = m.text;
  switch (format) {
    case 'json': {
      const msg = `"msg":"${jsonEscapeLiterals(text)}"`;
      const base = traced
        ? `{"time":"%{iso}","level":"${m.level}",${msg},"service":"%{$svc}","pod":"%{$inst}","trace_id":"%{$trace_id}","span_id":"%{$span_id}"`
        : `{"time":"%{iso}","level":"${m.level}","service":"%{$svc}","pod":"%{$inst}",${msg},"trace_id":"%{hex32}"`;
      if (m.stack) return `${base},"err":{"type":"%{$errtype}","stack":"${jsonEscapeLiterals(`%{$errtype}: %{$errmsg}${STACKS.node}`)}"}}`;
      return `${base}}`;
    }
    case 'logfmt': {
      const quoted = text.includes('"') ? text.replace(/"/g, "'") : text;
      const ids = traced ? 'trace_id=%{$trace_id} span_id=%{$span_id}' : 'trace_id=%{hex16}';
      const line = `time=%{iso} level=${m.level} svc=%{$svc} pod=%{$inst} msg="${quoted}" ${ids}`;
      return m.stack ? `${line}\npanic: %{$errmsg} [recovered]${STACKS.go}` : line;
    }
    case 'java': {
      // one request, one worker thread
      const thread = traced ? '%{$thread}' : '%{int:1-200}';
      const line = `%{dt} ${JAVA_LEVEL[m.level]} 1 --- [nio-8080-exec-${thread}] c.s.%{$pkg}.%{$cls}Service : ${text}${traced ? TRACE_SUFFIX : ''}`;
      return m.stack ? `${line}\n%{$errtype}: %{$errmsg}${STACKS.java}` : line;
    }
    case 'python': {
      const line = `%{dts},%{ms3} ${PY_LEVEL[m.level]} [%{$svc}.${traced ? 'api' : '%{pick:api|service|worker}'}] ${text}${traced ? TRACE_SUFFIX : ''}`;
      return m.stack ? `${line}${STACKS.python}\n%{$errtype}: %{$errmsg}` : line;
    }
    case 'postgres':
      return `%{dt} UTC [%{int:1000-40000}] %{pick:shop_app|shop_app|shop_ro}@shop ${PG_LEVEL[m.level]}:  ${text}`;
    case 'redis':
      return `1:M %{rdt} ${REDIS_LEVEL[m.level]} ${text}`;
    case 'rabbitmq':
      return `%{dt}000+00:00 [${RMQ_LEVEL[m.level]}] <0.%{int:200-9999}.0> ${text}`;
    case 'nginx':
      // nginx messages are whole lines already (access or error log).
      return text;
    case 'none':
      return text;
  }
}

export function compileMsgs(format: LogFormat, msgs: Msg[]): TemplateSet {
  return templateSet(msgs.map((m) => compile(wrap(format, m), m.level, m.weight ?? 1)));
}

/** One message of a sampled request, compiled for a format with trace context (see `wrap`). */
export function compileTraced(format: LogFormat, m: Msg): Template {
  return compile(wrap(format, m, true), m.level, m.weight ?? 1);
}

// ---- message catalogs ---------------------------------------------------------------------

const NGINX_ERR = '%{dts} [error] %{int:20-40}#%{int:20-40}: *%{int:100000-999999} ';
const ACCESS = (method: string, path: string, status: string, base: string) =>
  `%{pubip} - - [%{clf}] "${method} ${path} HTTP/1.1" ${status} %{int:200-18000} "-" "%{ua}" rt=%{sec:${base}} upstream=%{$upstream} req_id=%{hex16}`;

/** Calm traffic of the edge gateway: access lines by route. */
const NGINX_CALM: Msg[] = [
  { level: 'info', weight: 30, text: ACCESS('GET', '/api/products/%{sku}', '200', '0.03') },
  { level: 'info', weight: 20, text: ACCESS('GET', '/api/catalog?category=%{cat}&page=%{int:1-20}', '200', '0.04') },
  { level: 'info', weight: 10, text: ACCESS('GET', '/api/search?q=%{query}', '200', '0.09') },
  { level: 'info', weight: 10, text: ACCESS('GET', '/api/recommendations?user=%{user}', '200', '0.12') },
  { level: 'info', weight: 8, text: ACCESS('POST', '/api/cart/items', '201', '0.03') },
  { level: 'info', weight: 6, text: ACCESS('GET', '/api/cart', '200', '0.02') },
  { level: 'info', weight: 4, text: ACCESS('POST', '/api/auth/login', '200', '0.05') },
  { level: 'info', weight: 1, text: ACCESS('POST', '/api/checkout', '200', '0.6') },
  { level: 'info', weight: 4, text: ACCESS('GET', '/static/js/app.%{hex8}.js', '304', '0.001') },
  { level: 'warn', weight: 1, text: ACCESS('GET', '/api/products/%{sku}', '404', '0.01') },
  { level: 'warn', weight: 0.3, text: ACCESS('POST', '/api/auth/login', '401', '0.04') },
  { level: 'info', weight: 2, text: ACCESS('GET', '/healthz', '200', '0.001') },
];

/** Generic calm lines by format, mixed into every service's own set. */
const GENERIC_CALM: Msg[] = [
  { level: 'debug', weight: 2, text: 'health check ok (%{int:1-9}ms)' },
  { level: 'info', weight: 0.3, text: 'metrics flushed: %{int:200-900} series in %{ms:6}ms' },
  { level: 'debug', weight: 0.5, text: 'connection pool stats: active=%{int:1-12} idle=%{int:4-20} waiting=0' },
];

/** Calm messages per service of the default shop (other topologies fall back by type). */
const SERVICE_CALM: Record<string, Msg[]> = {
  frontend: [
    { level: 'info', weight: 20, text: 'GET /product/%{sku} 200 %{ms:14}ms user=%{user}' },
    { level: 'info', weight: 12, text: 'GET /category/%{cat}?page=%{int:1-20} 200 %{ms:18}ms' },
    { level: 'info', weight: 6, text: 'rendered home page for session %{hex16} in %{ms:22}ms (%{int:12-40} tiles)' },
    { level: 'info', weight: 4, text: 'POST /cart/add 200 %{ms:25}ms sku=%{sku} qty=%{int:1-3}' },
    { level: 'warn', weight: 0.5, text: 'slow upstream catalog: %{ms:120}ms for /product/%{sku}' },
  ],
  auth: [
    { level: 'info', weight: 10, text: 'token issued user_id=%{user} client_ip=%{pubip} ttl=900s' },
    { level: 'info', weight: 8, text: 'token validated user_id=%{user} scopes=cart,orders latency=%{ms:3}ms' },
    { level: 'info', weight: 2, text: 'session refreshed session=%{hex16} user_id=%{user}' },
    { level: 'warn', weight: 0.6, text: 'login failed user=%{email} reason=bad_credentials client_ip=%{pubip}' },
  ],
  users: [
    { level: 'info', weight: 10, text: 'GET /v1/users/%{user} 200 %{ms:4}ms' },
    { level: 'info', weight: 3, text: 'profile updated user_id=%{user} fields=address,phone' },
    { level: 'debug', weight: 2, text: 'cache hit key=user:%{user}' },
  ],
  catalog: [
    { level: 'info', weight: 10, text: 'GET /v1/products/%{sku} 200 %{ms:6}ms cache=hit' },
    { level: 'info', weight: 3, text: 'GET /v1/products/%{sku} 200 %{ms:18}ms cache=miss' },
    { level: 'info', weight: 4, text: 'listed %{int:20-60} products category=%{cat} page=%{int:1-20} in %{ms:9}ms' },
    { level: 'debug', weight: 1, text: 'price refreshed sku=%{sku} currency=EUR' },
  ],
  search: [
    { level: 'info', weight: 10, text: 'query q="%{query}" hits=%{int:0-900} took=%{ms:25}ms shard=%{$inst}' },
    { level: 'info', weight: 2, text: 'segment merge finished: %{int:2-9} segments in %{ms:400}ms' },
    { level: 'debug', weight: 2, text: 'scoring %{int:100-5000} candidates with bm25+boost(popularity)' },
  ],
  recommendations: [
    { level: 'info', weight: 10, text: 'ranked %{int:20-80} candidates for user=%{user} in %{ms:35}ms model=ranker-v7' },
    { level: 'info', weight: 2, text: 'feature store lookup user=%{user} features=%{int:30-90} in %{ms:6}ms' },
    { level: 'debug', weight: 1, text: 'fallback to popular items for anonymous session %{hex16}' },
  ],
  cart: [
    { level: 'info', weight: 10, text: 'cart %{cart} updated items=%{int:1-9} total=%{int:5-900}.%{int:10-99} EUR' },
    { level: 'info', weight: 6, text: 'GET /v1/carts/%{cart} 200 %{ms:6}ms' },
    { level: 'info', weight: 1, text: 'reserved stock sku=%{sku} qty=%{int:1-3} cart=%{cart}' },
  ],
  checkout: [
    { level: 'info', weight: 10, text: 'Checkout %{uuid} completed for user %{user} in %{ms:400}ms (order %{order})' },
    { level: 'info', weight: 4, text: 'Computed totals for cart %{cart}: %{int:1-9} items, shipping %{carrier}, country %{country}' },
    { level: 'warn', weight: 0.5, text: 'Payment declined for checkout %{uuid}: card_declined (insufficient_funds)' },
  ],
  orders: [
    { level: 'info', weight: 10, text: 'Created order %{order} for customer %{user} with %{int:1-9} lines in %{ms:22}ms' },
    { level: 'info', weight: 4, text: 'Published OrderCreated %{order} to exchange orders.events' },
    { level: 'info', weight: 3, text: 'GET /orders?customer=%{user} returned %{int:0-40} orders in %{ms:12}ms' },
  ],
  payments: [
    { level: 'info', weight: 10, text: 'Captured payment %{pay} amount=%{int:5-900}.%{int:10-99} EUR provider=stripe in %{ms:180}ms' },
    { level: 'info', weight: 3, text: 'Authorized payment %{pay} 3ds=%{pick:frictionless|challenge}' },
    { level: 'warn', weight: 0.5, text: 'Provider responded 402 card_declined for %{pay}' },
  ],
  inventory: [
    { level: 'info', weight: 10, text: 'stock reserved sku=%{sku} qty=%{int:1-3} remaining=%{int:0-500}' },
    { level: 'info', weight: 5, text: 'GET /v1/stock/%{sku} 200 %{ms:4}ms' },
    { level: 'warn', weight: 0.3, text: 'low stock sku=%{sku} remaining=%{int:0-4} threshold=5' },
  ],
  shipping: [
    { level: 'info', weight: 10, text: 'quoted shipping carrier=%{carrier} country=%{country} price=%{int:3-30}.%{int:10-99} in %{ms:40}ms' },
    { level: 'info', weight: 3, text: 'label created order=%{order} carrier=%{carrier} tracking=%{hex16}' },
  ],
  email: [
    { level: 'info', weight: 10, text: 'sent order confirmation to %{email} order=%{order} in %{ms:120}ms' },
    { level: 'info', weight: 2, text: 'rendered template order_confirmation locale=%{pick:en|de|fr|nl}' },
  ],
  notifications: [
    { level: 'info', weight: 10, text: 'push sent user=%{user} kind=%{pick:order_shipped|order_created|price_drop} in %{ms:40}ms' },
    { level: 'info', weight: 2, text: 'consumed %{int:1-50} messages from queue notifications.q' },
  ],
  ads: [
    { level: 'info', weight: 10, text: 'served %{int:1-4} ads for category=%{cat} in %{ms:8}ms' },
    { level: 'debug', weight: 2, text: 'ad inventory cache refreshed (%{int:200-900} creatives)' },
  ],
  postgres: [
    { level: 'info', weight: 6, text: 'duration: %{msf:1.2} ms  statement: SELECT id, name, price_cents FROM products WHERE id = $1' },
    { level: 'info', weight: 4, text: 'duration: %{msf:2.5} ms  statement: INSERT INTO orders (id, customer_id, total_cents) VALUES ($1, $2, $3)' },
    { level: 'info', weight: 3, text: 'connection authorized: user=shop_app database=shop application_name=%{pick:orders|users|inventory|payments}' },
    { level: 'info', weight: 1, text: 'automatic vacuum of table "shop.public.%{pick:orders|carts|stock|sessions}": index scans: 1' },
    { level: 'info', weight: 0.5, text: 'checkpoint complete: wrote %{int:100-9000} buffers (%{int:1-9}.%{int:0-9}%); write=%{msf:20} s' },
  ],
  redis: [
    { level: 'info', weight: 4, text: '%{int:100-20000} changes in 60 seconds. Saving...' },
    { level: 'info', weight: 4, text: 'Background saving started by pid %{int:100-9999}' },
    { level: 'info', weight: 4, text: 'DB saved on disk' },
    { level: 'info', weight: 1, text: 'Accepted %{ip}:%{port}' },
  ],
  'message-queue': [
    { level: 'info', weight: 6, text: 'accepting AMQP connection <0.%{int:200-9999}.0> (%{ip}:%{port} -> 10.0.3.%{int:2-250}:5672)' },
    { level: 'info', weight: 4, text: "connection <0.%{int:200-9999}.0> (%{ip}:%{port} -> 10.0.3.%{int:2-250}:5672): user 'shop' authenticated and granted access to vhost '/'" },
    { level: 'info', weight: 2, text: "closing AMQP connection <0.%{int:200-9999}.0> (%{ip}:%{port} -> 10.0.3.%{int:2-250}:5672, vhost: '/', user: 'shop')" },
  ],
};

const BY_TYPE_CALM: Record<string, Msg[]> = {
  gateway: NGINX_CALM,
  service: [
    { level: 'info', weight: 10, text: 'GET /v1/items/%{hex8} 200 %{ms:12}ms' },
    { level: 'info', weight: 4, text: 'processed request %{uuid} for user %{user} in %{ms:20}ms' },
  ],
  database: SERVICE_CALM.postgres,
  cache: SERVICE_CALM.redis,
  queue: SERVICE_CALM['message-queue'],
  external: [],
};

/** Problem lines, by category: what a service logs when something is wrong. `$callee`, `$host`… come from the source's vars. */
export const PROBLEM_MSGS: Record<string, Msg[]> = {
  exception: [{ level: 'error', text: 'Request failed: %{$errtype}: %{$errmsg}', stack: true }],
  slow: [
    { level: 'warn', text: 'slow request %{pick:GET|POST} %{$route} took %{ms:900}ms (threshold 500ms) version=%{$version}' },
    { level: 'warn', weight: 0.5, text: 'event loop / worker pool lag %{ms:300}ms' },
  ],
  oom: [
    { level: 'fatal', text: '%{$oom}' },
    { level: 'warn', text: 'heap usage %{int:91-99}% of limit, GC overhead %{int:40-90}%' },
  ],
  pool: [
    { level: 'error', text: 'Timeout acquiring a database connection after %{int:5000-5000}ms (pool %{$pool}: active=%{$poolsize} idle=0 waiting=%{int:20-200})' },
    { level: 'warn', weight: 0.4, text: 'connection pool %{$pool} is at max size %{$poolsize}; %{int:20-200} requests waiting' },
  ],
  disk: [
    { level: 'error', text: 'write failed: No space left on device (path=%{$path}, free=0B)' },
    { level: 'warn', weight: 0.3, text: 'disk usage of %{$path} above 95% (%{int:95-99}%)' },
  ],
  call_error: [
    { level: 'error', text: 'call to %{$callee} failed: %{pick:503 Service Unavailable|500 Internal Server Error|502 Bad Gateway} (attempt %{int:1-2}, %{ms:40}ms)' },
  ],
  call_timeout: [{ level: 'error', text: 'upstream request timeout calling %{$callee} after %{$timeout}ms (attempt %{int:1-2})' }],
  dns: [
    { level: 'error', text: 'dial tcp: lookup %{$host} on 10.96.0.10:53: no such host' },
    { level: 'error', weight: 0.5, text: 'getaddrinfo ENOTFOUND %{$host} calling %{$callee}' },
  ],
  tls: [
    { level: 'error', text: 'tls: failed to verify certificate for %{$host}: x509: certificate has expired or is not yet valid: current time %{iso} is after %{$notafter}' },
    { level: 'error', weight: 0.5, text: 'request to %{$callee} failed: certificate has expired (CERT_HAS_EXPIRED)' },
  ],
  shed: [
    { level: 'warn', text: 'rejecting request: server overloaded (inflight=%{int:200-900} limit=200), returning 503' },
    { level: 'warn', weight: 0.5, text: 'CPU throttled: %{int:30-90}% of periods throttled in the last 10s' },
  ],
  flag: [{ level: 'error', text: 'feature %{$flag} path failed: %{$errtype}: %{$errmsg}', stack: true }],
  external: [
    { level: 'error', text: 'payment provider %{$callee} returned %{pick:503 Service Unavailable|502 Bad Gateway|504 Gateway Timeout} for %{pay} (%{ms:2000}ms)' },
    { level: 'warn', weight: 0.4, text: 'circuit breaker for %{$callee} is OPEN (failure rate %{int:50-100}%)' },
  ],
  noisy: [
    { level: 'warn', text: 'ad inventory refresh slow: %{ms:800}ms (partner feed %{pick:adnet-a|adnet-b|adnet-c})' },
    { level: 'warn', weight: 0.6, text: 'retrying partner request after %{pick:timeout|429 Too Many Requests} (attempt %{int:1-3})' },
    { level: 'error', weight: 0.15, text: 'partner feed %{pick:adnet-a|adnet-b} returned malformed creative %{hex8}; skipped' },
  ],
  restart: [
    { level: 'info', text: 'starting %{$svc} version %{$version} on node %{$node}' },
    { level: 'info', text: 'listening on :8080 (ready in %{ms:4000}ms)' },
  ],
  slow_query: [
    {
      level: 'info',
      text: 'duration: %{msf:2400} ms  statement: SELECT * FROM %{$table} WHERE %{$column} = $1 ORDER BY created_at DESC LIMIT 50',
    },
    { level: 'warn', weight: 0.3, text: 'temporary file: path "base/pgsql_tmp/pgsql_tmp%{int:1000-9999}.%{int:0-99}", size %{int:10000000-90000000}' },
  ],
  evictions: [
    { level: 'warn', text: 'WARNING: evicted %{int:5000-90000} keys in the last second (maxmemory %{$maxmemory}mb, policy allkeys-lru)' },
    { level: 'warn', weight: 0.3, text: 'Client id=%{int:1000-99999} addr=%{ip}:%{port} closed for overcoming of output buffer limits.' },
  ],
};

/** nginx has its own problem lines (access lines with 5xx, error log lines). */
const NGINX_PROBLEMS: Record<string, Msg[]> = {
  call_error: [
    { level: 'error', text: ACCESS('GET', '/api/%{pick:products|cart|checkout|search}', '%{pick:502|503|500}', '0.05') },
    { level: 'error', weight: 0.3, text: `${NGINX_ERR}upstream prematurely closed connection while reading response header from upstream, client: %{pubip}, server: shop.example.com, upstream: "http://%{ip}:8080/api/cart"` },
  ],
  call_timeout: [
    { level: 'error', text: ACCESS('GET', '/api/%{pick:products|checkout|search}', '504', '10.0') },
    { level: 'error', weight: 0.5, text: `${NGINX_ERR}upstream timed out (110: Connection timed out) while reading response header from upstream, client: %{pubip}, server: shop.example.com` },
  ],
  shed: [{ level: 'warn', text: `${NGINX_ERR}limiting requests, excess: %{int:10-90}.%{int:100-999} by zone "api", client: %{pubip}` }],
  tls: [{ level: 'error', text: `${NGINX_ERR}SSL_do_handshake() failed (SSL: error:0A000086:SSL routines::certificate verify failed) while SSL handshaking to upstream, upstream: "https://%{$host}:443"` }],
  dns: [{ level: 'error', text: `${NGINX_ERR}%{$host} could not be resolved (3: Host not found), client: %{pubip}` }],
};

/** Secret-bearing lines: occasional, in any format (the masking rules must catch each). */
const SECRET_MSGS: Msg[] = [
  { level: 'debug', text: 'outgoing request headers: {"Authorization": "Bearer %{jwt}", "X-Request-Id": "%{hex16}"}' },
  { level: 'info', text: 'connecting to postgres://shop_app:%{password}@postgres-0.postgres:5432/shop?sslmode=require' },
  { level: 'warn', text: 'login failed for user=%{email} password=%{password} from %{pubip}' },
  { level: 'debug', text: 'loaded credentials: aws_access_key_id=%{awskey} region=eu-west-1' },
  { level: 'debug', text: 'provider client configured: api_key=%{apikey} timeout=3000' },
];

/** Per-language error flavours (the `$errtype`/`$errmsg` vars of `exception`). */
export const ERRORS: Record<string, { errtype: string; errmsg: string; oom: string }> = {
  java: {
    errtype: 'java.lang.NullPointerException',
    errmsg: 'Cannot invoke "com.shop.model.Address.getCountry()" because "order.shippingAddress" is null',
    oom: 'java.lang.OutOfMemoryError: Java heap space',
  },
  python: { errtype: 'KeyError', errmsg: "'embedding_v2'", oom: 'MemoryError: Unable to allocate 512. MiB for an array' },
  go: { errtype: 'runtime error', errmsg: 'invalid memory address or nil pointer dereference', oom: 'fatal error: runtime: out of memory' },
  node: {
    errtype: 'TypeError',
    errmsg: "Cannot read properties of undefined (reading 'items')",
    oom: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
  },
};

export function languageOf(format: LogFormat): keyof typeof ERRORS {
  if (format === 'java') return 'java';
  if (format === 'python') return 'python';
  if (format === 'json') return 'node';
  return 'go';
}

/** The compiled template sets of one service: calm lines, problem categories, secrets. */
export interface ServiceLogs {
  calm: TemplateSet;
  problems: Record<string, TemplateSet>;
  secrets: TemplateSet;
}

export function serviceLogs(service: string, type: string, format: LogFormat): ServiceLogs {
  const own = format === 'nginx' ? NGINX_CALM : (SERVICE_CALM[service] ?? BY_TYPE_CALM[type] ?? BY_TYPE_CALM.service);
  const calm = format === 'nginx' || type !== 'service' ? own : [...own, ...GENERIC_CALM];
  const problems: Record<string, TemplateSet> = {};
  for (const [cat, msgs] of Object.entries(PROBLEM_MSGS)) {
    const m = format === 'nginx' ? (NGINX_PROBLEMS[cat] ?? NGINX_PROBLEMS.call_error) : msgs;
    problems[cat] = compileMsgs(format, m);
  }
  const secretMsgs = format === 'nginx' ? SECRET_MSGS.map((m) => ({ ...m, text: `${NGINX_ERR}${m.text}` })) : SECRET_MSGS;
  return { calm: compileMsgs(format, calm.length ? calm : GENERIC_CALM), problems, secrets: compileMsgs(format, secretMsgs) };
}
