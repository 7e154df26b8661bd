import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { useFormat } from '../format.ts';
import { count, elapsedS, type Outage } from '../grid.ts';
import { Link } from '../router.tsx';
import { ErrorNote, useAsync } from '../use-async.tsx';
import { useRefresh } from './outages.tsx';
import { duration } from './transformer.tsx';

interface PortalOutage { premise: string; active: Outage | null; recent: Outage[] }

function useOutage(premise?: string) {
  const tick = useRefresh();
  return useAsync((signal) => api.get<PortalOutage>('/portal/outage', { premise }, signal), [premise, tick]);
}

/** On every portal page while the power is off at this address. */
export function OutageBanner({ premise }: { premise?: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const o = useOutage(premise).data?.active;
  if (!o) return null;
  const q = premise ? `?premise=${encodeURIComponent(premise)}` : '';
  return (
    <p className="notice outage-banner" role="alert">
      {t('portal.outage.banner', { start: f.time(o.start) })} <Link href={`/portal/outage${q}`}>{t('portal.outage.more')}</Link>
    </p>
  );
}

export function OutageStatus({ premise }: { premise?: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const res = useOutage(premise);
  const d = res.data;
  return (
    <section aria-labelledby="outage-now-title">
      <h2 id="outage-now-title">{t('portal.outage.now')}</h2>
      <ErrorNote error={res.error} />
      {res.loading && !d && <p role="status">{t('common.loading')}</p>}
      {d && (d.active ? (
        <div className="card outage-card" data-testid="portal-outage-status" role="status">
          <p className="big">{t('portal.outage.off')}</p>
          <p>{t('portal.outage.offDetail', {
            start: f.dateTime(d.active.start), duration: duration(elapsedS(d.active), t),
            restored: f.num(count(d.active.restored)), meters: f.num(count(d.active.meters)),
          })}</p>
          <p className="hint">{t('portal.outage.offHint')}</p>
        </div>
      ) : (
        <div className="card" data-testid="portal-outage-status" role="status">
          <p className="big ok">{t('portal.outage.on')}</p>
          <p className="hint">{t('portal.outage.onHint')}</p>
        </div>
      ))}
      {d && (
        <>
          <h2 id="outage-recent-title">{t('portal.outage.recent')}</h2>
          {d.recent.length === 0 ? <p>{t('portal.outage.noRecent')}</p> : (
            <div className="table-wrap">
              <table>
                <caption>{t('portal.outage.recentCaption')}</caption>
                <thead><tr><th scope="col">{t('outages.start')}</th><th scope="col">{t('outages.end')}</th><th scope="col">{t('outages.duration')}</th></tr></thead>
                <tbody>
                  {d.recent.map((o) => (
                    <tr key={o.id}>
                      <th scope="row">{f.dateTime(o.start)}</th>
                      <td>{o.end ? f.dateTime(o.end) : '–'}</td>
                      <td>{duration(elapsedS(o), t)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
