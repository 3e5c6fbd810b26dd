// Maps errors to HTTP answers: our named errors to their status; Fastify's schema validation
// errors to 400 {error, param}; Fastify's own client errors (bad JSON, body too large…) keep
// their 4xx. Only a real bug reaches 500, and it is logged.
import type { FastifyError, FastifyInstance } from 'fastify';
import { BadParamError, ClientGoneError, InterflowError, StoreOverloadedError } from '../errors.ts';

/** The parameter a validation error is about: `/limit` → `limit`, or the missing property. */
function validationParam(err: FastifyError): string | undefined {
  const v = err.validation?.[0];
  if (!v) return undefined;
  const fromPath = v.instancePath?.replace(/^\//, '').split('/')[0];
  if (fromPath) return fromPath;
  const params = v.params as Record<string, unknown> | undefined;
  const missing = params?.missingProperty ?? params?.requiredProperties;
  if (typeof missing === 'string') return missing;
  if (Array.isArray(missing) && typeof missing[0] === 'string') return missing[0];
  const additional = params?.additionalProperty;
  return typeof additional === 'string' ? additional : err.validationContext;
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (err instanceof ClientGoneError) {
      req.log.debug('client went away; upstream queries aborted');
      if (!reply.sent) reply.raw.destroy();
      return;
    }
    if (err instanceof BadParamError) {
      return reply.code(400).send({ error: err.message, param: err.param });
    }
    if (err instanceof InterflowError) {
      if (err.statusCode >= 500) req.log.warn({ code: err.code }, err.message);
      if (err instanceof StoreOverloadedError) reply.header('retry-after', String(err.retryAfterSeconds));
      return reply.code(err.statusCode).send({ error: err.message });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const param = validationParam(fe) ?? 'request';
      return reply.code(400).send({ error: `${param}: ${fe.validation[0]?.message ?? fe.message}`, param });
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.code(fe.statusCode).send({ error: fe.message });
    }
    req.log.error({ err }, 'unexpected error');
    return reply.code(500).send({ error: 'internal error (logged on the server)' });
  });

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: `no such route: ${req.method} ${req.url.split('?')[0]}` });
  });
}
