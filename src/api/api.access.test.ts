import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { platform, type Platform } from '../../test/support/platform.ts';

let p: Platform;
before(async () => { p = await platform(); });
after(async () => p.close());

const isProblem = (res: { headers: Record<string, unknown>; json(): unknown }, status: number, code: string) => {
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json() as Record<string, unknown>;
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  for (const k of ['type', 'title', 'detail', 'instance']) assert.equal(typeof body[k], 'string', k);
  return body;
};

test('health needs no key', async () => {
  const res = await p.app.inject({ url: '/api/v1/health' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().status, 'ok');
});

test('without a key, with a wrong key or a wrong scheme: 401 problem+json', async () => {
  for (const authorization of [undefined, 'Bearer msk_wrong', `Basic ${p.adminKey}`, 'Bearer']) {
    const res = await p.app.inject({ url: '/api/v1/meters', headers: authorization ? { authorization } : {} });
    assert.equal(res.statusCode, 401, String(authorization));
    const body = isProblem(res, 401, 'API_UNAUTHORIZED');
    assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    assert.equal(body.instance, '/api/v1/meters');
  }
});

test('roles are enforced: a customer key reads nothing, an operator cannot mint keys', async () => {
  const mint = async (role: string) => (await p.app.inject({
    method: 'POST', url: '/api/v1/keys', headers: p.auth, payload: { role, label: `${role} test` },
  }));
  const created = await mint('customer');
  assert.equal(created.statusCode, 201);
  const customer = created.json() as { key: string; id: string };
  assert.match(customer.key, /^msk_/);
  const denied = await p.app.inject({ url: '/api/v1/meters', headers: { authorization: `Bearer ${customer.key}` } });
  isProblem(denied, 403, 'API_FORBIDDEN');
  const operator = (await mint('operator')).json() as { key: string };
  const res = await p.app.inject({ method: 'POST', url: '/api/v1/keys', headers: { authorization: `Bearer ${operator.key}` }, payload: { role: 'admin', label: 'x' } });
  isProblem(res, 403, 'API_FORBIDDEN');
  assert.equal((await mint('root')).statusCode, 400);
  const audit = await p.app.inject({ url: '/api/v1/audit?action=apikey.create', headers: p.auth });
  assert.ok(audit.json().items.some((e: { object: string }) => e.object === `apikey:${customer.id}`));
});

test('API keys never reach the log', async () => {
  await p.app.inject({ url: '/api/v1/meters', headers: p.auth });
  await p.app.inject({ url: '/api/v1/meters', headers: { authorization: 'Bearer msk_leaked_if_logged' } });
  const logs = p.logs();
  assert.ok(logs.length > 0, 'something was logged');
  assert.ok(!logs.includes(p.adminKey));
  assert.ok(!logs.includes('msk_leaked_if_logged'));
});

test('openapi.json is an OpenAPI 3 document listing every route, with bearer and session security', async () => {
  const res = await p.app.inject({ url: '/api/v1/openapi.json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.match(doc.openapi, /^3\./);
  for (const path of [
    '/api/v1/health', '/api/v1/meters', '/api/v1/meters/{id}', '/api/v1/meters/{id}/readings', '/api/v1/topology',
    '/api/v1/topology/transformers/{id}/load', '/api/v1/topology/feeders/{id}/load', '/api/v1/fleet/load', '/api/v1/fleet/summary', '/api/v1/ingest',
    '/api/v1/rejects', '/api/v1/receipts', '/api/v1/audit', '/api/v1/keys',
  ]) assert.ok(doc.paths[path], path);
  assert.deepEqual(doc.security, [{ bearer: [] }, { session: [] }]);
  assert.deepEqual(doc.paths['/api/v1/health'].get.security, []);
  assert.ok(doc.components.schemas.Problem && doc.components.schemas.IngestBatch);
  const readings = doc.paths['/api/v1/meters/{id}/readings'].get;
  assert.deepEqual(readings.parameters.map((x: { name: string }) => x.name).sort(), ['aggregate', 'channel', 'cursor', 'from', 'id', 'limit', 'to', 'zone']);
  assert.ok(readings.responses['404'].content['application/problem+json']);
  assert.equal((await p.app.inject({ url: '/docs' })).statusCode, 200);
});

test('the console and portal are served at their page paths with a strict CSP, assets cached by hash', async () => {
  for (const url of ['/', '/portal', '/portal?premise=SIM-P000001', '/meters/M1', '/vee', '/audit', '/login']) {
    const page = await p.app.inject({ url });
    assert.equal(page.statusCode, 200, url);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /<div id="root"><\/div>/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  }
  const index = (await p.app.inject({ url: '/' })).body;
  const assets = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), index);
  assert.doesNotMatch(index, /<script>(?!<)|<style>/, 'nothing inline: the CSP would refuse it');
  for (const a of assets) {
    const res = await p.app.inject({ url: a });
    assert.equal(res.statusCode, 200, a);
    assert.match(String(res.headers['cache-control']), /immutable/);
  }
  assert.equal((await p.app.inject({ url: '/favicon.svg' })).statusCode, 200);
  assert.equal((await p.app.inject({ url: '/assets/nope.js' })).statusCode, 404);
});

test('without a built bundle the pages say how to build it (503), and the API still answers', async () => {
  const { buildApi } = await import('./index.ts');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'meterstack-noweb-'));
  const app = buildApi({ services: p.services, webRoot: dir });
  try {
    const page = await app.inject({ url: '/' });
    assert.equal(page.statusCode, 503);
    assert.match(page.body, /npm run build:web/);
    assert.equal((await app.inject({ url: '/api/v1/health' })).statusCode, 200);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unknown routes are 404 problem+json', async () => {
  isProblem(await p.app.inject({ url: '/api/v1/nothing-here', headers: p.auth }), 404, 'API_NOT_FOUND');
});
