// Builds the web bundle (src/web → dist/web) when it is missing or its sources changed, and does
// nothing (in a few milliseconds) otherwise. `npm start` and `npm test` run it first (prestart,
// pretest), so a fresh clone needs no extra command; `npm run build:web` forces a build.
// "Changed" is a SHA-256 over the sources, the Vite config and the lockfile, kept beside the
// bundle: file times are unreliable after a checkout, content is not.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src', 'web');
const OUT = join(ROOT, 'dist', 'web');
const STAMP = '.source-hash';

function files(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (!e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

export function sourceHash() {
  const h = createHash('sha256');
  for (const f of [...files(SRC), join(ROOT, 'package-lock.json')].sort()) {
    h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

export function bundleFresh(hash = sourceHash()) {
  const stamp = join(OUT, STAMP);
  return existsSync(join(OUT, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash;
}

/** Builds into a temporary folder and swaps it in, so a server never serves half a bundle. */
export async function buildBundle(hash = sourceHash()) {
  const started = Date.now();
  const { build } = await import('vite');
  const tmp = `${OUT}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await build({ configFile: join(SRC, 'vite.config.mjs'), build: { outDir: tmp, emptyOutDir: true } });
  writeFileSync(join(tmp, STAMP), `${hash}\n`);
  rmSync(OUT, { recursive: true, force: true });
  renameSync(tmp, OUT);
  return Date.now() - started;
}

export async function ensureBundle({ force = false, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const hash = sourceHash();
  if (!force && bundleFresh(hash)) return false;
  // An install without devDependencies has no Vite: start anyway (the pages then say what is missing).
  if (!force && !(await import('vite').then(() => true, () => false))) {
    log('web: the bundle is missing or stale and Vite is not installed (npm ci installs it); the API starts without the pages');
    return false;
  }
  log(existsSync(OUT) && !force ? 'web: sources changed, building the console and portal…' : 'web: building the console and portal…');
  const ms = await buildBundle(hash);
  const size = files(OUT).reduce((n, f) => n + statSync(f).size, 0);
  log(`web: built dist/web in ${(ms / 1000).toFixed(1)} s (${(size / 1024).toFixed(0)} kB)`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureBundle({ force: process.argv.includes('--force') }).catch((e) => {
    process.stderr.write(`web: the bundle could not be built: ${e?.stack ?? e}\n`);
    process.exit(1);
  });
}
