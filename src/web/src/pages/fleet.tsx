import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlignedData, Options } from 'uplot';
import { api, type Page } from '../api.ts';
import { Chart, timeAxis } from '../chart.tsx';
import { useFormat } from '../format.ts';
import { latestSnapshot, useLive, useLiveSnapshot, type LiveSnapshot } from '../live.tsx';
import { count, type Outage } from '../grid.ts';
import { Link, useRoute } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import { ErrorNote, useAsync } from '../use-async.tsx';

interface Summary { meters: number; byKind: Record<string, number>; byStatus: Record<string, number>; byTag: Record<string, number>; feeders: number; transformers: number }
interface Completeness { expected: number; present: number; actual: number; estimated: number; completeness: number; actualShare: number; arrived?: number; onTime?: number; timeliness?: number }
interface Quality { meters: number; total: Completeness; byMeter: (Completeness & { meter: string })[] }
interface LoadPoint { start: string; value: number; contributors: number; averageW?: number }
interface Load { meters: number; intervalS: number; items: LoadPoint[]; latest: string | null }
interface Meter { id: string; kind: string; status: string; premise?: string; grid?: { transformerId?: string }; tags: string[] }

const DAY_MS = 86_400_000;
const Q_MS = 900_000;
const PAGE = 25;

function Counts({ title, map }: { title: string; map: Record<string, number> }) {
  const { t } = useTranslation();
  const f = useFormat();
  const entries = Object.entries(map).sort((a, b) => b[1] - a[1]);
  return (
    <div className="card">
      <h3>{title}</h3>
      {entries.length ? (
        <ul>{entries.map(([k, v]) => <li key={k}><span>{t(`values.${k}`, { defaultValue: k })}</span> <b>{f.num(v)}</b></li>)}</ul>
      ) : <p>{t('common.none')}</p>}
    </div>
  );
}

export function FleetPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const [tick, setTick] = useState(0);
  const last = useRef(0);
  // New exceptions or a new quarter-hour of data refresh the overview, at most every 30 s.
  const seen = useRef({ outages: latestSnapshot()?.activeOutages, alerts: latestSnapshot()?.alerts });
  useLive(useCallback((s: LiveSnapshot) => {
    // A new outage or alert shows at once; new data at most every 30 s.
    const urgent = s.activeOutages !== seen.current.outages || s.alerts !== seen.current.alerts;
    seen.current = { outages: s.activeOutages, alerts: s.alerts };
    if (urgent || ((s.newExceptions > 0 || s.newMessages > 0) && Date.now() - last.current > 30_000)) { last.current = Date.now(); setTick((n) => n + 1); }
  }, []));
  const live = useLiveSnapshot();

  // Three requests, drawn as each arrives: with 100,000 meters the counts take well under a second,
  // the fleet's load and its data quality a few seconds each (the server answers them one by one).
  const overview = useAsync(async () => {
    const [summary, open, outages, alerts] = await Promise.all([
      api.get<Summary>('/fleet/summary'),
      can(session, 'vee:read') ? api.get<Page<unknown>>('/vee/exceptions', { status: 'open', limit: 1 }) : null,
      can(session, 'outages:read') ? api.get<Page<Outage>>('/outages', { status: 'active' }).then((p) => p.items, () => null) : null,
      can(session, 'audit:read')
        ? api.get<{ bySeverity: Record<string, number>; total: number }>('/security/alerts', { since: new Date(Date.now() - DAY_MS).toISOString(), limit: 1 }).catch(() => null)
        : null,
    ]);
    return { summary, open: open?.total ?? null, outages, alerts };
  }, [tick]);
  const qualityReq = useAsync(async () => {
    if (!can(session, 'vee:read')) return null;
    const to = Math.floor(Date.now() / Q_MS) * Q_MS;
    const dayStart = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS;
    return api.get<Quality>('/vee/quality', { from: new Date(dayStart).toISOString(), to: new Date(to).toISOString(), zone: 'UTC' });
  }, [tick]);
  const loadReq = useAsync(async () => {
    const to = Math.floor(Date.now() / Q_MS) * Q_MS;
    return api.get<Load>('/fleet/load', { from: new Date(to - 7 * DAY_MS).toISOString(), to: new Date(to).toISOString() });
  }, [tick]);

  const chart = useMemo(() => {
    const load = loadReq.data;
    if (!load) return null;
    const xs = load.items.map((p) => Date.parse(p.start) / 1000);
    const ys = load.items.map((p) => (p.contributors > 0 ? p.averageW ?? (p.value * 3600) / load.intervalS : null));
    const x = timeAxis(f.locale, undefined, t('chart.time'));
    const options: Omit<Options, 'width' | 'height'> = {
      series: [x.series, { label: t('fleet.loadSeries'), stroke: '#1f5fbf', fill: 'rgba(31,95,191,0.12)', width: 1.5, value: (_u, v) => (v == null ? '–' : f.power(v)) }],
      axes: [x.axis, { values: (_u, vals) => vals.map((v) => f.power(v)), size: 80 }],
      legend: { show: true },
    };
    return { options, data: [xs, ys] as AlignedData, ys };
  }, [loadReq.data, t, f.locale]);

  const loadSummary = (() => {
    const load = loadReq.data;
    if (!load || !chart) return '';
    const have = chart.ys.map((y, i) => [y, i] as const).filter((p): p is readonly [number, number] => p[0] !== null);
    if (have.length === 0) return t('fleet.noLoad', { meters: f.num(load.meters) });
    const peak = have.reduce((a, b) => (b[0] > a[0] ? b : a));
    const low = have.reduce((a, b) => (b[0] < a[0] ? b : a));
    const avg = have.reduce((s, p) => s + p[0], 0) / have.length;
    return t('fleet.loadSummary', {
      meters: f.num(load.meters), minutes: f.num(load.intervalS / 60), peak: f.power(peak[0]), peakAt: f.dateTime(load.items[peak[1]]!.start),
      low: f.power(low[0]), lowAt: f.dateTime(load.items[low[1]]!.start), avg: f.power(avg),
    });
  })();

  const d = overview.data;
  // The live count is of electricity meters (those with 15-minute energy data).
  const electricity = d?.summary.byKind['electricity'] ?? 0;
  const quality = qualityReq.data;
  const q = quality?.total;
  return (
    <section aria-labelledby="fleet-title">
      <h1 id="fleet-title">{t('fleet.title')}</h1>
      <ErrorNote error={overview.error ?? qualityReq.error ?? loadReq.error} />
      {d && (
        <div className="cards">
          <div className="card"><h3>{t('fleet.meters')}</h3><p className="big">{f.num(d.summary.meters)}</p><p>{t('fleet.grid', { transformers: f.num(d.summary.transformers), feeders: f.num(d.summary.feeders) })}</p></div>
          <Counts title={t('fleet.byStatus')} map={d.summary.byStatus} />
          {q && (
            <div className="card">
              <h3>{t('fleet.quality')}</h3>
              <dl className="pairs">
                <dt>{t('fleet.completeness')}</dt><dd>{f.percent(q.completeness)}</dd>
                <dt>{t('fleet.actualShare')}</dt><dd>{f.percent(q.actualShare)}</dd>
                {q.timeliness !== undefined && <><dt>{t('fleet.onTime')}</dt><dd>{f.percent(q.timeliness)}</dd></>}
              </dl>
              <p className="hint">{t('fleet.qualityHint')}</p>
            </div>
          )}
          {d.open !== null && (
            <div className="card">
              <h3>{t('fleet.openExceptions')}</h3>
              <p className="big">{f.num(d.open)}</p>
              <p><Link href="/vee">{t('fleet.toQueue')}</Link></p>
            </div>
          )}
          {d.outages && (
            <div className="card" data-testid="outages-card">
              <h3>{t('fleet.activeOutages')}</h3>
              <p className="big">{f.num(d.outages.length)}</p>
              {d.outages.length > 0 && (
                <p>{t('fleet.outagesAffect', {
                  meters: f.num(d.outages.reduce((n, o) => n + count(o.meters) - count(o.restored), 0)),
                  customers: f.num(d.outages.reduce((n, o) => n + o.customers, 0)),
                })}</p>
              )}
              <p><Link href="/outages">{t('fleet.toOutages')}</Link></p>
            </div>
          )}
          {d.alerts && (
            <div className="card" data-testid="alerts-card">
              <h3>{t('fleet.alerts')}</h3>
              <p className="big">{f.num(d.alerts.total)}</p>
              <p>{(['critical', 'high', 'medium', 'low'] as const).filter((s) => (d.alerts!.bySeverity[s] ?? 0) > 0)
                .map((s) => `${t(`security.severities.${s}`)}: ${f.num(d.alerts!.bySeverity[s]!)}`).join(' · ')}</p>
              <p><Link href="/security">{t('fleet.toAlerts')}</Link></p>
            </div>
          )}
          {live && live.latest && electricity > 0 && (
            <div className="card" data-testid="comm-card">
              <h3>{t('fleet.comm')}</h3>
              <p className="big">{f.percent(Math.min(1, live.reporting / electricity))}</p>
              <p>{t('fleet.commDetail', { meters: f.num(live.reporting), total: f.num(electricity), time: f.time(live.latest) })}</p>
            </div>
          )}
          <Counts title={t('fleet.byTag')} map={d.summary.byTag} />
          {qualityReq.loading && !quality && can(session, 'vee:read') && <div className="card"><h3>{t('fleet.quality')}</h3><p role="status">{t('common.loading')}</p></div>}
          {quality && quality.byMeter.length > 0 && (
            <div className="card">
              <h3>{t('fleet.worst')}</h3>
              <ol>
                {quality.byMeter.slice(0, 5).map((m) => (
                  <li key={m.meter}><Link href={`/meters/${encodeURIComponent(m.meter)}`}>{m.meter}</Link> <b>{f.percent(m.completeness)}</b></li>
                ))}
              </ol>
            </div>
          )}
        </div>
      )}
      <h2 id="load-title">{t('fleet.loadTitle')}</h2>
      <figure className="figure">
        {chart && <Chart options={chart.options} data={chart.data} label={t('fleet.loadTitle')} describedBy="load-summary" />}
        <figcaption id="load-summary">{loadReq.loading && !loadReq.data ? t('common.loading') : loadSummary}</figcaption>
      </figure>
      <MeterList />
    </section>
  );
}

function MeterList() {
  const { t } = useTranslation();
  const f = useFormat();
  const transformer = useRoute().query.get('transformer') ?? undefined;
  const [q, setQ] = useState('');
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [index, setIndex] = useState(0);
  const page = useAsync(() => api.get<Page<Meter>>('/meters', { limit: PAGE, cursor: cursors[index] ?? undefined, q, transformer }), [q, index, transformer]);
  useEffect(() => { setCursors([null]); setIndex(0); }, [transformer]);
  useEffect(() => {
    if (page.data) setCursors((c) => { const n = [...c]; n[index + 1] = page.data!.next; return n; });
  }, [page.data, index]);
  const search = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setQ(String(new FormData(e.currentTarget).get('q') ?? '').trim());
    setCursors([null]);
    setIndex(0);
  };
  const first = index * PAGE + 1;
  return (
    <>
      <h2 id="meters-title">{t('fleet.metersTitle')}</h2>
      <form role="search" aria-labelledby="meters-title" onSubmit={search} className="inline">
        <label htmlFor="meter-q">{t('fleet.search')}</label>
        <input id="meter-q" name="q" type="search" autoComplete="off" />
        <button type="submit">{t('common.search')}</button>
      </form>
      <ErrorNote error={page.error} />
      <div className="table-wrap">
        <table>
          <caption>{q ? t('fleet.metersMatching', { q }) : transformer ? t('fleet.metersOf', { transformer }) : t('fleet.metersTitle')}</caption>
          <thead><tr><th scope="col">{t('meter.id')}</th><th scope="col">{t('meter.kind')}</th><th scope="col">{t('meter.status')}</th><th scope="col">{t('meter.transformer')}</th><th scope="col">{t('meter.tags')}</th></tr></thead>
          <tbody>
            {page.data?.items.map((m) => (
              <tr key={m.id}>
                <th scope="row"><Link href={`/meters/${encodeURIComponent(m.id)}`}>{m.id}</Link></th>
                <td>{t(`values.${m.kind}`, { defaultValue: m.kind })}</td>
                <td>{t(`values.${m.status}`, { defaultValue: m.status })}</td>
                <td>{m.grid?.transformerId ? <Link href={`/transformers/${encodeURIComponent(m.grid.transformerId)}`}>{m.grid.transformerId}</Link> : '–'}</td>
                <td>{m.tags.map((x) => t(`values.${x}`, { defaultValue: x })).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label={t('fleet.pages')}>
        <button type="button" disabled={index === 0} onClick={() => setIndex((i) => Math.max(0, i - 1))}>{t('common.previous')}</button>
        <span aria-live="polite">{page.data ? (page.data.total === 0 ? t('fleet.noMatch') : t('common.range', { from: f.num(first), to: f.num(first + page.data.items.length - 1), total: f.num(page.data.total) })) : ''}</span>
        <button type="button" disabled={!page.data?.next} onClick={() => setIndex((i) => i + 1)}>{t('common.next')}</button>
      </nav>
    </>
  );
}
