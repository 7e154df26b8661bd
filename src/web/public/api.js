// The API key lives in sessionStorage (this tab only). It may arrive in the URL fragment
// (#key=…), which browsers never send to the server, so it stays out of access logs.
const KEY_ITEM = 'meterstack.apiKey';

export class AuthError extends Error {}

export function takeKeyFromFragment() {
  const m = /(?:^#|&)key=([^&]*)/.exec(location.hash);
  if (!m) return;
  sessionStorage.setItem(KEY_ITEM, decodeURIComponent(m[1]));
  // Drop the key from the address bar and history at once; keep the route (#/meters/X&key=…).
  const rest = location.hash.replace(m[0], '').replace(/^#?&/, '#');
  history.replaceState(null, '', `${location.pathname}${location.search}${rest.length > 1 ? rest : '#/'}`);
}

export const apiKey = () => sessionStorage.getItem(KEY_ITEM);
export const setApiKey = (key) => sessionStorage.setItem(KEY_ITEM, key.trim());
export const forgetApiKey = () => sessionStorage.removeItem(KEY_ITEM);

/** GET /api/v1<path> with the Bearer key; problem+json errors become Error with their detail. */
export async function get(path, query = {}) {
  const key = apiKey();
  if (!key) throw new AuthError('no API key');
  const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== ''));
  const res = await fetch(`/api/v1${path}${qs.size ? `?${qs}` : ''}`, {
    headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
  });
  if (res.status === 401) throw new AuthError('the API key was not accepted');
  if (!res.ok) {
    const p = await res.json().catch(() => ({}));
    throw new Error(p.detail ? `${p.title}: ${p.detail}` : `HTTP ${res.status}`);
  }
  return res.json();
}
