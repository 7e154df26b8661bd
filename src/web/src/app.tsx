import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, apiKey, forgetApiKey, onUnauthorized, setCsrf, takeKeyFromFragment, type Session } from './api.ts';
import { LANGUAGES, setLanguage } from './i18n.ts';
import { LiveStrip } from './live.tsx';
import { Link, navigate, useRoute } from './router.tsx';
import { can, SessionContext } from './session.tsx';
import { AuditPage } from './pages/audit.tsx';
import { FleetPage } from './pages/fleet.tsx';
import { MapPage } from './pages/grid-map.tsx';
import { OutagePage, OutagesPage } from './pages/outages.tsx';
import { TransformerPage } from './pages/transformer.tsx';
import { LoginPage } from './pages/login.tsx';
import { MeterPage } from './pages/meter.tsx';
import { PortalPage } from './pages/portal.tsx';
import { SecurityPage } from './pages/security.tsx';
import { ConsentsPage } from './pages/consents.tsx';
import { VeePage } from './pages/vee.tsx';
import { FirmwarePage } from './pages/firmware.tsx';
import { DrPage } from './pages/dr.tsx';

type State = { status: 'loading' } | { status: 'anonymous'; message?: string } | { status: 'in'; session: Session };

export function App() {
  const { t } = useTranslation();
  const [state, setState] = useState<State>({ status: 'loading' });

  const load = useCallback(async (message?: string) => {
    takeKeyFromFragment();
    try {
      const session = await api.get<Session>('/session');
      setCsrf(session.csrf);
      setState({ status: 'in', session });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        const hadKey = apiKey() !== null;
        if (hadKey) forgetApiKey();
        setState({ status: 'anonymous', ...(message ? { message } : hadKey ? { message: 'login.keyRefused' } : {}) });
      } else {
        setState({ status: 'anonymous', message: 'errors.network' });
      }
    }
  }, []);

  useEffect(() => { void load(); }, [load]);
  useEffect(() => onUnauthorized(() => { setCsrf(undefined); setState({ status: 'anonymous', message: 'login.expired' }); }), []);

  if (state.status === 'loading') return <p className="loading" role="status">{t('common.loading')}</p>;
  if (state.status === 'anonymous') {
    return <Shell><LoginPage message={state.message} onLoggedIn={(s) => { setCsrf(s.csrf); setState({ status: 'in', session: s }); }} /></Shell>;
  }
  const logout = async () => {
    if (state.session.kind === 'user') await api.del('/session').catch(() => undefined);
    forgetApiKey();
    setCsrf(undefined);
    navigate('/', true);
    setState({ status: 'anonymous', message: 'login.loggedOut' });
  };
  return (
    <SessionContext.Provider value={state.session}>
      <Shell session={state.session} onLogout={logout}><Pages session={state.session} /></Shell>
    </SessionContext.Provider>
  );
}

function Pages({ session }: { session: Session }) {
  const { path, query } = useRoute();
  const portal = path === '/portal' || path.startsWith('/portal/');
  useEffect(() => {
    // A customer has no console: their home is the portal.
    if (!portal && session.role === 'customer') navigate('/portal', true);
  }, [portal, session.role]);
  if (portal) return <PortalPage premise={query.get('premise') ?? undefined} path={path} />;
  if (session.role === 'customer') return null;
  const meter = /^\/meters\/(.+)$/.exec(path);
  if (meter) return <MeterPage id={decodeURIComponent(meter[1]!)} />;
  const transformer = /^\/transformers\/(.+)$/.exec(path);
  if (transformer && can(session, 'readings:read')) return <TransformerPage id={decodeURIComponent(transformer[1]!)} />;
  if (path === '/map' && can(session, 'topology:read')) return <MapPage />;
  const outage = /^\/outages\/(.+)$/.exec(path);
  if (outage && can(session, 'outages:read')) return <OutagePage id={decodeURIComponent(outage[1]!)} />;
  if (path === '/outages' && can(session, 'outages:read')) return <OutagesPage />;
  if (path === '/vee' && can(session, 'vee:read')) return <VeePage />;
  const campaign = /^\/firmware(?:\/(.+))?$/.exec(path);
  if (campaign && can(session, 'firmware:read')) return <FirmwarePage id={campaign[1] ? decodeURIComponent(campaign[1]) : undefined} />;
  if (path === '/audit' && can(session, 'audit:read')) return <AuditPage />;
  const drEvent = /^\/dr(?:\/(.+))?$/.exec(path);
  if (drEvent && can(session, 'dr:read')) return <DrPage id={drEvent[1] ? decodeURIComponent(drEvent[1]) : undefined} />;
  if (path === '/security' && can(session, 'audit:read')) return <SecurityPage />;
  if (path === '/consents' && can(session, 'consents:read')) return <ConsentsPage />;
  return <FleetPage />;
}

function Shell({ session, onLogout, children }: { session?: Session; onLogout?: () => void; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { path } = useRoute();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  const portal = path === '/portal' || path.startsWith('/portal/');
  // After a client-side page change, focus goes to the new page's main region (and so its heading).
  useEffect(() => {
    if (first.current) { first.current = false; return; }
    main.current?.focus();
  }, [path]);
  useEffect(() => { document.title = `${portal ? t('portal.title') : t('nav.console')} · meterstack`; }, [portal, t, i18n.language]);
  const nav: { href: string; label: string; show: boolean }[] = session && !portal && session.role !== 'customer' ? [
    { href: '/', label: t('nav.fleet'), show: true },
    { href: '/map', label: t('nav.map'), show: can(session, 'topology:read') },
    { href: '/outages', label: t('nav.outages'), show: can(session, 'outages:read') },
    { href: '/vee', label: t('nav.vee'), show: can(session, 'vee:read') },
    { href: '/firmware', label: t('firmware.nav'), show: can(session, 'firmware:read') },
    { href: '/security', label: t('nav.security'), show: can(session, 'audit:read') },
    { href: '/consents', label: t('consent.nav'), show: can(session, 'consents:read') },
    { href: '/audit', label: t('nav.audit'), show: can(session, 'audit:read') },
    { href: '/dr', label: t('dr.nav'), show: can(session, 'dr:read') },
  ] : [];
  return (
    <>
      <a className="skip" href="#main">{t('common.skip')}</a>
      <header className="top">
        <div className="brand">
          <Link href={portal ? '/portal' : '/'} className="logo">meterstack</Link>
          <span className="face">{portal ? t('portal.title') : session ? t('nav.console') : ''}</span>
        </div>
        {nav.length > 0 && (
          <nav aria-label={t('nav.label')}>
            <ul>
              {nav.filter((n) => n.show).map((n) => (
                <li key={n.href}>
                  <Link href={n.href} aria-current={(n.href === '/' ? path === '/' || path.startsWith('/meters/') : n.href === '/map' ? path === '/map' || path.startsWith('/transformers/') : path === n.href || path.startsWith(`${n.href}/`)) ? 'page' : undefined}>{n.label}</Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div className="tools">
          <label className="lang">
            <span>{t('common.language')}</span>
            <select value={i18n.language} onChange={(e) => void setLanguage(e.target.value)}>
              {LANGUAGES.map((l) => <option key={l.code} value={l.code} lang={l.code}>{l.name}</option>)}
            </select>
          </label>
          {session && (
            <>
              <span className="who">{t('common.signedInAs', { name: session.user?.name ?? session.label, role: t(`roles.${session.role}`, { defaultValue: session.role }) })}</span>
              <button type="button" onClick={onLogout}>{t('login.logout')}</button>
            </>
          )}
        </div>
      </header>
      {session && !portal && session.role !== 'customer' && <LiveStrip />}
      <main id="main" ref={main} tabIndex={-1}>{children}</main>
      <footer className="foot"><p>{t('common.footer')}</p></footer>
    </>
  );
}
