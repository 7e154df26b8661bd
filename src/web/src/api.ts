// The one HTTP client of the pages. A person's session cookie (HttpOnly) goes along by itself;
// state-changing requests carry the session's CSRF token. An API key (the `#key=` link that
// `meterstack start` prints) is kept in this tab only and sent as a Bearer header instead.

const KEY_ITEM = 'meterstack.apiKey';
let csrf: string | undefined;

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export function setCsrf(token: string | undefined): void {
  csrf = token;
}

export const apiKey = (): string | null => sessionStorage.getItem(KEY_ITEM);
export const setApiKey = (key: string): void => sessionStorage.setItem(KEY_ITEM, key.trim());
export const forgetApiKey = (): void => sessionStorage.removeItem(KEY_ITEM);

/** Takes `#key=…` out of the address (the fragment never reaches the server) into this tab's storage. */
export function takeKeyFromFragment(): void {
  const m = /(?:^#|&)key=([^&]*)/.exec(location.hash);
  if (!m) return;
  setApiKey(decodeURIComponent(m[1]!));
  const rest = location.hash.replace(m[0], '').replace(/^#?&/, '#');
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest.length > 1 ? rest : ''}`);
}

export function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = apiKey();
  return { accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...extra };
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function url(path: string, query: Query = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return `/api/v1${path}${s ? `?${s}` : ''}`;
}

/** Listeners told when a request was refused for want of a (valid) session: the app shows the login. */
const unauthorized = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorized.add(fn);
  return () => unauthorized.delete(fn);
}

async function request<T>(method: string, path: string, query?: Query, body?: unknown, signal?: AbortSignal): Promise<T> {
  const extra: Record<string, string> = {};
  if (body !== undefined) extra['content-type'] = 'application/json';
  if (method !== 'GET' && csrf && !apiKey()) extra['x-csrf-token'] = csrf;
  const res = await fetch(url(path, query), {
    method, headers: headers(extra), credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(signal ? { signal } : {}),
  });
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (res.status === 401 && path !== '/session') for (const fn of unauthorized) fn();
    throw new ApiError(res.status, String(data.code ?? 'HTTP_ERROR'), String(data.detail ?? `HTTP ${res.status}`));
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, query, undefined, signal),
  post: <T>(path: string, body: unknown) => request<T>('POST', path, undefined, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, undefined, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};

export interface Page<T> {
  items: T[];
  total: number;
  next: string | null;
}

export interface Session {
  kind: 'user' | 'key';
  role: string;
  label: string;
  permissions: string[];
  user?: { id: string; username: string; name: string; role: string; premise?: string };
  premise?: string;
  csrf?: string;
}
