import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../api.ts';
import { useFormat } from '../format.ts';
import { count, elapsedS, type Outage, type OutageDetail } from '../grid.ts';
import { latestSnapshot, useLive, type LiveSnapshot } from '../live.tsx';
import { Link } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import { ErrorNote, useAsync } from '../use-async.tsx';
import { duration } from './transformer.tsx';
import { TableAlternative } from '../table-alternative.tsx';

/** Outages refresh by themselves at most this often (new power-down events arrive with the data). */
const REFRESH_MS = 20_000;

/** Re-runs a page's requests on live updates and on a timer, at most every REFRESH_MS. */
export function useRefresh(): number {
  const [tick, setTick] = useState(0);
  const last = useRef(Date.now());
  const outages = useRef(latestSnapshot()?.activeOutages);
  const bump = useCallback(() => { if (Date.now() - last.current >= REFRESH_MS) { last.current = Date.now(); setTick((n) => n + 1); } }, []);
  // An outage starting or ending refreshes at once.
  useLive(useCallback((s: LiveSnapshot) => {
    const changed = s.activeOutages !== outages.current;
    outages.current = s.activeOutages;
    if (changed) { last.current = Date.now(); setTick((n) => n + 1); } else bump();
  }, [bump]));
  useEffect(() => {
    const timer = setInterval(bump, REFRESH_MS);
    return () => clearInterval(timer);
  }, [bump]);
  return tick;
}

export function OutagesPage() {
  const { t } = useTranslation();
  const tick = useRefresh();
  const list = useAsync((signal) => api.get<Page<Outage>>('/outages', {}, signal), [tick]);
  const items = list.data?.items ?? [];
  const active = items.filter((o) => o.active);
  const recent = items.filter((o) => !o.active);
  return (
    <section aria-labelledby="outages-title">
      <h1 id="outages-title">{t('outages.title')}</h1>
      <p className="muted">{t('outages.intro')}</p>
      <ErrorNote error={list.error} />
      {list.loading && !list.data && <p role="status">{t('common.loading')}</p>}
      {list.data && (
        <>
          <h2 id="active-title">{t('outages.active')}</h2>
          <p role="status" data-testid="outages-active-count">{t('outages.activeCount', { value: active.length })}</p>
          {active.length > 0 && <OutageTable items={active} caption={t('outages.active')} />}
          <h2 id="recent-title">{t('outages.recent')}</h2>
          {recent.length === 0 ? <p>{t('outages.noRecent')}</p> : <OutageTable items={recent} caption={t('outages.recentCaption')} />}
        </>
      )}
    </section>
  );
}

function OutageTable({ items, caption }: { items: readonly Outage[]; caption: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <div className="table-wrap">
      <table data-testid="outage-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('outages.start')}</th><th scope="col">{t('map.transformer')}</th><th scope="col">{t('map.feeder')}</th>
            <th scope="col">{t('outages.duration')}</th><th scope="col">{t('outages.restoration')}</th><th scope="col">{t('outages.customers')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((o) => (
            <tr key={o.id} className={o.active ? 'outage-active' : undefined}>
              <th scope="row"><Link href={`/outages/${encodeURIComponent(o.id)}`}>{f.dateTime(o.start)}</Link></th>
              <td>{o.transformerId ? <Link href={`/transformers/${encodeURIComponent(o.transformerId)}`}>{o.transformerId}</Link> : '–'}</td>
              <td>{o.feederId ?? '–'}</td>
              <td>{o.active ? t('outages.ongoing', { duration: duration(elapsedS(o), t) }) : duration(elapsedS(o), t)}</td>
              <td>{t('outages.restoredOf', { restored: f.num(count(o.restored)), meters: f.num(count(o.meters)) })}</td>
              <td>{f.num(o.customers)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function OutagePage({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const tick = useRefresh();
  const detail = useAsync((signal) => api.get<OutageDetail>(`/outages/${encodeURIComponent(id)}`, {}, signal), [id, tick]);
  const o = detail.data;
  const meters = o ? count(o.meters) : 0;
  const restored = o ? count(o.restored) : 0;
  return (
    <section aria-labelledby="outage-title">
      <p><Link href="/outages">{t('outages.back')}</Link></p>
      <h1 id="outage-title">{o ? t('outages.detailTitle', { transformer: o.transformerId ?? '–', start: f.dateTime(o.start) }) : t('outages.title')}</h1>
      <ErrorNote error={detail.error} />
      {detail.loading && !o && <p role="status">{t('common.loading')}</p>}
      {o && (
        <>
          <p className={o.active ? 'notice' : 'summary'} data-testid="outage-summary" role="status">
            {o.active
              ? t('outages.summaryActive', { start: f.dateTime(o.start), duration: duration(elapsedS(o), t), meters: f.num(meters), restored: f.num(restored), customers: f.num(o.customers) })
              : t('outages.summaryRestored', { start: f.dateTime(o.start), end: f.dateTime(o.end!), duration: duration(elapsedS(o), t), meters: f.num(meters), customers: f.num(o.customers) })}
          </p>
          <dl className="facts">
            <dt>{t('map.transformer')}</dt><dd>{o.transformerId ? <Link href={`/transformers/${encodeURIComponent(o.transformerId)}`}>{o.transformerId}</Link> : '–'}</dd>
            <dt>{t('map.feeder')}</dt><dd>{o.feederId ?? '–'}</dd>
            <dt>{t('outages.start')}</dt><dd>{f.dateTime(o.start)}</dd>
            <dt>{t('outages.end')}</dt><dd>{o.end ? f.dateTime(o.end) : t('outages.notYet')}</dd>
            <dt>{t('outages.restoration')}</dt>
            <dd>
              <progress max={Math.max(1, meters)} value={restored} aria-label={t('outages.restoration')} />{' '}
              {t('outages.restoredOf', { restored: f.num(restored), meters: f.num(meters) })}
            </dd>
            <dt>{t('outages.customers')}</dt><dd>{f.num(o.customers)}</dd>
          </dl>
          <h2 id="timeline-title">{t('outages.timeline')}</h2>
          <Timeline o={o} />
          <h2 id="affected-title">{t('outages.affected')}</h2>
          <AffectedTable o={o} portal={can(session, 'portal:read')} />
        </>
      )}
    </section>
  );
}

/** The interruption as a bar from the first power-down to now or the last power-up, with a tick per event. */
function Timeline({ o }: { o: OutageDetail }) {
  const { t } = useTranslation();
  const f = useFormat();
  const start = Date.parse(o.start);
  const end = o.end ? Date.parse(o.end) : Math.max(start + elapsedS(o) * 1000, ...o.timeline.map((e) => Date.parse(e.at)));
  const span = Math.max(1, end - start);
  const downs = o.timeline.filter((e) => e.event === 'power-down');
  const ups = o.timeline.filter((e) => e.event === 'power-up');
  const firstUp = ups.length ? ups.reduce((a, b) => (a.at < b.at ? a : b)) : null;
  return (
    <>
      <div className="timeline" role="img" aria-labelledby="timeline-title" aria-describedby="timeline-summary">
        <span className={`timeline-bar${o.active ? ' ongoing' : ''}`} />
        {o.timeline.map((e, i) => (
          <span key={i} className={`timeline-tick ${e.event}`} style={{ insetInlineStart: `${((Date.parse(e.at) - start) / span) * 100}%` }} />
        ))}
      </div>
      <p className="timeline-ends" aria-hidden="true"><span>{f.time(start)}</span><span>{o.end ? f.time(end) : t('outages.now')}</span></p>
      <p id="timeline-summary" data-testid="timeline-summary">
        {t('outages.timelineSummary', { downs: f.num(downs.length), first: f.dateTime(o.start), ups: f.num(ups.length) })}
        {firstUp && ` ${t('outages.firstUp', { at: f.dateTime(firstUp.at) })}`}
        {o.end && ` ${t('outages.lastUp', { at: f.dateTime(o.end) })}`}
      </p>
      <TableAlternative toggle={t('outages.timelineTable')} caption={t('outages.timeline')} columns={[t('meter.when'), t('vee.meter'), t('meter.event')]}>
        {o.timeline.map((e, i) => (
          <tr key={i}><th scope="row">{f.dateTime(e.at)}</th><td><Link href={`/meters/${encodeURIComponent(e.meter)}`}>{e.meter}</Link></td><td>{t(`outages.events.${e.event}`)}</td></tr>
        ))}
      </TableAlternative>
    </>
  );
}

function AffectedTable({ o, portal }: { o: OutageDetail; portal: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const meters = o.affectedMeters ?? (Array.isArray(o.meters) ? o.meters : [...new Set(o.timeline.map((e) => e.meter))]);
  const restoredAt = new Map(o.timeline.filter((e) => e.event === 'power-up').map((e) => [e.meter, e.at]));
  return (
    <>
      <p>{t('outages.affectedSummary', { meters: f.num(meters.length), customers: f.num(o.premises.length) })}</p>
      <div className="table-wrap">
        <table data-testid="affected-table">
          <caption>{t('outages.affectedCaption')}</caption>
          <thead><tr><th scope="col">{t('vee.meter')}</th><th scope="col">{t('outages.poweredUp')}</th></tr></thead>
          <tbody>
            {meters.map((m) => {
              const up = restoredAt.get(m);
              return (
                <tr key={m}>
                  <th scope="row"><Link href={`/meters/${encodeURIComponent(m)}`}>{m}</Link></th>
                  <td>{up ? f.dateTime(up) : t('outages.stillOff')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h3 id="customers-title">{t('outages.customersTitle')}</h3>
      <ul className="premises" aria-labelledby="customers-title">
        {o.premises.map((p) => (
          <li key={p}>{portal ? <Link href={`/portal/outage?premise=${encodeURIComponent(p)}`}>{p}</Link> : p}</li>
        ))}
      </ul>
    </>
  );
}
