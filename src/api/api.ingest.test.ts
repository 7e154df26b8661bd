import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { platform, type Platform } from '../../test/support/platform.ts';

let p: Platform;
before(async () => { p = await platform(); });
after(async () => p.close());

const get = async (url: string) => (await p.app.inject({ url, headers: p.auth })).json();
const post = (payload: string, contentType = 'application/json') =>
  p.app.inject({ method: 'POST', url: '/api/v1/ingest', headers: { ...p.auth, 'content-type': contentType }, payload });

/** What a refused request must leave untouched: receipts, rejects, the audit log and the data. */
async function snapshot() {
  const readings = await get('/api/v1/meters/E0004/readings?channel=1-0:1.8.0&from=2026-03-31T00:00:00Z&to=2026-03-31T01:00:00Z');
  return {
    receipts: (await get('/api/v1/receipts')).total,
    rejects: (await get('/api/v1/rejects')).total,
    audit: (await get('/api/v1/audit?action=ingest.submit')).total,
    values: readings.items.map((r: { quality: string; value: number }) => `${r.quality}${r.value}`).join(','),
  };
}

const good = { meter: 'E0004', channel: '1-0:1.8.0', end: '2026-03-31T00:15:00Z', intervalS: 900, value: 50 };

test('a body that breaks the schema is refused whole with 400 and nothing is stored', async () => {
  const before = await snapshot();
  const bodies = [
    '{}',
    '{"readings": {}}',
    '{"readings": "all of them"}',
    JSON.stringify({ readings: [good, { meter: 'E0004' }] }),
    JSON.stringify({ readings: [good, { ...good, value: '50' }] }),
    JSON.stringify({ readings: [good, { ...good, value: null }] }),
    JSON.stringify({ readings: [{ ...good, values: [1] }] }),
    JSON.stringify({ readings: [good], comment: 'extra' }),
    JSON.stringify({ readings: [{ ...good, quality: 'Q' }] }),
    '{"readings": [',
  ];
  for (const body of bodies) {
    const res = await post(body);
    assert.equal(res.statusCode, 400, body);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/, body);
    assert.equal(res.json().code, 'API_BAD_REQUEST', body);
  }
  const wrongType = await post(JSON.stringify({ readings: [good] }), 'text/plain');
  assert.equal(wrongType.statusCode, 415);
  assert.equal(wrongType.json().code, 'API_UNSUPPORTED_MEDIA_TYPE');
  assert.deepEqual(await snapshot(), before);
  assert.equal(before.values, 'N0,N0,N0,N0');
});

test('a mixed batch stores the good items and answers each bad one with its code, also under /rejects', async () => {
  const batch = {
    readings: [
      good,
      { ...good, meter: 'NOT-A-METER' },
      { ...good, end: '2026-03-31T00:07:00Z' },
      { ...good, end: '2026-03-31T00:30:00Z', value: -5 },
      { meter: 'E0005', channel: '1-0:1.8.0', start: '2026-03-31T00:00:00Z', intervalS: 900, values: [7, 8, 9, 10], quality: ['A', 'A', 'E', 'A'] },
      { ...good, channel: '1-0:99' },
      { ...good, end: '2026-04-03T00:00:00Z' },
      { ...good, end: '2026-03-31T00:45:00Z', value: 1.5 },
    ],
  };
  const payload = JSON.stringify(batch, null, 1);
  const res = await post(payload);
  assert.equal(res.statusCode, 200);
  const r = res.json();
  assert.equal(r.accepted, 2);
  assert.equal(r.written, 5);
  assert.equal(r.receipt.sha256, createHash('sha256').update(payload).digest('hex'), 'the bytes as sent are hashed');
  assert.deepEqual(r.rejected.map((x: { index: number; code: string }) => [x.index, x.code]), [
    [1, 'INGEST_UNKNOWN_METER'], [2, 'INGEST_MISALIGNED'], [3, 'INGEST_NEGATIVE_IMPORT'],
    [5, 'OBIS_INVALID'], [6, 'INGEST_FUTURE'], [7, 'INGEST_BAD_VALUE'],
  ]);
  assert.ok(r.rejected.every((x: { reason: string }) => x.reason.length > 0));

  assert.equal((await snapshot()).values, 'A50,N0,N0,N0');
  const e5 = await get('/api/v1/meters/E0005/readings?channel=1-0:1.8.0&from=2026-03-31T00:00:00Z&to=2026-03-31T01:00:00Z');
  assert.deepEqual(e5.items.map((x: { value: number; quality: string }) => `${x.quality}${x.value}`), ['A7', 'A8', 'E9', 'A10']);

  const rejects = await get(`/api/v1/rejects?source=api&limit=100`);
  const mine = rejects.items.filter((x: { receiptSeq: number }) => x.receiptSeq === r.receipt.seq);
  assert.deepEqual(mine.map((x: { position: number; code: string }) => [x.position, x.code]),
    r.rejected.map((x: { index: number; code: string }) => [x.index, x.code]));
  assert.equal(JSON.parse(mine[0].item).meter, 'NOT-A-METER');
  assert.equal((await get('/api/v1/rejects?code=INGEST_FUTURE')).total, 1);

  const receipts = await get('/api/v1/receipts');
  assert.equal(receipts.items.at(-1).sha256, r.receipt.sha256);
  const audit = await get('/api/v1/audit?action=ingest.submit');
  assert.equal(audit.items.at(-1).object, `receipt:${r.receipt.seq}`);
});

test('sending the same batch again changes nothing: idempotent', async () => {
  const payload = JSON.stringify({ readings: [good] });
  const first = (await post(payload)).json();
  const again = (await post(payload)).json();
  assert.deepEqual([again.accepted, again.written, again.unchanged, again.versioned], [1, 0, 1, 0]);
  assert.equal(again.receipt.seq, first.receipt.seq + 1, 'each arrival still gets its receipt');
});
