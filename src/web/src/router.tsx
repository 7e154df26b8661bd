import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** A tiny history router: paths are real URLs (the server answers index.html for each page path). */
export interface Route {
  readonly path: string;
  readonly query: URLSearchParams;
}

const current = (): Route => ({ path: location.pathname, query: new URLSearchParams(location.search) });
const listeners = new Set<() => void>();
addEventListener('popstate', () => { for (const l of listeners) l(); });

/** Keeps `?lang=` on every link once a page was opened with it, so a chosen language sticks. */
export function withLang(href: string): string {
  const lang = new URLSearchParams(location.search).get('lang');
  if (!lang || /[?&]lang=/.test(href)) return href;
  return `${href}${href.includes('?') ? '&' : '?'}lang=${encodeURIComponent(lang)}`;
}

export function navigate(href: string, replace = false): void {
  const target = withLang(href);
  if (replace) history.replaceState(null, '', target);
  else history.pushState(null, '', target);
  for (const l of listeners) l();
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const l = () => setRoute((r) => (r.path === location.pathname && `?${r.query}` === (location.search || '?') ? r : current()));
    listeners.add(l);
    // A child's effect may have navigated before this one subscribed (effects run children first).
    l();
    return () => { listeners.delete(l); };
  }, []);
  return route;
}

export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const target = withLang(href);
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(target);
  };
  return <a href={target} onClick={click} {...rest} />;
}
