// Every /api/* call passes the access check of INTERFLOW_AUTH_CHECK before its handler runs
// (401 no or unknown token, 403 not allowed, 503 Kubernetes API unreachable); the handler then
// asks the caller for the scope of flows it may read.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessChecker, Caller } from '../auth/access.ts';
import type { NamespaceScope } from '../logql/build.ts';

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

export function installAccessHook(app: FastifyInstance, access: AccessChecker): void {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    req.caller = await access.caller(req.headers.authorization);
  });
}

/** The namespaces the request's caller is restricted to (undefined: every flow). */
export async function callerNamespaces(
  req: FastifyRequest,
  candidates: () => Promise<string[]>,
): Promise<NamespaceScope> {
  if (!req.caller) throw new TypeError('no access check ran for this route');
  const scope = await req.caller.scope(candidates);
  return scope.kind === 'all' ? undefined : scope.namespaces;
}
