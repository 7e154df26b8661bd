import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** src/web/public is plain files (no build step), found beside this module, not imported from it. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../web/public/', import.meta.url));

function uplotDist(): string {
  return dirname(fileURLToPath(import.meta.resolve('uplot')));
}

// The page talks only to its own origin; uPlot sets element styles from script.
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

export const webStatic: FastifyPluginAsync<{ root: string }> = async (app, { root }) => {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: ['index.html'],
    setHeaders: (res) => {
      res.setHeader('content-security-policy', CSP);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
    },
  });
  await app.register(fastifyStatic, {
    root: uplotDist(),
    prefix: '/vendor/uplot/',
    decorateReply: false,
    allowedPath: (path) => path === '/uPlot.esm.js' || path === '/uPlot.min.css',
  });
};
