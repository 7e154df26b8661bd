import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CODES, MeterstackError } from '../model/index.ts';
import { problem, toProblem } from './problem.ts';

test('a meterstack error keeps its code, status, title and position', () => {
  const p = toProblem(new MeterstackError('CSV_BAD_ROW', 'row 3 has 4 fields', { line: 3, source: 'a.csv' }), '/api/v1/import');
  assert.deepEqual(
    { ...p },
    {
      type: 'urn:meterstack:problem:CSV_BAD_ROW', title: ERROR_CODES.CSV_BAD_ROW.title, status: 400, detail: 'row 3 has 4 fields',
      code: 'CSV_BAD_ROW', instance: '/api/v1/import', errors: [{ path: 'a.csv line 3', message: 'row 3 has 4 fields' }],
    },
  );
});

test('schema failures become API_BAD_REQUEST with the failing paths', () => {
  const err = Object.assign(new Error('body/readings/0 must have required property \'value\''), {
    validation: [{ instancePath: '/readings/0', message: 'must have required property \'value\'' }],
    validationContext: 'body',
    statusCode: 400,
  });
  const p = toProblem(err, '/api/v1/ingest');
  assert.equal(p.code, 'API_BAD_REQUEST');
  assert.deepEqual(p.errors, [{ path: 'body/readings/0', message: 'must have required property \'value\'' }]);
});

test('Fastify client errors keep their status; unknown errors are a bare 500', () => {
  assert.equal(toProblem(Object.assign(new Error('too big'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }), '/').code, 'API_PAYLOAD_TOO_LARGE');
  assert.equal(toProblem(Object.assign(new Error('nope'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), '/').status, 415);
  assert.equal(toProblem(Object.assign(new Error('bad json'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), '/').code, 'API_BAD_REQUEST');
  const secret = new Error('SQLITE_CORRUPT at /var/lib/meterstack/data.db, key=msk_abc');
  const p = toProblem(secret, '/api/v1/meters');
  assert.deepEqual([p.status, p.code], [500, 'INTERNAL']);
  assert.ok(!JSON.stringify(p).includes('SQLITE') && !JSON.stringify(p).includes('msk_'));
  const storeFailure = toProblem(new MeterstackError('INGEST_STORE_FAILED', 'disk I/O error in /data/x.db'), '/api/v1/ingest');
  assert.deepEqual([storeFailure.status, storeFailure.detail], [503, ERROR_CODES.INGEST_STORE_FAILED.title]);
  assert.equal(toProblem('a string', '/').code, 'INTERNAL');
});

test('every registered code maps to a problem with the registry\'s status and title', () => {
  for (const [code, spec] of Object.entries(ERROR_CODES)) {
    const p = problem(code as keyof typeof ERROR_CODES, 'x', '/');
    assert.deepEqual([p.status, p.title, p.type.endsWith(code)], [spec.status, spec.title, true]);
  }
});
