import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlignedData, Options } from 'uplot';
import { api, type Page } from '../api.ts';
import { Chart, shadeSpans, timeAxis } from '../chart.tsx';
import { addDays, localMidnight, todayIn, useFormat } from '../format.ts';
import { Link, navigate, useRoute } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import { ErrorNote, useAsync } from '../use-async.tsx';

interface Channel { obis: string; unit: string; intervalS: number; name?: string }
interface Meter {
  id: string; kind: string; status: string; vendor?: string; model?: string; firmware?: string; protocol?: string; premise?: string;
  grid?: { feederId?: string; transformerId?: string; phase?: string }; timeZone: string; tags: string[];
}
interface Series { meter: string; channel: string; unit: string; zone: string; start: string; intervalS: number; values: (number | null)[]; quality: string }
interface Register { channel: string; unit: string; at?: string; value?: number; quality?: string }
interface MeterEvent { at: string; code: number; cimType?: string }

export const PERIODS = { day: 1, week: 7, month: 31, year: 365 } as const;
type Period = keyof typeof PERIODS;
const ESTIMATED = new Set(['S', 'E', 'F']);
const IMPORT = '1-0:1.8.0.255';

/** Counts and totals of a series by quality: the chart's text alternative is built from these. */
export function tally(s: Series) {
  let actual = 0, estimated = 0, missing = 0, total = 0, top = -1;
  for (let i = 0; i < s.values.length; i++) {
    const q = s.quality[i]!;
    const v = s.values[i];
    if (q === 'N' || v == null) { missing++; continue; }
    if (ESTIMATED.has(q)) estimated++; else actual++;
    total += v;
    if (top < 0 || v > s.values[top]!) top = i;
  }
  return { actual, estimated, missing, total, top };
}

export function MeterPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const { query } = useRoute();
  const detail = useAsync(() => api.get<{ meter: Meter; channels: Channel[] }>(`/meters/${encodeURIComponent(id)}`), [id]);
  const meter = detail.data?.meter;
  const interval = detail.data?.channels.filter((c) => c.intervalS > 0) ?? [];
  const period = (query.get('period') as Period | null) ?? 'week';
  const channel = query.get('channel') ?? (interval.some((c) => c.obis === IMPORT) ? IMPORT : interval[0]?.obis);
  const end = query.get('end') ?? (meter ? todayIn(meter.timeZone) : undefined);

  const change = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const p = new URLSearchParams(location.search);
    for (const k of ['channel', 'period', 'end']) p.set(k, String(form.get(k)));
    navigate(`/meters/${encodeURIComponent(id)}?${p}`, true);
  };

  return (
    <section aria-labelledby="meter-title">
      <p><Link href="/">{t('meter.back')}</Link></p>
      <h1 id="meter-title">{t('meter.title', { id })}</h1>
      <ErrorNote error={detail.error} />
      {meter && detail.data && (
        <>
          <dl className="facts">
            <dt>{t('meter.kind')}</dt><dd>{t(`values.${meter.kind}`, { defaultValue: meter.kind })}</dd>
            <dt>{t('meter.status')}</dt><dd>{t(`values.${meter.status}`, { defaultValue: meter.status })}</dd>
            <dt>{t('meter.vendorModel')}</dt><dd>{[meter.vendor, meter.model].filter(Boolean).join(' ') || '–'}</dd>
            <dt>{t('meter.firmware')}</dt><dd>{meter.firmware ?? '–'}</dd>
            <dt>{t('meter.protocol')}</dt><dd>{meter.protocol ?? '–'}</dd>
            <dt>{t('meter.premise')}</dt><dd>{meter.premise ?? '–'}</dd>
            <dt>{t('meter.feeder')}</dt><dd>{meter.grid?.feederId ?? '–'}</dd>
            <dt>{t('meter.transformer')}</dt><dd>{meter.grid?.transformerId
              ? (can(session, 'readings:read') ? <Link href={`/transformers/${encodeURIComponent(meter.grid.transformerId)}`}>{meter.grid.transformerId}</Link> : meter.grid.transformerId) : '–'}</dd>
            <dt>{t('meter.phase')}</dt><dd>{meter.grid?.phase ?? '–'}</dd>
            <dt>{t('meter.zone')}</dt><dd>{meter.timeZone}</dd>
            <dt>{t('meter.tags')}</dt><dd>{meter.tags.map((x) => t(`values.${x}`, { defaultValue: x })).join(', ') || '–'}</dd>
          </dl>
          <p className="actions">
            {meter.premise && can(session, 'portal:read') && (
              <Link href={`/portal?premise=${encodeURIComponent(meter.premise)}`}>{t('meter.customerView')}</Link>
            )}
            {can(session, 'vee:read') && <Link href={`/vee?meter=${encodeURIComponent(meter.id)}`}>{t('meter.exceptions')}</Link>}
          </p>
          <h2 id="readings-title">{t('meter.readings')}</h2>
          {interval.length === 0 ? <p>{t('meter.noInterval')}</p> : (
            <>
              <form className="inline range" onSubmit={change} aria-labelledby="readings-title" key={`${channel}|${period}|${end}`}>
                <label htmlFor="m-channel">{t('meter.channel')}</label>
                <select id="m-channel" name="channel" defaultValue={channel}>
                  {interval.map((c) => <option key={c.obis} value={c.obis}>{t(`obis.${c.obis.replace(/[.:]/g, '_')}`, { defaultValue: c.obis })} ({c.obis})</option>)}
                </select>
                <label htmlFor="m-period">{t('meter.period')}</label>
                <select id="m-period" name="period" defaultValue={period}>
                  {(Object.keys(PERIODS) as Period[]).map((p) => <option key={p} value={p}>{t(`meter.periods.${p}`)}</option>)}
                </select>
                <label htmlFor="m-end">{t('meter.lastDay')}</label>
                <input id="m-end" name="end" type="date" defaultValue={end} required />
                <button type="submit">{t('common.show')}</button>
              </form>
              {channel && end && <IntervalChart meter={meter} channel={channel} period={period} end={end} />}
            </>
          )}
          <Configuration channels={detail.data.channels} />
          <Registers id={meter.id} />
          <Events meter={meter} />
          {can(session, 'vee:read') && <CommHistory meter={meter} />}
          {can(session, 'audit:read') && <DeviceLog meter={meter} />}
        </>
      )}
    </section>
  );
}

function IntervalChart({ meter, channel, period, end }: { meter: Meter; channel: string; period: Period; end: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const started = useRef(0);
  const [renderMs, setRenderMs] = useState<number | null>(null);
  const series = useAsync(async (signal) => {
    started.current = performance.now();
    performance.mark('meter-chart-start');
    setRenderMs(null);
    const from = localMidnight(addDays(end, 1 - PERIODS[period]), meter.timeZone);
    const to = Math.min(localMidnight(addDays(end, 1), meter.timeZone), Math.floor(Date.now() / 900_000) * 900_000);
    if (to <= from) return null;
    return api.get<Series>(`/meters/${encodeURIComponent(meter.id)}/series`, { channel, from: new Date(from).toISOString(), to: new Date(to).toISOString() }, signal);
  }, [meter.id, channel, period, end]);
  const s = series.data;

  const chart = useMemo(() => {
    if (!s) return null;
    const n = s.values.length;
    const start = Date.parse(s.start) / 1000;
    const xs = new Float64Array(n);
    const actual: (number | null)[] = new Array(n);
    const est: (number | null)[] = new Array(n);
    const missing: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const x = start + i * s.intervalS;
      xs[i] = x;
      const q = s.quality[i]!;
      const v = s.values[i] ?? null;
      actual[i] = q !== 'N' && !ESTIMATED.has(q) ? v : null;
      est[i] = ESTIMATED.has(q) ? v : null;
      if (q === 'N') {
        const lastSpan = missing[missing.length - 1];
        if (lastSpan && lastSpan[1] === x) lastSpan[1] = x + s.intervalS; else missing.push([x, x + s.intervalS]);
      }
    }
    const unit = t(`units.${s.unit}`, { defaultValue: s.unit });
    const x = timeAxis(f.locale, meter.timeZone, t('chart.time'));
    const options: Omit<Options, 'width' | 'height'> = {
      hooks: { drawClear: [shadeSpans(missing, 'rgba(200,40,40,0.16)')] },
      series: [
        x.series,
        { label: t('meter.actualSeries', { unit }), stroke: '#1f5fbf', width: 1.25, value: (_u, v) => (v == null ? '–' : f.num(v)) },
        { label: t('meter.estimatedSeries', { unit }), stroke: '#b35900', width: 1.5, dash: [6, 4], points: { show: n <= 3000, size: 5, fill: '#fff', stroke: '#b35900' }, value: (_u, v) => (v == null ? '–' : f.num(v)) },
      ],
      axes: [x.axis, { size: 70, values: (_u, vals) => vals.map((v) => f.num(v)) }],
      cursor: { drag: { x: true, y: false } },
    };
    return { options, data: [xs as unknown as number[], actual, est] as AlignedData };
  }, [s, meter.timeZone, t, f.locale]);

  const drawn = () => {
    performance.mark('meter-chart-end');
    performance.measure('meter-chart', 'meter-chart-start', 'meter-chart-end');
    setRenderMs(Math.round(performance.now() - started.current));
  };

  const sum = s ? tally(s) : null;
  const unit = s ? t(`units.${s.unit}`, { defaultValue: s.unit }) : '';
  const startMs = s ? Date.parse(s.start) : 0;
  return (
    <>
      <ErrorNote error={series.error} />
      <figure className="figure" data-render-ms={renderMs ?? undefined} data-intervals={s?.values.length}>
        {chart && <Chart options={chart.options} data={chart.data} label={t('meter.chartLabel', { channel: s!.channel, id: meter.id })} describedBy="chart-summary" onDrawn={drawn} />}
        <figcaption id="chart-summary">
          {series.loading ? t('common.loading') : series.data === null ? t('meter.notStarted') : s && sum && (s.values.length === 0 ? t('meter.noIntervals') : t('meter.summary', {
            intervals: f.num(s.values.length), from: f.dateTime(startMs, meter.timeZone),
            to: f.dateTime(startMs + s.values.length * s.intervalS * 1000, meter.timeZone), zone: meter.timeZone,
            actual: f.num(sum.actual), estimated: f.num(sum.estimated), missing: f.num(sum.missing), total: `${f.num(sum.total)} ${unit}`,
          }) + (sum.top >= 0 ? ` ${t('meter.highest', { value: `${f.num(s.values[sum.top]!)} ${unit}`, at: f.dateTime(startMs + (sum.top + 1) * s.intervalS * 1000, meter.timeZone) })}` : ''))}
        </figcaption>
      </figure>
      <ul className="legend" aria-label={t('meter.legend')}>
        <li><span className="swatch actual" aria-hidden="true" />{t('meter.legendActual')}</li>
        <li><span className="swatch estimated" aria-hidden="true" />{t('meter.legendEstimated')}</li>
        <li><span className="swatch missing" aria-hidden="true" />{t('meter.legendMissing')}</li>
      </ul>
      {s && s.values.length > 0 && <DailyTable s={s} zone={meter.timeZone} />}
    </>
  );
}

/** The chart as a table, per local day; built only when opened (a year is 365 rows). */
function DailyTable({ s, zone }: { s: Series; zone: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [open, setOpen] = useState(false);
  const rows = useMemo(() => {
    if (!open) return [];
    const days = new Map<string, { total: number; actual: number; estimated: number; missing: number; at: number }>();
    const start = Date.parse(s.start);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    for (let i = 0; i < s.values.length; i++) {
      const at = start + i * s.intervalS * 1000;
      const key = day.format(at);
      let d = days.get(key);
      if (!d) days.set(key, (d = { total: 0, actual: 0, estimated: 0, missing: 0, at }));
      const q = s.quality[i]!;
      if (q === 'N') { d.missing++; continue; }
      d.total += s.values[i] ?? 0;
      if (ESTIMATED.has(q)) d.estimated++; else d.actual++;
    }
    return [...days.values()];
  }, [open, s, zone]);
  const unit = t(`units.${s.unit}`, { defaultValue: s.unit });
  return (
    <details className="data-table" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{t('meter.tableToggle')}</summary>
      {open && (
        <div className="table-wrap">
          <table>
            <caption>{t('meter.tableCaption', { unit })}</caption>
            <thead><tr><th scope="col">{t('meter.commDay')}</th><th scope="col">{t('meter.total')}</th><th scope="col">{t('meter.actual')}</th><th scope="col">{t('meter.estimated')}</th><th scope="col">{t('meter.missing')}</th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.at}><th scope="row">{f.date(r.at, zone)}</th><td>{f.num(r.total)}</td><td>{f.num(r.actual)}</td><td>{f.num(r.estimated)}</td><td>{f.num(r.missing)}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}

function Registers({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const regs = useAsync(() => api.get<{ items: Register[] }>(`/meters/${encodeURIComponent(id)}/registers`), [id]);
  return (
    <>
      <h2 id="registers-title">{t('meter.registers')}</h2>
      <ErrorNote error={regs.error} />
      {regs.data && (regs.data.items.length === 0 ? <p>{t('meter.noRegisters')}</p> : (
        <div className="table-wrap">
          <table aria-labelledby="registers-title">
            <thead><tr><th scope="col">{t('meter.channel')}</th><th scope="col">{t('meter.value')}</th><th scope="col">{t('meter.readAt')}</th></tr></thead>
            <tbody>
              {regs.data.items.map((r) => (
                <tr key={r.channel}>
                  <th scope="row">{t(`obis.${r.channel.replace(/[.:]/g, '_')}`, { defaultValue: r.channel })} <span className="muted">({r.channel})</span></th>
                  <td>{r.value !== undefined ? `${f.num(r.value)} ${t(`units.${r.unit}`, { defaultValue: r.unit })}` : '–'}</td>
                  <td>{r.at ? f.dateTime(r.at) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}

function Events({ meter }: { meter: Meter }) {
  const { t } = useTranslation();
  const f = useFormat();
  const events = useAsync(() => {
    const to = Date.now();
    return api.get<Page<MeterEvent>>(`/meters/${encodeURIComponent(meter.id)}/events`, { from: new Date(to - 30 * 86_400_000).toISOString(), to: new Date(to).toISOString(), limit: 50 });
  }, [meter.id]);
  return (
    <>
      <h2 id="events-title">{t('meter.events')}</h2>
      <ErrorNote error={events.error} />
      {events.data && (events.data.items.length === 0 ? <p>{t('meter.noEvents')}</p> : (
        <div className="table-wrap">
          <table aria-labelledby="events-title">
            <thead><tr><th scope="col">{t('meter.when')}</th><th scope="col">{t('meter.event')}</th><th scope="col">{t('meter.code')}</th></tr></thead>
            <tbody>
              {events.data.items.map((e, i) => (
                <tr key={`${e.at}-${e.code}-${i}`}>
                  <th scope="row">{f.dateTime(e.at, meter.timeZone)}</th>
                  <td>{t(`eventCodes.${e.code}`, { defaultValue: e.cimType ?? t('meter.eventCode', { code: e.code }) })}</td>
                  <td>{e.code}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}

interface DayQuality { date: string; expected: number; present: number; actual: number; estimated: number; arrived?: number; onTime?: number }
const COMM_DAYS = 14;
const ON_TIME_H = 4;

/** How the meter's data came in, day by day: what arrived, how much of it was estimated, how much within a few hours. */
function CommHistory({ meter }: { meter: Meter }) {
  const { t } = useTranslation();
  const f = useFormat();
  const quality = useAsync(() => {
    const to = Math.floor(Date.now() / 900_000) * 900_000;
    return api.get<{ days: DayQuality[] }>('/vee/quality', {
      meter: meter.id, from: new Date(to - COMM_DAYS * 86_400_000).toISOString(), to: new Date(to).toISOString(), withinH: ON_TIME_H,
    });
  }, [meter.id]);
  const days = [...(quality.data?.days ?? [])].reverse();
  return (
    <>
      <h2 id="comm-title">{t('meter.comm')}</h2>
      <ErrorNote error={quality.error} />
      {quality.data && (days.length === 0 ? <p>{t('meter.noComm')}</p> : (
        <div className="table-wrap">
          <table aria-labelledby="comm-title">
            <caption>{t('meter.commCaption', { hours: f.num(ON_TIME_H) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('meter.commDay')}</th><th scope="col">{t('meter.received')}</th><th scope="col">{t('meter.estimatedCount')}</th>
                <th scope="col">{t('meter.onTime')}</th>
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d.date} className={d.present < d.expected ? 'short' : undefined}>
                  <th scope="row">{f.date(d.date, 'UTC')}</th>
                  <td>{t('meter.ofExpected', { value: f.num(d.present), expected: f.num(d.expected) })}</td>
                  <td>{f.num(d.estimated)}</td>
                  <td>{d.arrived ? t('meter.ofArrived', { value: f.num(d.onTime ?? 0), arrived: f.num(d.arrived) }) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}

interface AuditEntry { seq: number; at: string; actor: string; action: string; object: string; details?: Record<string, unknown> }

/** What the platform did with or heard about this meter (security refusals, commands, firmware): its audit entries. */
function DeviceLog({ meter }: { meter: Meter }) {
  const { t } = useTranslation();
  const f = useFormat();
  const log = useAsync(async () => {
    const [byMeter, byDevice] = await Promise.all([
      api.get<Page<AuditEntry>>('/audit', { object: `meter/${meter.id}`, limit: 1000 }),
      api.get<Page<AuditEntry>>('/audit', { object: `mqtt/${meter.id}`, limit: 1000 }),
    ]);
    // The filter is a prefix: meter/E1 would also find meter/E10.
    const mine = new Set([`meter/${meter.id}`, `mqtt/${meter.id}`]);
    return [...byMeter.items, ...byDevice.items].filter((e) => mine.has(e.object)).sort((a, b) => b.seq - a.seq).slice(0, 20);
  }, [meter.id]);
  return (
    <>
      <h2 id="devlog-title">{t('meter.deviceLog')}</h2>
      <ErrorNote error={log.error} />
      {log.data && (log.data.length === 0 ? <p>{t('meter.noDeviceLog')}</p> : (
        <div className="table-wrap">
          <table aria-labelledby="devlog-title">
            <thead><tr><th scope="col">{t('meter.when')}</th><th scope="col">{t('audit.action')}</th><th scope="col">{t('audit.actor')}</th><th scope="col">{t('audit.details')}</th></tr></thead>
            <tbody>
              {log.data.map((e) => (
                <tr key={e.seq}>
                  <th scope="row">{f.dateTime(e.at, meter.timeZone)}</th><td>{e.action}</td><td>{e.actor}</td>
                  <td className="details">{e.details ? JSON.stringify(e.details) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}

/** What the meter is set up to send: its channels, their units and interval lengths. */
function Configuration({ channels }: { channels: readonly Channel[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <>
      <h2 id="config-title">{t('meter.config')}</h2>
      <div className="table-wrap">
        <table aria-labelledby="config-title">
          <thead><tr><th scope="col">{t('meter.channel')}</th><th scope="col">{t('meter.unit')}</th><th scope="col">{t('meter.interval')}</th></tr></thead>
          <tbody>
            {channels.map((c) => (
              <tr key={c.obis}>
                <th scope="row">{t(`obis.${c.obis.replace(/[.:]/g, '_')}`, { defaultValue: c.name ?? c.obis })} <span className="muted">({c.obis})</span></th>
                <td>{t(`units.${c.unit}`, { defaultValue: c.unit })}</td>
                <td>{c.intervalS > 0 ? t('meter.minutes', { value: f.num(c.intervalS / 60) }) : t('meter.registerOnly')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
