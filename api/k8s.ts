/**
 * The sandbox's Kubernetes API over HTTP, mounted at `/k8s` of the main server (the kubeconfig's
 * server URL is `http://host:port/k8s`; `warroom sim kubeconfig` prints one). The requests are
 * answered by sim/k8s/cluster.ts; this file only reads the body, authenticates and writes the
 * reply. The bearer token is an API key of the org the sandbox belongs to: reads need the `read`
 * scope, changes (patch, replace, pod delete) the `admin` scope — they change the sandbox as a
 * remedy does. Every failure is a Kubernetes `Status`, never problem+json, because the clients
 * here are Kubernetes clients.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { AppError } from '../core/errors.js';
import type { Scope } from '../core/schemas.js';
import { SandboxCluster, type ClusterSource, type K8sResponse } from '../sim/k8s/cluster.js';
import { statusError } from '../sim/k8s/discovery.js';
import type { Principal } from './auth.js';

export interface K8sApiDeps {
  /** The org the sandbox belongs to: only its keys see the cluster. */
  owner: string;
  cluster(): ClusterSource | undefined;
  /** The caller's principal from its bearer token; throws AppError `unauthenticated` when there is none or it is not valid. */
  authenticate(req: Request): Promise<Principal>;
  maxBodyBytes: number;
}

function send(res: Response, r: K8sResponse): void {
  res.status(r.status).type('application/json').send(JSON.stringify(r.body));
}

export function k8sApi(deps: K8sApiDeps): express.Router {
  const router = express.Router();
  const cluster = new SandboxCluster(deps.cluster);
  router.use(express.json({ limit: deps.maxBodyBytes, type: () => true, strict: false }));
  router.use(async (req: Request, res: Response) => {
    let p: Principal;
    try {
      p = await deps.authenticate(req);
    } catch (e) {
      const code = e instanceof AppError ? e.code : 'internal';
      if (code === 'unauthenticated') return send(res, statusError(401, 'Unauthorized: send a Warroom API key of the sandbox\'s org as the bearer token (`warroom sim kubeconfig`)'));
      return send(res, statusError(code === 'unavailable' ? 503 : 500, (e as Error).message));
    }
    const scope: Scope = req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'admin';
    if (p.kind !== 'key' || p.orgId !== deps.owner) return send(res, statusError(403, 'Forbidden: this key\'s org has no sandbox cluster'));
    if (!p.scopes.includes(scope) && !p.scopes.includes('admin')) return send(res, statusError(403, `Forbidden: this key lacks the "${scope}" scope`));
    const query = Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, typeof v === 'string' ? v : Array.isArray(v) ? String(v[0]) : undefined]));
    const hasBody = req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0';
    const reply = cluster.handle({ method: req.method, path: req.path, query, contentType: req.headers['content-type'], accept: req.headers.accept, body: hasBody || req.headers['transfer-encoding'] ? req.body : undefined, actor: `user:${p.userId}` });
    send(res, reply);
  });
  // a body that is not JSON, or too large
  router.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    send(res, statusError(err.status === 413 ? 413 : 400, `the request body could not be read: ${err.message}`));
  });
  return router;
}
