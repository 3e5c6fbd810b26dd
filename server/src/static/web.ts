// Serves the web build (docs/design.md, Processes): dist/ at / (plugin-manifest.json, plugin-entry.js,
// hashed chunks for the console), the standalone page at /traffic-flows (and below), and a
// redirect from /. A missing build answers 503 saying how to make it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WebBuildMissingError } from '../errors.ts';
import { cacheControlFor, contentSecurityPolicy } from './headers.ts';

export interface WebOptions {
  dist: string;
  frameAncestors: string;
}

export async function webPlugin(app: FastifyInstance, opts: WebOptions): Promise<void> {
  const standalone = join(opts.dist, 'standalone');
  const csp = contentSecurityPolicy(opts.frameAncestors);

  if (existsSync(opts.dist)) {
    await app.register(fastifyStatic, {
      root: opts.dist,
      prefix: '/',
      wildcard: true,
      index: false,
      redirect: false,
      dotfiles: 'deny',
      cacheControl: false,
      setHeaders(res, path) {
        res.setHeader('cache-control', cacheControlFor(path));
        if (path.endsWith('.html')) res.setHeader('content-security-policy', csp);
      },
    });
  }

  const page = async (_req: unknown, reply: FastifyReply): Promise<void> => {
    // sendFile exists only when dist was there at start-up; a build made later needs a restart.
    if (!existsSync(join(standalone, 'index.html')) || typeof reply.sendFile !== 'function') {
      throw new WebBuildMissingError(opts.dist);
    }
    reply.header('cache-control', 'no-cache').header('content-security-policy', csp);
    return reply.sendFile('index.html', standalone, { cacheControl: false });
  };
  app.get('/', (_req, reply) => reply.redirect('/traffic-flows', 302));
  app.get('/traffic-flows', page);
  app.get('/traffic-flows/*', page);
}
