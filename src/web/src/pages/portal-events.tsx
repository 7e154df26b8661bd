import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.ts';
import { useFormat } from '../format.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { ErrorNote, useAsync } from '../use-async.tsx';
import type { DrEvent, DrPerformance } from './dr.tsx';

interface Notice { event: DrEvent; response: { acknowledgedAt?: string; optedOutAt?: string } | null; performance: DrPerformance | null }
interface Notices { premise: string; upcoming: Notice[]; active: Notice[]; past: Notice[] }

const useNotices = (premise?: string, n = 0) => useAsync((signal) => api.get<Notices>('/portal/events', { premise }, signal), [premise, n]);

/** On the other portal pages while an event is announced or running. */
export function PeakBanner({ premise }: { premise?: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const d = useNotices(premise).data;
  const next = d?.active[0] ?? d?.upcoming.find((x) => !x.response?.optedOutAt);
  if (!next) return null;
  const q = premise ? `?premise=${encodeURIComponent(premise)}` : '';
  return (
    <p className="notice" role="status" data-testid="peak-banner">
      {t(next.event.status === 'active' ? 'dr.portal.bannerActive' : 'dr.portal.bannerUpcoming', { start: f.dateTime(next.event.start), end: f.time(next.event.end) })}{' '}
      <Link href={`/portal/events${q}`}>{t('dr.portal.more')}</Link>
    </p>
  );
}

/** "Peak events": the notices of the premise, what to do, and how the home did in past events. */
export function PortalEventsPage({ premise, zone }: { premise?: string; zone: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const readOnly = session.role !== 'customer';
  const [n, setN] = useState(0);
  const res = useNotices(premise, n);
  const d = res.data;
  return (
    <section aria-labelledby="peak-title">
      <h2 id="peak-title">{t('dr.portal.title')}</h2>
      <p className="muted">{t('dr.portal.intro')}</p>
      {readOnly && <p className="hint" role="note">{t('dr.portal.readOnly')}</p>}
      <ErrorNote error={res.error} />
      {res.loading && !d && <p role="status">{t('common.loading')}</p>}
      {d && (
        <>
          {[...d.active, ...d.upcoming].length === 0 && <p data-testid="peak-none">{t('dr.portal.noneNow')}</p>}
          {[...d.active, ...d.upcoming].map((x) => <NoticeCard key={x.event.id} n={x} zone={zone} premise={premise} readOnly={readOnly} onAnswered={() => setN((v) => v + 1)} />)}
          <h3>{t('dr.portal.past')}</h3>
          {d.past.length === 0 ? <p>{t('dr.portal.noPast')}</p> : (
            <ul className="stack" data-testid="peak-past">
              {d.past.map((x) => <PastItem key={x.event.id} n={x} zone={zone} />)}
            </ul>
          )}
          <p className="hint">{t('dr.portal.method')}</p>
        </>
      )}
    </section>
  );
}

function NoticeCard({ n, zone, premise, readOnly, onAnswered }: { n: Notice; zone: string; premise?: string; readOnly: boolean; onAnswered: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [error, setError] = useState<string | null>(null);
  const e = n.event;
  const id = `notice-${e.id}`;
  const answer = async (what: 'acknowledge' | 'opt-out') => {
    setError(null);
    try {
      await api.post(`/portal/events/${encodeURIComponent(e.id)}/${what}${premise ? `?premise=${encodeURIComponent(premise)}` : ''}`, {});
      onAnswered();
    } catch (err) {
      setError(err instanceof ApiError ? t('errors.failed', { detail: err.message }) : t('errors.network'));
    }
  };
  const price = e.levels.map((l) => l.price).filter((p): p is number => p !== undefined);
  return (
    <article className="card notice" aria-labelledby={id} data-testid="peak-notice">
      <h3 id={id}>{t(e.status === 'active' ? 'dr.portal.activeTitle' : 'dr.portal.upcomingTitle')}: {e.name}</h3>
      <p className="big">{f.date(e.start, zone, 'long')}, {f.time(e.start, zone)} – {f.time(e.end, zone)}</p>
      <p>{t(`dr.portal.levelText.${e.level}`)}{price.length ? ` ${t('dr.portal.price', { price: f.num(Math.max(...price), 2) })}` : ''}</p>
      {e.message && <p><strong>{t('dr.portal.fromUtility')}</strong> {e.message}</p>}
      <h4>{t('dr.portal.whatToDo')}</h4>
      <ul>
        <li>{t('dr.portal.tip1')}</li>
        <li>{t('dr.portal.tip2')}</li>
        <li>{t('dr.portal.tip3')}</li>
      </ul>
      {n.response?.optedOutAt ? <p role="status">{t('dr.portal.optedOut', { at: f.dateTime(n.response.optedOutAt, zone) })}</p>
        : n.response?.acknowledgedAt ? <p role="status" data-testid="peak-acknowledged">{t('dr.portal.acknowledged', { at: f.dateTime(n.response.acknowledgedAt, zone) })}</p> : null}
      {!readOnly && !n.response?.optedOutAt && (
        <div className="actions">
          {!n.response?.acknowledgedAt && <button type="button" onClick={() => void answer('acknowledge')}>{t('dr.portal.acknowledge')}</button>}
          <button type="button" onClick={() => void answer('opt-out')}>{t('dr.portal.optOut')}</button>
        </div>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </article>
  );
}

function PastItem({ n, zone }: { n: Notice; zone: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const e = n.event;
  const p = n.performance;
  let text: string;
  if (e.status === 'cancelled') text = t('dr.portal.wasCancelled');
  else if (!p || p.status !== 'ok' || p.reductionWh === null) text = t(`dr.portal.noFigure.${p?.status ?? 'missing-data'}`);
  else if (Math.abs(p.reductionWh) < 50) text = t('dr.portal.same');
  else text = t(p.reductionWh > 0 ? 'dr.portal.less' : 'dr.portal.more', { value: f.energy(Math.abs(p.reductionWh)), pct: f.percent(Math.abs(p.reductionPct ?? 0), 0) });
  return (
    <li>
      <strong>{e.name}</strong>, {f.date(e.start, zone)} {f.time(e.start, zone)} – {f.time(e.end, zone)}: <span data-testid="peak-result">{text}</span>
      {p && p.status === 'ok' && p.estimatedIntervals > 0 && <span className="hint"> {t('dr.portal.estimated')}</span>}
    </li>
  );
}
