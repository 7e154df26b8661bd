import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, url } from '../api.ts';
import { addDays, localMidnight, todayIn, useFormat, type Format } from '../format.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { listen } from '../sse.ts';
import { ErrorNote, useAsync } from '../use-async.tsx';
import { AdvicePage } from './portal-advice.tsx';
import { BillPage } from './portal-bill.tsx';
import { OutageBanner, OutageStatus } from './portal-outage.tsx';
import { SharingPage } from './portal-sharing.tsx';
import { PeakBanner, PortalEventsPage } from './portal-events.tsx';
import { TableAlternative } from '../table-alternative.tsx';

interface PortalMeters { premise: string; zone: string; meters: { meter: { id: string; kind: string; tags: string[] }; channels: { obis: string }[] }[] }
interface Bucket { label: string; start: string; end: string; total: number; intervals: number; expected: number; estimated: number; missing: number; lastYear: number | null; similar?: number | null; future: boolean }
interface Similar { profile: string[]; homes: number; contributing: number; minimum: number; total: number | null }
interface Usage { premise: string; zone: string; period: Period; date: string; from: string; to: string; total: number; lastYearTotal: number | null; buckets: Bucket[]; similar?: Similar }
interface Live { premise: string; at: string; meters: { meter: string; today: number; latest: { end: string; wh: number; watts: number; quality: string } | null }[] }

const PERIODS = ['day', 'week', 'month', 'year'] as const;
type Period = (typeof PERIODS)[number];

function shift(date: string, period: Period, n: number): string {
  if (period === 'day') return addDays(date, n);
  if (period === 'week') return addDays(date, 7 * n);
  const d = new Date(`${date}T00:00:00Z`);
  if (period === 'month') d.setUTCMonth(d.getUTCMonth() + n, 1);
  else d.setUTCFullYear(d.getUTCFullYear() + n, 0, 1);
  return d.toISOString().slice(0, 10);
}

function bucketLabel(b: Bucket, period: Period, f: Format, zone: string): string {
  if (period === 'day') return f.time(b.start, zone);
  if (period === 'year') return new Intl.DateTimeFormat(f.locale, { month: 'short', timeZone: zone }).format(Date.parse(b.start));
  return period === 'week' ? f.weekday(b.start, zone) : new Intl.DateTimeFormat(f.locale, { day: 'numeric', timeZone: zone }).format(Date.parse(b.start));
}

/** The portal's own pages, under /portal; `?premise=` (operators) is kept on every link. */
const PORTAL_PAGES = [
  { path: '/portal', key: 'usage' },
  { path: '/portal/bill', key: 'bill' },
  { path: '/portal/advice', key: 'advice' },
  { path: '/portal/outage', key: 'outage' },
  { path: '/portal/sharing', key: 'sharing', label: 'consent.portal.nav' },
  { path: '/portal/events', key: 'events', label: 'dr.portal.nav' },
] as const;

export function PortalPage({ premise, path }: { premise?: string; path: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const operatorView = session.role !== 'customer';
  const meters = useAsync(() => api.get<PortalMeters>('/portal/meters', { premise }), [premise]);
  const heading = useRef<HTMLHeadingElement>(null);
  const page = PORTAL_PAGES.find((p) => p.path === path.replace(/\/$/, '')) ?? PORTAL_PAGES[0];
  const q = premise ? `?premise=${encodeURIComponent(premise)}` : '';
  return (
    <section aria-labelledby="portal-title" className="portal">
      <h1 id="portal-title" ref={heading}>{t('label' in page ? page.label : `portal.pages.${page.key}`)}</h1>
      {operatorView && (
        <p className="notice" role="note">
          {premise ? t('portal.operatorView', { premise }) : t('portal.operatorPick')}{' '}
          <Link href="/">{t('portal.backToConsole')}</Link>
        </p>
      )}
      {operatorView && !premise ? null : (
        <>
          <nav className="subnav" aria-label={t('portal.pagesLabel')}>
            <ul>
              {PORTAL_PAGES.map((p) => (
                <li key={p.key}><Link href={`${p.path}${q}`} aria-current={p === page ? 'page' : undefined}>{t('label' in p ? p.label : `portal.pages.${p.key}`)}</Link></li>
              ))}
            </ul>
          </nav>
          <ErrorNote error={meters.error} />
          {meters.data && (
            <>
              <p className="muted">{t('portal.premise', { premise: meters.data.premise, meters: meters.data.meters.map((m) => m.meter.id).join(', ') })}</p>
              {page.key !== 'outage' && <OutageBanner premise={premise} />}
              {page.key !== 'events' && <PeakBanner premise={premise} />}
              {page.key === 'usage' && (
                <>
                  <LiveNow premise={premise} />
                  <UsageView premise={premise} zone={meters.data.zone} />
                  <Download premise={premise} zone={meters.data.zone} meters={meters.data.meters.map((m) => m.meter.id)} />
                </>
              )}
              {page.key === 'bill' && <BillPage premise={premise} />}
              {page.key === 'advice' && <AdvicePage premise={premise} zone={meters.data.zone} />}
              {page.key === 'outage' && <OutageStatus premise={premise} />}
              {page.key === 'sharing' && <SharingPage premise={premise} />}
              {page.key === 'events' && <PortalEventsPage premise={premise} zone={meters.data.zone} />}
            </>
          )}
        </>
      )}
    </section>
  );
}

function LiveNow({ premise }: { premise?: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [live, setLive] = useState<Live | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    listen('/portal/live', { premise }, (event, data) => { if (event === 'reading') setLive(data as Live); }, ctl.signal);
    return () => ctl.abort();
  }, [premise]);
  const latest = live?.meters.map((m) => m.latest).filter((x) => x !== null).sort((a, b) => Date.parse(b!.end) - Date.parse(a!.end))[0] ?? null;
  const watts = live?.meters.reduce((s, m) => s + (m.latest?.watts ?? 0), 0) ?? 0;
  const today = live?.meters.reduce((s, m) => s + m.today, 0) ?? 0;
  return (
    <section aria-labelledby="live-title" className="cards live-now">
      <h2 id="live-title" className="sr-only">{t('portal.liveTitle')}</h2>
      <div className="card">
        <h3>{t('portal.now')}</h3>
        <p className="big" data-testid="portal-power">{live ? (latest ? f.power(watts) : '–') : t('common.loading')}</p>
        <p className="hint">{latest ? t('portal.nowHint', { time: f.time(latest.end) }) : live ? t('portal.noLive') : ''}</p>
      </div>
      <div className="card">
        <h3>{t('portal.today')}</h3>
        <p className="big">{live ? f.energy(today) : t('common.loading')}</p>
        <p className="hint" role="status">{live ? t('portal.updated', { time: f.time(live.at) }) : ''}</p>
      </div>
    </section>
  );
}

function UsageView({ premise, zone }: { premise?: string; zone: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [period, setPeriod] = useState<Period>('week');
  const [date, setDate] = useState(() => todayIn(zone));
  const usage = useAsync(() => api.get<Usage>('/portal/usage', { premise, period, date }), [premise, period, date]);
  const u = usage.data;
  const max = useMemo(() => Math.max(1, ...(u?.buckets.flatMap((b) => [b.total, b.lastYear ?? 0, b.similar ?? 0]) ?? [1])), [u]);
  const change = u && u.lastYearTotal ? (u.total - u.lastYearTotal) / u.lastYearTotal : null;
  const title = u ? periodTitle(u, f, t) : '';
  const every = u ? Math.ceil(u.buckets.length / 12) : 1;

  return (
    <section aria-labelledby="usage-title">
      <h2 id="usage-title">{t('portal.usageTitle')}</h2>
      <div className="period-bar">
        <div role="group" aria-label={t('portal.period')} className="segmented">
          {PERIODS.map((p) => (
            <button key={p} type="button" aria-pressed={period === p} onClick={() => setPeriod(p)}>{t(`portal.periods.${p}`)}</button>
          ))}
        </div>
        <div role="group" aria-label={t('portal.navigate')} className="stepper">
          <button type="button" onClick={() => setDate((d) => shift(d, period, -1))}>{t(`portal.previous.${period}`)}</button>
          <button type="button" onClick={() => setDate(todayIn(zone))}>{t('portal.current')}</button>
          <button type="button" onClick={() => setDate((d) => shift(d, period, 1))}>{t(`portal.next.${period}`)}</button>
        </div>
      </div>
      <ErrorNote error={usage.error} />
      {u && (
        <>
          <h3 aria-live="polite">{title}</h3>
          <p id="usage-summary" className="summary">
            {t('portal.total', { value: f.energy(u.total) })}{' '}
            {change === null ? t('portal.noLastYear') : t(change <= 0 ? 'portal.less' : 'portal.more', { pct: f.percent(Math.abs(change), 0), value: f.energy(u.lastYearTotal!) })}
            {u.buckets.some((b) => b.estimated > 0) && ` ${t('portal.someEstimated')}`}
          </p>
          {u.similar && <SimilarNote u={u} s={u.similar} />}
          <div className="bars" role="img" aria-label={t('portal.chartLabel', { period: title })} aria-describedby="usage-summary">
            {u.buckets.map((b, i) => (
              <div className="col" key={b.label}>
                <div className="pair">
                  <span className="bar last" style={{ height: `${((b.lastYear ?? 0) / max) * 100}%` }} />
                  <span className={`bar now${b.estimated > 0 ? ' est' : ''}`} style={{ height: `${(b.total / max) * 100}%` }} />
                  {b.similar != null && <span className="similar-mark" style={{ bottom: `${(b.similar / max) * 100}%` }} />}
                </div>
                <span className="tick" aria-hidden="true">{i % every === 0 ? bucketLabel(b, u.period, f, u.zone) : ''}</span>
              </div>
            ))}
          </div>
          <ul className="legend">
            <li><span className="swatch now" aria-hidden="true" />{t('portal.thisYear')}</li>
            <li><span className="swatch last" aria-hidden="true" />{t('portal.lastYear')}</li>
            {u.buckets.some((b) => b.similar != null) && <li><span className="swatch similar" aria-hidden="true" />{t('portal.similarLegend')}</li>}
            <li><span className="swatch est" aria-hidden="true" />{t('portal.estimatedLegend')}</li>
          </ul>
          <TableAlternative
            toggle={t('portal.tableToggle')} caption={title}
            columns={[t('portal.when'), t('portal.thisYear'), t('portal.lastYear'), t('portal.similarLegend'), t('portal.note')]}
          >
            {u.buckets.map((b) => (
              <tr key={b.label}>
                <th scope="row">{u.period === 'day' ? f.time(b.start, u.zone) : u.period === 'year' ? f.month(b.start, u.zone) : f.date(b.start, u.zone)}</th>
                <td>{b.future ? '–' : f.energy(b.total)}</td>
                <td>{b.lastYear === null ? '–' : f.energy(b.lastYear)}</td>
                <td>{b.similar == null ? '–' : f.energy(b.similar)}</td>
                <td>{b.future ? t('portal.future') : b.estimated > 0 ? t('portal.estimatedNote') : b.missing > 0 && b.intervals < b.expected ? t('portal.incomplete') : ''}</td>
              </tr>
            ))}
          </TableAlternative>
        </>
      )}
    </section>
  );
}

/** Similar homes, privacy-safe: a mean over at least `minimum` homes, or a plain statement why there is none. */
function SimilarNote({ u, s }: { u: Usage; s: Similar }) {
  const { t } = useTranslation();
  const f = useFormat();
  // The kind of home first (household, business), then what it has (pv, ev, heat pump).
  const rank = (x: string) => (x === 'household' || x === 'business' ? 0 : 1);
  const profile = [...s.profile].sort((a, b) => rank(a) - rank(b)).map((x) => t(`values.${x}`, { defaultValue: x })).join(', ');
  if (s.total === null) {
    return (
      <p className="hint" data-testid="similar-note">
        {s.profile.length === 0 ? t('portal.similarNoProfile') : t('portal.similarTooFew', { profile, minimum: f.num(s.minimum), homes: f.num(s.contributing) })}
      </p>
    );
  }
  const diff = s.total > 0 ? (u.total - s.total) / s.total : 0;
  return (
    <p className="summary" data-testid="similar-note">
      {t('portal.similarTotal', { profile, value: f.energy(s.total), homes: f.num(s.contributing) })}{' '}
      {Math.abs(diff) < 0.05 ? t('portal.similarSame') : t(diff < 0 ? 'portal.similarLess' : 'portal.similarMore', { pct: f.percent(Math.abs(diff), 0) })}{' '}
      <span className="hint">{t('portal.similarPrivacy', { minimum: f.num(s.minimum) })}</span>
    </p>
  );
}

function periodTitle(u: Usage, f: Format, t: (k: string, o?: Record<string, unknown>) => string): string {
  const from = Date.parse(u.from);
  if (u.period === 'day') return f.date(from, u.zone, 'long');
  if (u.period === 'week') return t('portal.weekOf', { date: f.date(from, u.zone) });
  if (u.period === 'month') return f.month(from, u.zone);
  return new Intl.DateTimeFormat(f.locale, { year: 'numeric', timeZone: u.zone }).format(from);
}

function Download({ premise, zone, meters }: { premise?: string; zone: string; meters: string[] }) {
  const { t } = useTranslation();
  const today = todayIn(zone);
  const [from, setFrom] = useState(addDays(today, -30));
  const [to, setTo] = useState(today);
  const [meter, setMeter] = useState(meters[0] ?? '');
  const valid = from < to || from === to;
  const href = url('/portal/export', {
    premise, meter, from: new Date(localMidnight(from, zone)).toISOString(), to: new Date(localMidnight(addDays(to, 1), zone)).toISOString(),
  });
  return (
    <section aria-labelledby="download-title">
      <h2 id="download-title">{t('portal.downloadTitle')}</h2>
      <p>{t('portal.downloadIntro')}</p>
      <div className="inline">
        {meters.length > 1 && (
          <>
            <label htmlFor="d-meter">{t('portal.meter')}</label>
            <select id="d-meter" value={meter} onChange={(e) => setMeter(e.target.value)}>{meters.map((m) => <option key={m}>{m}</option>)}</select>
          </>
        )}
        <label htmlFor="d-from">{t('portal.from')}</label>
        <input id="d-from" type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} />
        <label htmlFor="d-to">{t('portal.to')}</label>
        <input id="d-to" type="date" value={to} max={today} onChange={(e) => setTo(e.target.value)} />
        {valid ? <a className="button" href={href} download>{t('portal.download')}</a> : <span role="alert">{t('portal.badRange')}</span>}
      </div>
    </section>
  );
}
