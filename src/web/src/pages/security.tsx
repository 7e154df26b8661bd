import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { useFormat } from '../format.ts';
import { latestSnapshot, useLive, type LiveSnapshot } from '../live.tsx';
import { Link } from '../router.tsx';
import { ErrorNote, useAsync } from '../use-async.tsx';

type Severity = 'critical' | 'high' | 'medium' | 'low';
const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
const WINDOWS = { day: 1, week: 7, month: 30 } as const;
type Window = keyof typeof WINDOWS;

interface Alert { seq: number; at: string; actor: string; action: string; object: string; severity: Severity; details?: Record<string, unknown> }
interface Alerts { items: Alert[]; total: number; counts: Record<string, number>; bySeverity: Record<Severity, number> }

/** `meter/E0003` links to the meter's page; other objects are shown as they are. */
function ObjectRef({ object }: { object: string }) {
  const meter = /^meter\/(.+)$/.exec(object);
  return meter ? <Link href={`/meters/${encodeURIComponent(meter[1]!)}`}>{meter[1]}</Link> : <>{object}</>;
}

/** Security alerts from the audit chain (refused DLMS frames, failed device signatures, failed logins); new ones arrive live. */
export function SecurityPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const [window, setWindow] = useState<Window>('week');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [tick, setTick] = useState(0);
  // A count other than the one current when the page loaded means new alerts: load them.
  const seen = useRef(latestSnapshot()?.alerts);
  useLive(useCallback((s: LiveSnapshot) => {
    if (s.alerts === seen.current) return;
    seen.current = s.alerts;
    setTick((n) => n + 1);
  }, []));
  const alerts = useAsync((signal) => api.get<Alerts>('/security/alerts', {
    since: new Date(Date.now() - WINDOWS[window] * 86_400_000).toISOString(), severity: severity || undefined, limit: 500,
  }, signal), [window, severity, tick]);
  const d = alerts.data;
  return (
    <section aria-labelledby="security-title">
      <h1 id="security-title">{t('security.title')}</h1>
      <p className="muted">{t('security.intro')}</p>
      <form className="inline" onSubmit={(e) => e.preventDefault()} aria-label={t('security.filter')}>
        <label htmlFor="s-window">{t('security.window')}</label>
        <select id="s-window" value={window} onChange={(e) => setWindow(e.target.value as Window)}>
          {(Object.keys(WINDOWS) as Window[]).map((w) => <option key={w} value={w}>{t(`security.windows.${w}`)}</option>)}
        </select>
        <label htmlFor="s-severity">{t('security.severity')}</label>
        <select id="s-severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity | '')}>
          <option value="">{t('security.all')}</option>
          {SEVERITIES.map((s) => <option key={s} value={s}>{t(`security.severities.${s}`)}</option>)}
        </select>
      </form>
      <ErrorNote error={alerts.error} />
      {alerts.loading && !d && <p role="status">{t('common.loading')}</p>}
      {d && (
        <>
          <div className="cards" data-testid="alert-counts">
            {SEVERITIES.map((s) => (
              <div key={s} className={`card severity-${s}`}>
                <h2 className="h3">{t(`security.severities.${s}`)}</h2>
                <p className="big">{f.num(d.bySeverity[s])}</p>
              </div>
            ))}
          </div>
          <div className="table-wrap">
            <table>
              <caption>{t('security.caption', { shown: f.num(d.items.length), total: f.num(d.total) })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('security.when')}</th><th scope="col">{t('security.severity')}</th><th scope="col">{t('security.what')}</th>
                  <th scope="col">{t('security.object')}</th><th scope="col">{t('security.actor')}</th><th scope="col">{t('security.details')}</th>
                </tr>
              </thead>
              <tbody>
                {d.items.length === 0 && <tr><td colSpan={6}>{t('security.none')}</td></tr>}
                {d.items.map((a) => (
                  <tr key={a.seq}>
                    <td>{f.dateTime(a.at)}</td>
                    <td><span className={`badge severity-${a.severity}`}>{t(`security.severities.${a.severity}`)}</span></td>
                    <td>{t(`security.actions.${a.action.replaceAll('.', '_')}`, { defaultValue: a.action })}</td>
                    <td><ObjectRef object={a.object} /></td>
                    <td>{a.actor}</td>
                    <td className="details">{a.details ? JSON.stringify(a.details) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
