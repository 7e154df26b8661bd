import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../model/index.ts';
import { offsetWindow, pageLimit, queryScope, storePage, unwrapOffset, unwrapStoreCursor, wrapCursor } from './paging.ts';

const badCursor = (e: unknown) => hasCode(e, 'API_BAD_CURSOR');

test('a wrapped store cursor comes back only for the same collection and query', () => {
  const scope = queryScope('meters', { kind: 'gas' });
  const c = wrapCursor(scope, 'inner-cursor')!;
  assert.equal(unwrapStoreCursor(scope, c), 'inner-cursor');
  assert.throws(() => unwrapStoreCursor(queryScope('meters', { kind: 'water' }), c), badCursor);
  assert.throws(() => unwrapStoreCursor(queryScope('rejects', { kind: 'gas' }), c), badCursor);
  assert.equal(wrapCursor(scope, null), null);
  assert.equal(unwrapStoreCursor(scope, undefined), null);
});

test('garbage, offsets where strings belong and negative offsets are bad cursors', () => {
  const scope = queryScope('x', null);
  for (const bad of ['abc', '!!!', Buffer.from('[1]').toString('base64url'), wrapCursor(scope, 5)!]) {
    assert.throws(() => unwrapStoreCursor(scope, bad), badCursor, bad);
  }
  assert.throws(() => unwrapOffset(scope, Buffer.from(JSON.stringify({ s: scope, c: -3 })).toString('base64url')), badCursor);
  assert.throws(() => unwrapOffset(scope, wrapCursor(scope, 'str')), badCursor);
});

test('limits are clamped to 1..1000 with 50 by default', () => {
  assert.equal(pageLimit(undefined), 50);
  assert.equal(pageLimit(0), 1);
  assert.equal(pageLimit(5000), 1000);
});

test('offset windows walk a computed collection to its end', () => {
  const scope = queryScope('buckets', [1]);
  const seen: number[] = [];
  let cursor: string | null = null;
  do {
    const w = offsetWindow(scope, { limit: 4, cursor }, 10);
    for (let i = w.offset; i < Math.min(10, w.offset + w.limit); i++) seen.push(i);
    cursor = w.next;
  } while (cursor !== null);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.throws(() => offsetWindow(scope, { cursor: wrapCursor(scope, 11) }, 10), badCursor);
});

test('storePage hands the store its own cursor and the client a wrapped one', async () => {
  const scope = queryScope('meters', {});
  const calls: (string | null | undefined)[] = [];
  const fetch = async (req: { limit: number; cursor?: string | null }) => {
    calls.push(req.cursor);
    return { items: [1], total: 2, next: req.cursor ? null : 'store-next' };
  };
  const first = await storePage(scope, { limit: 1 }, fetch);
  assert.notEqual(first.next, 'store-next');
  const second = await storePage(scope, { limit: 1, cursor: first.next }, fetch);
  assert.deepEqual(calls, [null, 'store-next']);
  assert.equal(second.next, null);
});
