import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LatLngBounds } from 'leaflet';
import { api, type Page } from '../api.ts';
import {
  ALL_METERS_UP_TO, meterColour, outageTransformers, TRANSFORMER_STATES, transformersOf, transformerState,
  type GridMap, type Outage, type OutageDetail, type TransformerProps, type TransformerState,
} from '../grid.ts';
import { useFormat } from '../format.ts';
import { useLive } from '../live.tsx';
import { NetworkMap, type MapTexts } from '../map/network-map.tsx';
import type { MapPoint } from '../map/points-layer.ts';
import { Link, navigate, withLang } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import { ErrorNote, useAsync } from '../use-async.tsx';

interface ApiMeter { id: string; status: string; location?: { lat: number; lon: number }; grid?: { transformerId?: string } }

/** Meters of the transformers in view are loaded at this zoom and closer, when the fleet is too big to load at once. */
const METER_ZOOM = 15;
const MAX_IN_VIEW = 30;
const PAGE = 50;

/** The console's map of the network, with the same transformers as a table (the accessible alternative). */
export function MapPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const canOutages = can(session, 'outages:read');
  const [tick, setTick] = useState(0);
  const last = useRef(Date.now());
  useLive(useCallback(() => { if (Date.now() - last.current > 60_000) { last.current = Date.now(); setTick((n) => n + 1); } }, []));

  const data = useAsync(async (signal) => {
    performance.mark('map-start');
    // Without the meter points first: at fleet zoom 100,000 dots say little and cost ~19 MB.
    const [map, outages] = await Promise.all([
      api.get<GridMap>('/grid/map', { meters: false }, signal),
      canOutages ? api.get<Page<Outage>>('/outages', { status: 'active' }, signal).then((p) => p.items) : Promise.resolve([] as Outage[]),
    ]);
    // Which meters are still off: those of the active outages that logged no power-up yet (few outages, one request each).
    const off = new Set<string>();
    for (const o of await Promise.all(outages.map((o) => api.get<OutageDetail>(`/outages/${encodeURIComponent(o.id)}`, {}, signal).catch(() => null)))) {
      if (!o) continue;
      const up = new Set(o.timeline.filter((e) => e.event === 'power-up').map((e) => e.meter));
      for (const m of o.affectedMeters ?? []) if (!up.has(m)) off.add(m);
    }
    const total = transformersOf(map).reduce((n, x) => n + x.meters, 0);
    return { map, outages, off, total };
  }, [tick]);
  // Every meter point: at once for a small fleet, or when asked for; else per transformer in view (below).
  const [everyMeter, setEveryMeter] = useState(false);
  const showAll = !!data.data && (data.data.total <= ALL_METERS_UP_TO || everyMeter);
  const allMeters = useAsync(async (signal) => {
    if (!showAll) return null;
    const map = await api.get<GridMap>('/grid/map', { meters: true }, signal);
    return map.features.filter((ft) => ft.properties.kind === 'meter');
  }, [showAll]);

  const out = useMemo(() => outageTransformers(data.data?.outages ?? []), [data.data]);
  const transformers = useMemo(() => (data.data ? transformersOf(data.data.map) : []), [data.data]);

  // Meter points: all of them for a small fleet; else those of the transformers in view, once zoomed in.
  const [loaded, setLoaded] = useState<Map<string, ApiMeter[]>>(new Map());
  const pending = useRef(new Set<string>());
  const [zoomedOut, setZoomedOut] = useState(true);
  const txPoints = useMemo(() => {
    const m = new Map<string, { lat: number; lon: number }>();
    for (const ft of data.data?.map.features ?? []) if (ft.properties.kind === 'transformer' && ft.geometry.type === 'Point') m.set(ft.properties.id, { lon: ft.geometry.coordinates[0], lat: ft.geometry.coordinates[1] });
    return m;
  }, [data.data]);
  const onView = useCallback((v: { zoom: number; bounds: LatLngBounds }) => {
    if (!data.data || showAll) return;
    setZoomedOut(v.zoom < METER_ZOOM);
    if (v.zoom < METER_ZOOM) return;
    const centre = v.bounds.getCenter();
    const inView = [...txPoints].filter(([, p]) => v.bounds.contains([p.lat, p.lon]))
      .sort((a, b) => centre.distanceTo([a[1].lat, a[1].lon]) - centre.distanceTo([b[1].lat, b[1].lon])).slice(0, MAX_IN_VIEW)
      .map(([id]) => id).filter((id) => !loaded.has(id) && !pending.current.has(id));
    for (const id of inView) {
      pending.current.add(id);
      api.get<Page<ApiMeter>>('/meters', { transformer: id, limit: 1000 }).then((p) => {
        setLoaded((prev) => new Map(prev).set(id, p.items));
      }, () => undefined).finally(() => pending.current.delete(id));
    }
  }, [data.data, showAll, txPoints, loaded]);

  const meters = useMemo<MapPoint[]>(() => {
    if (!data.data) return [];
    const off = data.data.off;
    const pts: MapPoint[] = [];
    if (showAll) {
      for (const ft of allMeters.data ?? []) {
        if (ft.properties.kind !== 'meter' || ft.geometry.type !== 'Point') continue;
        const [lon, lat] = ft.geometry.coordinates;
        pts.push({ id: ft.properties.id, lat, lon, colour: meterColour(ft.properties.status, off.has(ft.properties.id)) });
      }
    } else {
      for (const list of loaded.values()) {
        for (const m of list) if (m.location) pts.push({ id: m.id, lat: m.location.lat, lon: m.location.lon, colour: meterColour(m.status, off.has(m.id)) });
      }
    }
    return pts;
  }, [data.data, showAll, allMeters.data, loaded]);

  useEffect(() => {
    if (!data.data) return;
    performance.mark('map-end');
    performance.measure('map', 'map-start', 'map-end');
  }, [data.data]);

  const [focus, setFocus] = useState<{ id: string; n: number } | null>(null);
  const mapBox = useRef<HTMLDivElement>(null);
  const show = (id: string) => {
    setFocus((prev) => ({ id, n: (prev?.n ?? 0) + 1 }));
    mapBox.current?.scrollIntoView({ block: 'center' });
  };

  const texts = useMemo<MapTexts>(() => ({
    label: t('map.mapLabel'),
    zoomIn: t('map.zoomIn'),
    zoomOut: t('map.zoomOut'),
    substation: t('map.substation'),
    feeder: (name) => t('map.feederTip', { name }),
    transformerPopup: (p, inOutage) => popup([
      [p.id, 'strong'],
      [t(`map.states.${transformerState(p.loading, inOutage)}`)],
      [t('map.popupLoad', { kw: p.kw === null ? '–' : f.num(p.kw, 1), rating: f.num(p.ratingKva), loading: p.loading === null ? '–' : f.percent(p.loading, 0) })],
      [t('map.popupMeters', { meters: f.num(p.meters), feeder: p.feederId })],
    ], [[`/transformers/${encodeURIComponent(p.id)}`, t('map.openTransformer')], ...(inOutage ? [['/outages', t('map.openOutages')] as [string, string]] : [])]),
    meterPopup: (id) => popup([[id, 'strong']], [[`/meters/${encodeURIComponent(id)}`, t('map.openMeter')]]),
  }), [t, f]);

  const d = data.data;
  const counts = useMemo(() => {
    const c: Record<TransformerState, number> = { normal: 0, high: 0, overloaded: 0, unknown: 0, outage: 0 };
    for (const x of transformers) c[transformerState(x.loading, out.has(x.id))]++;
    return c;
  }, [transformers, out]);

  return (
    <section aria-labelledby="map-title">
      <h1 id="map-title">{t('map.title')}</h1>
      <p className="muted">{t('map.intro')}</p>
      <ErrorNote error={data.error} />
      {!d && !data.error && <p role="status">{t('common.loading')}</p>}
      {d && (
        <>
          <p id="map-summary" className="summary" data-testid="map-summary">
            {t('map.summary', {
              transformers: f.num(transformers.length), normal: f.num(counts.normal), high: f.num(counts.high), overloaded: f.num(counts.overloaded),
              unknown: f.num(counts.unknown), outage: f.num(counts.outage), time: f.time(d.map.at),
            })}{' '}<a href="#transformer-table">{t('map.toTable')}</a>
          </p>
          <div className="map-layout">
            <div ref={mapBox} className="map-box">
              <NetworkMap map={d.map} outageTransformers={out} meters={meters} texts={texts} onView={onView} focus={focus} />
              <p className="hint" role="status" data-testid="map-meters">
                {showAll ? (allMeters.data ? t('map.metersAll', { value: f.num(meters.length) }) : t('common.loading'))
                  : zoomedOut && meters.length === 0 ? t('map.metersZoom') : t('map.metersInView', { value: f.num(meters.length) })}
              </p>
              {d.total > ALL_METERS_UP_TO && (
                <p className="inline">
                  <input id="every-meter" type="checkbox" checked={everyMeter} onChange={(e) => setEveryMeter(e.target.checked)} />
                  <label htmlFor="every-meter">{t('map.everyMeter', { value: f.num(d.total) })}</label>
                </p>
              )}
            </div>
            <Legend />
          </div>
          <TransformerTable transformers={transformers} outages={out} onShow={show} />
        </>
      )}
    </section>
  );
}

/** Popup content as DOM nodes: Leaflet takes an element, and its links go through the app's router. */
function popup(lines: ([string] | [string, 'strong'])[], links: [string, string][]): HTMLElement {
  const el = document.createElement('div');
  el.className = 'map-popup';
  for (const [text, how] of lines) {
    const p = document.createElement(how === 'strong' ? 'strong' : 'p');
    p.textContent = text;
    el.appendChild(p);
  }
  for (const [href, label] of links) {
    const p = document.createElement('p');
    const a = document.createElement('a');
    a.href = withLang(href);
    a.textContent = label;
    a.addEventListener('click', (e) => { if (e.button === 0 && !e.ctrlKey && !e.metaKey) { e.preventDefault(); navigate(href); } });
    p.appendChild(a);
    el.appendChild(p);
  }
  return el;
}

function Legend() {
  const { t } = useTranslation();
  return (
    <aside className="map-legend" aria-labelledby="legend-title">
      <h2 id="legend-title">{t('map.legend')}</h2>
      <h3>{t('map.legendTransformers')}</h3>
      <ul className="legend-list">
        {(['normal', 'high', 'overloaded', 'unknown', 'outage'] as const).map((s) => (
          <li key={s}><span className={`key tx-${s}`} aria-hidden="true" />{t(`map.legendStates.${s}`)}</li>
        ))}
      </ul>
      <h3>{t('map.legendOther')}</h3>
      <ul className="legend-list">
        <li><span className="key map-substation" aria-hidden="true" />{t('map.substation')}</li>
        <li><span className="key feeder" aria-hidden="true" />{t('map.feeder')}</li>
        <li><span className="key dot m-active" aria-hidden="true" />{t('map.meterActive')}</li>
        <li><span className="key dot m-other" aria-hidden="true" />{t('map.meterOther')}</li>
        <li><span className="key dot m-outage" aria-hidden="true" />{t('map.meterOutage')}</li>
      </ul>
    </aside>
  );
}

type SortKey = 'loading' | 'id' | 'meters';

function TransformerTable({ transformers, outages, onShow }: { transformers: readonly TransformerProps[]; outages: ReadonlySet<string>; onShow: (id: string) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [state, setState] = useState<TransformerState | 'all'>('all');
  const [q, setQ] = useState('');
  const [sort, setSort] = useState<SortKey>('loading');
  const [page, setPage] = useState(0);
  const rows = useMemo(() => {
    const r = transformers
      .map((x) => ({ ...x, state: transformerState(x.loading, outages.has(x.id)) }))
      .filter((x) => (state === 'all' || x.state === state) && (!q || x.id.toLowerCase().includes(q.toLowerCase()) || x.feederId.toLowerCase().includes(q.toLowerCase())));
    const rank = (s: TransformerState) => ['outage', 'overloaded', 'high', 'normal', 'unknown'].indexOf(s);
    r.sort((a, b) => (sort === 'id' ? a.id.localeCompare(b.id) : sort === 'meters' ? b.meters - a.meters
      : rank(a.state) - rank(b.state) || (b.loading ?? -1) - (a.loading ?? -1) || a.id.localeCompare(b.id)));
    return r;
  }, [transformers, outages, state, q, sort]);
  useEffect(() => setPage(0), [state, q, sort]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const shown = rows.slice(page * PAGE, (page + 1) * PAGE);
  return (
    <>
      <h2 id="transformer-table" tabIndex={-1}>{t('map.tableTitle')}</h2>
      <div className="inline" role="group" aria-label={t('map.tableFilter')}>
        <label htmlFor="tx-q">{t('map.tableSearch')}</label>
        <input id="tx-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
        <label htmlFor="tx-state">{t('map.tableState')}</label>
        <select id="tx-state" value={state} onChange={(e) => setState(e.target.value as TransformerState | 'all')}>
          <option value="all">{t('vee.all')}</option>
          {TRANSFORMER_STATES.map((s) => <option key={s} value={s}>{t(`map.states.${s}`)}</option>)}
        </select>
        <label htmlFor="tx-sort">{t('map.tableSort')}</label>
        <select id="tx-sort" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
          <option value="loading">{t('map.sortLoading')}</option>
          <option value="id">{t('map.sortId')}</option>
          <option value="meters">{t('map.sortMeters')}</option>
        </select>
      </div>
      <div className="table-wrap">
        <table data-testid="transformer-table">
          <caption>{t('map.tableCaption', { value: f.num(rows.length) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('map.transformer')}</th><th scope="col">{t('map.feeder')}</th><th scope="col">{t('map.state')}</th>
              <th scope="col">{t('map.load')}</th><th scope="col">{t('map.rating')}</th><th scope="col">{t('map.loading')}</th>
              <th scope="col">{t('map.meters')}</th><th scope="col"><span className="sr-only">{t('map.onMap')}</span></th>
            </tr>
          </thead>
          <tbody>
            {shown.map((x) => (
              <tr key={x.id}>
                <th scope="row"><Link href={`/transformers/${encodeURIComponent(x.id)}`}>{x.id}</Link></th>
                <td>{x.feederId}</td>
                <td><span className={`key tx-${x.state}`} aria-hidden="true" /> {t(`map.states.${x.state}`)}</td>
                <td>{x.kw === null ? '–' : t('units.value', { value: f.num(x.kw, 1), unit: t('units.kW') })}</td>
                <td>{t('units.value', { value: f.num(x.ratingKva), unit: t('units.kVA') })}</td>
                <td>{x.loading === null ? '–' : f.percent(x.loading, 0)}</td>
                <td>{f.num(x.meters)}</td>
                <td><button type="button" className="link" onClick={() => onShow(x.id)}>{t('map.showOnMap')}<span className="sr-only"> {x.id}</span></button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav className="pager" aria-label={t('map.tablePages')}>
          <button type="button" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>{t('common.previous')}</button>
          <span aria-live="polite">{t('common.range', { from: f.num(page * PAGE + 1), to: f.num(page * PAGE + shown.length), total: f.num(rows.length) })}</span>
          <button type="button" disabled={page >= pages - 1} onClick={() => setPage((p) => p + 1)}>{t('common.next')}</button>
        </nav>
      )}
    </>
  );
}

