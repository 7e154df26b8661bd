import { MeterstackError } from '../../model/index.ts';

/** Cursors are opaque to clients: base64url of the last row's sort key, checked on the way in. */

export const MAX_PAGE = 10_000;

export function pageLimit(limit: number): number {
  if (!Number.isFinite(limit)) return 100;
  return Math.min(MAX_PAGE, Math.max(1, Math.floor(limit)));
}

export function encodeCursor(key: string | number | readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function badCursor(cursor: string): never {
  throw new MeterstackError('API_BAD_CURSOR', `cursor "${cursor.slice(0, 40)}" was not issued by this list`);
}

function parse(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return badCursor(cursor);
  }
}

export function cursorString(cursor: string): string {
  const v = parse(cursor);
  return typeof v === 'string' ? v : badCursor(cursor);
}

export function cursorNumber(cursor: string): number {
  const v = parse(cursor);
  return Number.isSafeInteger(v) ? (v as number) : badCursor(cursor);
}

export function cursorPair(cursor: string): [number, number] {
  const v = parse(cursor);
  if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && Number.isSafeInteger(v[1])) return [v[0] as number, v[1] as number];
  return badCursor(cursor);
}

/** Rows were fetched with limit + 1: the extra one only tells whether there is a next page. */
export function pageOf<R, T>(rows: R[], limit: number, total: number, map: (r: R) => T, key: (r: R) => string | number | readonly (string | number)[]): { items: T[]; total: number; next: string | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { items: kept.map(map), total, next: more ? encodeCursor(key(kept[kept.length - 1]!)) : null };
}
