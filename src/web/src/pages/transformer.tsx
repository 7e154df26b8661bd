import { useMemo, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlignedData, Options } from 'uplot';
import { api, type Page } from '../api.ts';
import { Chart, timeAxis } from '../chart.tsx';
import { addDays, localMidnight, todayIn, useFormat } from '../format.ts';
import { count, elapsedS, type Outage } from '../grid.ts';
import { Link, navigate, useRoute } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import { ErrorNote, useAsync } from '../use-async.tsx';

interface Point { start: string; kw: number | null; loading: number | null; vMin: number | null; vAvg: number | null; vMax: number | null }
export interface TransformerDetail {
  id: string; feederId: string; ratingKva: number; meters: number; metersByPhase: Record<'L1' | 'L2' | 'L3' | '3ph', number>;
  from: string; to: string; points: Point[]; peak: { kw: number; loading: number; at: string } | null;
  phases: { L1: number; L2: number; L3: number; unbalance: number };
  voltage: { readings: number; outside: number; outsideShare: number; minV: number | null; maxV: number | null };
}

/** EN 50160: 230 V ± 10 %. */
export const V_LOW = 207;
export const V_HIGH = 253;
const PERIODS = { day: 1, week: 7, month: 31 } as const;
type Period = keyof typeof PERIODS;
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function TransformerPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const { query } = useRoute();
  const period = (query.get('period') as Period | null) ?? 'week';
  const end = query.get('end') ?? todayIn(ZONE);
  const days = PERIODS[period] ?? 7;

  const detail = useAsync(async (signal) => {
    const from = localMidnight(addDays(end, 1 - days), ZONE);
    const to = Math.min(localMidnight(addDays(end, 1), ZONE), Math.floor(Date.now() / 900_000) * 900_000);
    if (to <= from) return null;
    return api.get<TransformerDetail>(`/grid/transformers/${encodeURIComponent(id)}`, { from: new Date(from).toISOString(), to: new Date(to).toISOString() }, signal);
  }, [id, end, days]);
  const outages = useAsync(async (signal) => (can(session, 'outages:read')
    ? (await api.get<Page<Outage>>('/outages', {}, signal)).items.filter((o) => o.transformerId === id) : []), [id]);

  const change = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const p = new URLSearchParams(location.search);
    for (const k of ['period', 'end']) p.set(k, String(form.get(k)));
    navigate(`/transformers/${encodeURIComponent(id)}?${p}`, true);
  };

  const d = detail.data;
  return (
    <section aria-labelledby="tx-title">
      <p><Link href="/map">{t('transformer.back')}</Link></p>
      <h1 id="tx-title">{t('transformer.title', { id })}</h1>
      <form className="inline range" onSubmit={change} aria-label={t('transformer.range')} key={`${period}|${end}`}>
        <label htmlFor="tx-period">{t('meter.period')}</label>
        <select id="tx-period" name="period" defaultValue={period}>
          {(Object.keys(PERIODS) as Period[]).map((p) => <option key={p} value={p}>{t(`meter.periods.${p}`)}</option>)}
        </select>
        <label htmlFor="tx-end">{t('meter.lastDay')}</label>
        <input id="tx-end" name="end" type="date" defaultValue={end} required />
        <button type="submit">{t('common.show')}</button>
      </form>
      <ErrorNote error={detail.error} />
      {detail.loading && !d && <p role="status">{t('common.loading')}</p>}
      {detail.data === null && <p>{t('meter.notStarted')}</p>}
      {d && (
        <>
          <dl className="facts">
            <dt>{t('map.feeder')}</dt><dd>{d.feederId}</dd>
            <dt>{t('map.rating')}</dt><dd>{t('units.value', { value: f.num(d.ratingKva), unit: t('units.kVA') })}</dd>
            <dt>{t('map.meters')}</dt><dd>{f.num(d.meters)}</dd>
            <dt>{t('transformer.byPhase')}</dt>
            <dd>{t('transformer.byPhaseValue', { l1: f.num(d.metersByPhase.L1), l2: f.num(d.metersByPhase.L2), l3: f.num(d.metersByPhase.L3), three: f.num(d.metersByPhase['3ph']) })}</dd>
          </dl>
          <p className="actions"><Link href={`/?transformer=${encodeURIComponent(d.id)}`}>{t('transformer.metersLink')}</Link></p>
          <LoadChart d={d} />
          <VoltageChart d={d} />
          <PhaseBars d={d} />
          {outages.data && (
            <>
              <h2 id="tx-outages">{t('transformer.outages')}</h2>
              {outages.data.length === 0 ? <p>{t('transformer.noOutages')}</p> : (
                <ul>
                  {outages.data.map((o) => (
                    <li key={o.id}>
                      <Link href={`/outages/${encodeURIComponent(o.id)}`}>{f.dateTime(o.start)}</Link>{' '}
                      {o.active ? t('outages.activeFor', { duration: duration(elapsedS(o), t) }) : t('outages.lasted', { duration: duration(elapsedS(o), t) })}
                      {' · '}{t('outages.metersValue', { value: f.num(count(o.meters)) })}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}

/** "1 h 5 min", "12 min", "40 s": units through i18n, no plural forms needed. */
export function duration(s: number, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (s < 60) return t('outages.seconds', { value: Math.round(s) });
  const m = Math.round(s / 60);
  if (m < 60) return t('outages.minutes', { value: m });
  const h = Math.floor(m / 60);
  return m % 60 ? `${t('outages.hours', { value: h })} ${t('outages.minutes', { value: m % 60 })}` : t('outages.hours', { value: h });
}

function LoadChart({ d }: { d: TransformerDetail }) {
  const { t } = useTranslation();
  const f = useFormat();
  const chart = useMemo(() => {
    const xs = d.points.map((p) => Date.parse(p.start) / 1000);
    const kw = d.points.map((p) => p.kw);
    const rating = d.points.map(() => d.ratingKva);
    const high = d.points.map(() => d.ratingKva * 0.8);
    const x = timeAxis(f.locale, undefined, t('chart.time'));
    const kwv = (_u: unknown, v: number | null) => (v == null ? '–' : t('units.value', { value: f.num(v, 1), unit: t('units.kW') }));
    const options: Omit<Options, 'width' | 'height'> = {
      series: [
        x.series,
        { label: t('transformer.loadSeries'), stroke: '#1f5fbf', fill: 'rgba(31,95,191,0.12)', width: 1.5, value: kwv },
        { label: t('transformer.ratingSeries'), stroke: '#a3001b', width: 2, dash: [8, 4], points: { show: false }, value: kwv },
        { label: t('transformer.highSeries'), stroke: '#8a4b00', width: 1, dash: [3, 3], points: { show: false }, value: kwv },
      ],
      axes: [x.axis, { size: 70, values: (_u, vals) => vals.map((v) => f.num(v)), label: t('units.kW') }],
      scales: { y: { range: (_u, min, max) => [Math.min(0, min), Math.max(max, d.ratingKva * 1.1)] } },
    };
    return { options, data: [xs, kw, rating, high] as AlignedData };
  }, [d, t, f.locale]);
  const withData = d.points.filter((p) => p.kw !== null);
  const over = withData.filter((p) => p.loading! >= 1).length;
  const high = withData.filter((p) => p.loading! >= 0.8 && p.loading! < 1).length;
  const avg = withData.length ? withData.reduce((s, p) => s + p.kw!, 0) / withData.length : null;
  return (
    <>
      <h2 id="load-title">{t('transformer.loadTitle')}</h2>
      <figure className="figure">
        <Chart options={chart.options} data={chart.data} label={t('transformer.loadTitle')} describedBy="tx-load-summary" height={260} />
        <figcaption id="tx-load-summary" data-testid="tx-load-summary">
          {d.peak === null ? t('transformer.noLoad') : t('transformer.loadSummary', {
            peak: t('units.value', { value: f.num(d.peak.kw, 1), unit: t('units.kW') }), loading: f.percent(d.peak.loading, 0), at: f.dateTime(d.peak.at),
            rating: t('units.value', { value: f.num(d.ratingKva), unit: t('units.kVA') }),
            avg: t('units.value', { value: f.num(avg ?? 0, 1), unit: t('units.kW') }), high: f.num(high), over: f.num(over), intervals: f.num(withData.length),
          })}
        </figcaption>
      </figure>
    </>
  );
}

function VoltageChart({ d }: { d: TransformerDetail }) {
  const { t } = useTranslation();
  const f = useFormat();
  const chart = useMemo(() => {
    const xs = d.points.map((p) => Date.parse(p.start) / 1000);
    const x = timeAxis(f.locale, undefined, t('chart.time'));
    const vv = (_u: unknown, v: number | null) => (v == null ? '–' : t('units.value', { value: f.num(v, 1), unit: t('units.V') }));
    const options: Omit<Options, 'width' | 'height'> = {
      series: [
        x.series,
        { label: t('transformer.vMax'), stroke: '#7a3fb0', width: 1, value: vv },
        { label: t('transformer.vAvg'), stroke: '#1b1f24', width: 1.5, value: vv },
        { label: t('transformer.vMin'), stroke: '#b35900', width: 1, value: vv },
        { label: t('transformer.vHigh'), stroke: '#a3001b', width: 1.5, dash: [8, 4], points: { show: false }, value: vv },
        { label: t('transformer.vLow'), stroke: '#a3001b', width: 1.5, dash: [8, 4], points: { show: false }, value: vv },
      ],
      bands: [{ series: [1, 3], fill: 'rgba(122,63,176,0.12)' }],
      axes: [x.axis, { size: 70, values: (_u, vals) => vals.map((v) => f.num(v)), label: t('units.V') }],
      scales: { y: { range: (_u, min, max) => [Math.min(min || V_LOW, V_LOW - 8), Math.max(max || V_HIGH, V_HIGH + 8)] } },
    };
    return {
      options,
      data: [xs, d.points.map((p) => p.vMax), d.points.map((p) => p.vAvg), d.points.map((p) => p.vMin), xs.map(() => V_HIGH), xs.map(() => V_LOW)] as AlignedData,
    };
  }, [d, t, f.locale]);
  const v = d.voltage;
  return (
    <>
      <h2 id="voltage-title">{t('transformer.voltageTitle')}</h2>
      <figure className="figure">
        <Chart options={chart.options} data={chart.data} label={t('transformer.voltageTitle')} describedBy="tx-voltage-summary" height={240} />
        <figcaption id="tx-voltage-summary" data-testid="tx-voltage-summary">
          {v.readings === 0 ? t('transformer.noVoltage') : t('transformer.voltageSummary', {
            readings: f.num(v.readings), outside: f.num(v.outside), share: f.percent(v.outsideShare, 2),
            min: t('units.value', { value: f.num(v.minV ?? 0, 1), unit: t('units.V') }), max: t('units.value', { value: f.num(v.maxV ?? 0, 1), unit: t('units.V') }),
            low: f.num(V_LOW), high: f.num(V_HIGH),
          })}{' '}{v.readings > 0 && (v.outsideShare <= 0.05 ? t('transformer.voltageOk') : t('transformer.voltageBad'))}
        </figcaption>
      </figure>
    </>
  );
}

function PhaseBars({ d }: { d: TransformerDetail }) {
  const { t } = useTranslation();
  const f = useFormat();
  const phases = (['L1', 'L2', 'L3'] as const).map((p) => [p, d.phases[p]] as const);
  const max = Math.max(1e-9, ...phases.map(([, v]) => v));
  const kwh = (v: number) => t('units.value', { value: f.num(v, 1), unit: t('units.kWh') });
  return (
    <>
      <h2 id="phase-title">{t('transformer.phaseTitle')}</h2>
      <div className="hbars" role="img" aria-labelledby="phase-title" aria-describedby="tx-phase-summary">
        {phases.map(([p, v]) => (
          <div className="hbar" key={p}>
            <span className="hbar-label" aria-hidden="true">{p}</span>
            <span className="hbar-track" aria-hidden="true"><span className="hbar-fill" style={{ width: `${(v / max) * 100}%` }} /></span>
            <span className="hbar-value" aria-hidden="true">{kwh(v)}</span>
          </div>
        ))}
      </div>
      <p id="tx-phase-summary" data-testid="tx-phase-summary">
        {t('transformer.phaseSummary', { l1: kwh(d.phases.L1), l2: kwh(d.phases.L2), l3: kwh(d.phases.L3), unbalance: f.percent(d.phases.unbalance, 0) })}{' '}
        {d.phases.unbalance > 0.3 ? t('transformer.unbalanced') : t('transformer.balanced')}
      </p>
    </>
  );
}
