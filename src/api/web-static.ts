import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

/**
 * The console and portal are a React app that Vite bundles into dist/web (scripts/web-bundle.mjs,
 * run by `npm start` and `npm test` when the bundle is missing or older than src/web). From a
 * checkout this module is src/api/web-static.ts and the bundle is <repo>/dist/web; in a build
 * (`npm run build`) it is dist/api/web-static.js beside dist/web.
 */
const top = dirname(dirname(fileURLToPath(import.meta.url)));
export const DEFAULT_WEB_ROOT = basename(top) === 'dist' ? join(top, 'web') : join(dirname(top), 'dist', 'web');

/**
 * Self only: scripts and styles come from this server as files (nothing inline, no eval); React and
 * uPlot set element styles through the CSSOM, which style-src does not restrict.
 */
export const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

/** Paths of the single-page app: each answers index.html and the app routes on the client. */
export const PAGE_PATHS = ['/', '/login', '/meters/*', '/vee', '/audit', '/map', '/transformers/*', '/outages', '/outages/*', '/security', '/portal', '/portal/*', '/consents', '/dr', '/dr/*', '/firmware', '/firmware/*'] as const;

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}

const MISSING = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>meterstack</title></head>
<body><main><h1>meterstack</h1>
<p>The web bundle has not been built. <code>npm start</code> builds it; from a checkout, run
<code>npm run build:web</code> and start meterstack again. The API is running: see <a href="/docs">/docs</a>.</p>
</main></body></html>
`;

export const webStatic: FastifyPluginAsync<{ root: string }> = async (app, { root }) => {
  const indexFile = join(root, 'index.html');
  const built = existsSync(indexFile);
  // Read per request only until the file exists; then once (a rebuild needs a restart, like the API does).
  let index: string | undefined = built ? readFileSync(indexFile, 'utf8') : undefined;
  for (const path of PAGE_PATHS) {
    app.get(path, { schema: { hide: true } }, async (_req, reply) => {
      index ??= existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : undefined;
      secure(reply).header('cache-control', 'no-cache').type('text/html; charset=utf-8');
      return index === undefined ? reply.code(503).send(MISSING) : reply.send(index);
    });
  }
  if (!built) return;
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: false,
    cacheControl: false,
    // Hashed file names under /assets never change content: cache them for a year.
    setHeaders: (res, path) => {
      res.setHeader('content-security-policy', CSP);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');
      res.setHeader('cache-control', path.includes(`${join('/', 'assets', '/')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
    allowedPath: (path) => path !== '/index.html',
  });
};
