import { createHash } from 'node:crypto';
import { MeterstackError } from '../model/index.ts';
import type { Page, PageRequest } from '../store/store.port.ts';

export interface PageQuery {
  readonly limit?: number;
  readonly cursor?: string | null;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit)));
}

/**
 * Cursors handed to clients wrap the store's own cursor (or an offset) together with a short hash
 * of the query they belong to, so a cursor replayed against another collection or another filter
 * is refused as API_BAD_CURSOR instead of silently paging through something else.
 */
export function queryScope(collection: string, query: unknown): string {
  return createHash('sha256').update(`${collection}\n${JSON.stringify(query ?? null)}`).digest('base64url').slice(0, 10);
}

export function wrapCursor(scope: string, inner: string | number | null): string | null {
  if (inner === null) return null;
  return Buffer.from(JSON.stringify({ s: scope, c: inner })).toString('base64url');
}

function unwrap(scope: string, cursor: string): unknown {
  const bad = () => new MeterstackError('API_BAD_CURSOR', 'the cursor is not one this collection handed out for this query; start again without a cursor');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (typeof parsed !== 'object' || parsed === null) throw bad();
  const { s, c } = parsed as { s?: unknown; c?: unknown };
  if (s !== scope || (typeof c !== 'string' && typeof c !== 'number')) throw bad();
  if (typeof c === 'number' && (!Number.isSafeInteger(c) || c < 0)) throw bad();
  return c;
}

export function unwrapStoreCursor(scope: string, cursor: string | null | undefined): string | null {
  if (cursor === undefined || cursor === null || cursor === '') return null;
  const c = unwrap(scope, cursor);
  if (typeof c !== 'string') throw new MeterstackError('API_BAD_CURSOR', 'the cursor does not belong to this collection');
  return c;
}

export function unwrapOffset(scope: string, cursor: string | null | undefined): number {
  if (cursor === undefined || cursor === null || cursor === '') return 0;
  const c = unwrap(scope, cursor);
  if (typeof c !== 'number') throw new MeterstackError('API_BAD_CURSOR', 'the cursor does not belong to this collection');
  return c;
}

/** One page of a store collection, with the store's cursor wrapped for the client. */
export async function storePage<T>(
  scope: string, q: PageQuery, fetch: (req: PageRequest) => Promise<Page<T>>,
): Promise<Page<T>> {
  const page = await fetch({ limit: pageLimit(q.limit), cursor: unwrapStoreCursor(scope, q.cursor) });
  return { items: page.items, total: page.total, next: wrapCursor(scope, page.next) };
}

/** Offset window [offset, offset+limit) over `total` items, for collections computed in memory. */
export function offsetWindow(scope: string, q: PageQuery, total: number): { offset: number; limit: number; next: string | null } {
  const offset = unwrapOffset(scope, q.cursor);
  if (offset > total) throw new MeterstackError('API_BAD_CURSOR', 'the cursor points past the end of this collection');
  const limit = pageLimit(q.limit);
  return { offset, limit, next: offset + limit < total ? wrapCursor(scope, offset + limit) : null };
}

/** Every item of a store collection, page by page (for services that need the whole set, e.g. all meters). */
export async function allPages<T>(fetch: (page: PageRequest) => Promise<Page<T>>, pageSize = 10_000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await fetch({ limit: pageSize, cursor });
    for (const x of page.items) out.push(x);
    cursor = page.next;
  } while (cursor);
  return out;
}
