/** A small JSON client of the REST API, for CLI commands that talk to a running instance and for tests. */

export interface HttpResult<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  body: T;
  headers: Headers;
}

export interface HttpClient {
  get<T = any>(path: string, headers?: Record<string, string>): Promise<HttpResult<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  post<T = any>(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpResult<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  put<T = any>(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpResult<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  delete<T = any>(path: string, headers?: Record<string, string>): Promise<HttpResult<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  raw(path: string, init: RequestInit): Promise<HttpResult>;
}

/** A client of the API at `base` that sends `key` as a bearer token; JSON bodies are parsed, others kept as text. */
export function httpClient(base: string, key?: string): HttpClient {
  const call = async (path: string, init: RequestInit): Promise<HttpResult> => {
    const res = await fetch(base + path, init);
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body, headers: res.headers };
  };
  const auth: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
  const withBody = (method: string) => (path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(path, { method, headers: { 'content-type': 'application/json', ...auth, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return {
    get: (path, headers = {}) => call(path, { headers: { ...auth, ...headers } }),
    post: withBody('POST'),
    put: withBody('PUT'),
    delete: (path, headers = {}) => call(path, { method: 'DELETE', headers: { ...auth, ...headers } }),
    raw: call,
  };
}
