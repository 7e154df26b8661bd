import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type Page } from '../api.ts';
import { useFormat } from '../format.ts';
import { Link } from '../router.tsx';
import { can, useSession } from '../session.tsx';
import { listen } from '../sse.ts';
import { ErrorNote, useAsync } from '../use-async.tsx';

export interface DrLevel { start: string; end: string; level: number; price?: number }
export interface DrTargets { all?: boolean; gridAreas?: string[]; feeders?: string[]; transformers?: string[]; premises?: string[] }
export interface DrEvent {
  id: string; name: string; kind: string; status: 'scheduled' | 'active' | 'completed' | 'cancelled'; level: number; start: string; end: string; noticeAt: string;
  levels: DrLevel[]; targets: DrTargets; message?: string; source: string; externalKey?: string; createdBy: string; createdAt: string; cancelledAt?: string; cancelledBy?: string;
}
export interface DrPerformance {
  premise: string; status: 'ok' | 'insufficient-history' | 'missing-data'; method: string; days: string[]; intervals: number;
  baselineWh: number | null; actualWh: number | null; reductionWh: number | null; reductionPct: number | null; estimatedIntervals: number; missingIntervals?: number; optedOut?: boolean;
}
interface DrDetail extends DrEvent {
  targetMeters: number; targetPremises: number;
  responses: { premise: string; acknowledgedAt?: string; optedOutAt?: string }[];
  deliveries: { meter: string; status: string; at: string; detail?: string }[];
  performance: DrPerformance[];
  totals: { premises: number; withFigure: number; insufficientHistory: number; missingData: number; baselineWh: number; actualWh: number; reductionWh: number; reductionPct: number | null; estimatedIntervals: number; acknowledged: number; optedOut: number; delivered: { sent: number; answered: number; failed: number } };
}

const KINDS = ['critical-peak-price', 'load-reduction', 'price-signal'] as const;

/** Re-reads when the server says an event changed (the dr live stream). */
function useDrChanges(): number {
  const [n, setN] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    listen('/dr/live', {}, (event) => { if (event === 'dr-event') setN((x) => x + 1); }, ctl.signal);
    return () => ctl.abort();
  }, []);
  return n;
}

export function targetSummary(tg: DrTargets, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (tg.all) return t('dr.targets.all');
  const parts: string[] = [];
  for (const k of ['gridAreas', 'feeders', 'transformers', 'premises'] as const) {
    const list = tg[k];
    if (list?.length) parts.push(`${t(`dr.targets.${k}`)}: ${list.join(', ')}`);
  }
  return parts.join('; ');
}

export function DrPage({ id }: { id?: string }) {
  return id ? <DrDetailView id={id} /> : <DrList />;
}

function DrList() {
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const changes = useDrChanges();
  const [created, setCreated] = useState<string | null>(null);
  const list = useAsync((signal) => api.get<Page<DrEvent>>('/dr/events', { limit: 100 }, signal), [changes, created]);
  return (
    <section aria-labelledby="dr-title">
      <h1 id="dr-title">{t('dr.title')}</h1>
      <p className="muted">{t('dr.intro')}</p>
      {created && <p role="status" className="notice">{t('dr.created', { name: created })}</p>}
      {can(session, 'dr:write') && <CreateForm onCreated={(e) => setCreated(e.name)} />}
      <h2 id="dr-list-title">{t('dr.list')}</h2>
      <ErrorNote error={list.error} />
      {list.loading && !list.data && <p role="status">{t('common.loading')}</p>}
      {list.data && (list.data.items.length === 0 ? <p>{t('dr.none')}</p> : (
        <div className="table-wrap">
          <table data-testid="dr-events">
            <caption>{t('dr.listCaption', { count: list.data.total })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dr.name')}</th><th scope="col">{t('dr.status.label')}</th><th scope="col">{t('dr.when')}</th>
                <th scope="col">{t('dr.kind.label')}</th><th scope="col">{t('dr.level')}</th><th scope="col">{t('dr.targets.label')}</th><th scope="col">{t('dr.source.label')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((e) => (
                <tr key={e.id}>
                  <th scope="row"><Link href={`/dr/${encodeURIComponent(e.id)}`}>{e.name}</Link></th>
                  <td>{t(`dr.status.${e.status}`)}</td>
                  <td>{f.dateTime(e.start)} – {f.time(e.end)}</td>
                  <td>{t(`dr.kind.${e.kind}`)}</td>
                  <td>{t(`dr.levels.${e.level}`)}</td>
                  <td>{targetSummary(e.targets, t)}</td>
                  <td>{t(`dr.source.${e.source}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

const split = (s: string): string[] => s.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean);
const localInput = (ms: number): string => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

function CreateForm({ onCreated }: { onCreated: (e: DrEvent) => void }) {
  const { t } = useTranslation();
  const tomorrow = new Date();
  tomorrow.setDate(tomorrow.getDate() + 1);
  tomorrow.setHours(17, 0, 0, 0);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<string>(KINDS[0]);
  const [start, setStart] = useState(localInput(tomorrow.getTime()));
  const [end, setEnd] = useState(localInput(tomorrow.getTime() + 3 * 3600_000));
  const [level, setLevel] = useState('2');
  const [price, setPrice] = useState('');
  const [all, setAll] = useState(false);
  const [lists, setLists] = useState({ feeders: '', transformers: '', premises: '', gridAreas: '' });
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    const targets: DrTargets = all ? { all: true } : {};
    for (const k of ['feeders', 'transformers', 'premises', 'gridAreas'] as const) { const l = split(lists[k]); if (l.length) targets[k] = l; }
    const s = Date.parse(start);
    const e = Date.parse(end);
    if (!name.trim() || Number.isNaN(s) || Number.isNaN(e) || e <= s) { setError(t('dr.form.invalidTimes')); return; }
    if (!targets.all && !Object.keys(targets).length) { setError(t('dr.form.noTargets')); return; }
    setBusy(true);
    try {
      const created = await api.post<DrEvent>('/dr/events', {
        name: name.trim(), kind, start: new Date(s).toISOString(), end: new Date(e).toISOString(), level: Number(level), targets,
        ...(price.trim() !== '' ? { price: Number(price) } : {}), ...(message.trim() ? { message: message.trim() } : {}),
      });
      setName(''); setMessage('');
      onCreated(created);
    } catch (err) {
      setError(err instanceof ApiError ? t('errors.failed', { detail: err.message }) : t('errors.network'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="dr-new-title">
      <h2 id="dr-new-title">{t('dr.form.title')}</h2>
      <div className="inline">
        <label htmlFor="dr-name">{t('dr.name')}</label>
        <input id="dr-name" value={name} required maxLength={120} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="dr-kind">{t('dr.kind.label')}</label>
        <select id="dr-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
          {KINDS.map((k) => <option key={k} value={k}>{t(`dr.kind.${k}`)}</option>)}
        </select>
      </div>
      <div className="inline">
        <label htmlFor="dr-start">{t('dr.form.start')}</label>
        <input id="dr-start" type="datetime-local" value={start} required onChange={(e) => setStart(e.target.value)} />
        <label htmlFor="dr-end">{t('dr.form.end')}</label>
        <input id="dr-end" type="datetime-local" value={end} required onChange={(e) => setEnd(e.target.value)} />
        <label htmlFor="dr-level">{t('dr.level')}</label>
        <select id="dr-level" value={level} onChange={(e) => setLevel(e.target.value)}>
          {[0, 1, 2, 3].map((l) => <option key={l} value={l}>{t(`dr.levels.${l}`)}</option>)}
        </select>
        <label htmlFor="dr-price">{t('dr.form.price')}</label>
        <input id="dr-price" type="number" step="0.01" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />
      </div>
      <fieldset>
        <legend>{t('dr.targets.label')}</legend>
        <div className="inline">
          <input id="dr-all" type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          <label htmlFor="dr-all">{t('dr.targets.all')}</label>
        </div>
        <div className="inline">
          {(['feeders', 'transformers', 'premises', 'gridAreas'] as const).map((k) => (
            <span key={k}>
              <label htmlFor={`dr-t-${k}`}>{t(`dr.targets.${k}`)}</label>{' '}
              <input id={`dr-t-${k}`} value={lists[k]} disabled={all} aria-describedby="dr-t-hint" onChange={(e) => setLists({ ...lists, [k]: e.target.value })} />
            </span>
          ))}
        </div>
        <p id="dr-t-hint" className="hint">{t('dr.form.targetsHint')}</p>
      </fieldset>
      <div className="inline">
        <label htmlFor="dr-message">{t('dr.form.message')}</label>
        <textarea id="dr-message" value={message} maxLength={500} rows={2} cols={60} onChange={(e) => setMessage(e.target.value)} />
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit" disabled={busy}>{t('dr.form.create')}</button>
    </form>
  );
}

function DrDetailView({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const session = useSession();
  const changes = useDrChanges();
  const [n, setN] = useState(0);
  const res = useAsync((signal) => api.get<DrDetail>(`/dr/events/${encodeURIComponent(id)}`, {}, signal), [id, changes, n]);
  const [error, setError] = useState<unknown>(null);
  const d = res.data;
  const cancel = async () => {
    if (!window.confirm(t('dr.cancelConfirm'))) return;
    try { await api.post(`/dr/events/${encodeURIComponent(id)}/cancel`, {}); setN((x) => x + 1); } catch (e) { setError(e); }
  };
  const optedOut = new Set(d?.responses.filter((r) => r.optedOutAt).map((r) => r.premise) ?? []);
  return (
    <section aria-labelledby="dr-detail-title">
      <p><Link href="/dr">{t('dr.back')}</Link></p>
      <h1 id="dr-detail-title">{d ? d.name : t('dr.title')}</h1>
      <ErrorNote error={res.error ?? error} />
      {res.loading && !d && <p role="status">{t('common.loading')}</p>}
      {d && (
        <>
          <dl className="facts" data-testid="dr-facts">
            <dt>{t('dr.status.label')}</dt><dd>{t(`dr.status.${d.status}`)}</dd>
            <dt>{t('dr.kind.label')}</dt><dd>{t(`dr.kind.${d.kind}`)}</dd>
            <dt>{t('dr.when')}</dt><dd>{f.dateTime(d.start)} – {f.dateTime(d.end)}</dd>
            <dt>{t('dr.notice')}</dt><dd>{f.dateTime(d.noticeAt)}</dd>
            <dt>{t('dr.level')}</dt><dd>{t(`dr.levels.${d.level}`)}</dd>
            <dt>{t('dr.targets.label')}</dt><dd>{targetSummary(d.targets, t)} — {t('dr.targetCount', { meters: f.num(d.targetMeters), premises: f.num(d.targetPremises) })}</dd>
            <dt>{t('dr.source.label')}</dt><dd>{t(`dr.source.${d.source}`)}{d.externalKey ? ` (${d.externalKey})` : ''}</dd>
            <dt>{t('dr.createdBy')}</dt><dd>{d.createdBy}, {f.dateTime(d.createdAt)}</dd>
            {d.message && <><dt>{t('dr.form.message')}</dt><dd>{d.message}</dd></>}
            {d.cancelledAt && <><dt>{t('dr.status.cancelled')}</dt><dd>{d.cancelledBy}, {f.dateTime(d.cancelledAt)}</dd></>}
          </dl>
          {can(session, 'dr:write') && (d.status === 'scheduled' || d.status === 'active') && <button type="button" onClick={() => void cancel()}>{t('dr.cancel')}</button>}

          <h2>{t('dr.signal')}</h2>
          <div className="table-wrap">
            <table>
              <caption>{t('dr.signalCaption')}</caption>
              <thead><tr><th scope="col">{t('dr.when')}</th><th scope="col">{t('dr.level')}</th><th scope="col">{t('dr.form.price')}</th></tr></thead>
              <tbody>{d.levels.map((l) => <tr key={l.start}><th scope="row">{f.time(l.start)} – {f.time(l.end)}</th><td>{t(`dr.levels.${l.level}`)}</td><td>{l.price === undefined ? '–' : f.num(l.price, 2)}</td></tr>)}</tbody>
            </table>
          </div>

          <h2>{t('dr.answers')}</h2>
          <p data-testid="dr-answers">{t('dr.answersSummary', { acknowledged: f.num(d.totals.acknowledged), optedOut: f.num(d.totals.optedOut), premises: f.num(d.targetPremises) })}</p>
          {d.responses.length > 0 && (
            <div className="table-wrap">
              <table>
                <caption>{t('dr.answers')}</caption>
                <thead><tr><th scope="col">{t('dr.premise')}</th><th scope="col">{t('dr.acknowledged')}</th><th scope="col">{t('dr.optedOut')}</th></tr></thead>
                <tbody>{d.responses.map((r) => <tr key={r.premise}><th scope="row">{r.premise}</th><td>{r.acknowledgedAt ? f.dateTime(r.acknowledgedAt) : '–'}</td><td>{r.optedOutAt ? f.dateTime(r.optedOutAt) : '–'}</td></tr>)}</tbody>
              </table>
            </div>
          )}

          <h2>{t('dr.delivery')}</h2>
          <p>{d.deliveries.length === 0 ? t('dr.noDelivery') : t('dr.deliverySummary', { answered: f.num(d.totals.delivered.answered), failed: f.num(d.totals.delivered.failed), sent: f.num(d.totals.delivered.sent) })}</p>
          {d.deliveries.length > 0 && (
            <div className="table-wrap">
              <table>
                <caption>{t('dr.delivery')}</caption>
                <thead><tr><th scope="col">{t('dr.meter')}</th><th scope="col">{t('dr.status.label')}</th><th scope="col">{t('dr.at')}</th><th scope="col">{t('dr.detail')}</th></tr></thead>
                <tbody>{d.deliveries.map((x) => <tr key={x.meter}><th scope="row"><Link href={`/meters/${encodeURIComponent(x.meter)}`}>{x.meter}</Link></th><td>{t(`dr.deliveryStatus.${x.status}`)}</td><td>{f.dateTime(x.at)}</td><td>{x.detail ?? ''}</td></tr>)}</tbody>
              </table>
            </div>
          )}

          <h2>{t('dr.performance')}</h2>
          {d.status !== 'completed' ? <p>{t('dr.performanceLater')}</p> : <Performance d={d} optedOut={optedOut} />}
        </>
      )}
    </section>
  );
}

function Performance({ d, optedOut }: { d: DrDetail; optedOut: ReadonlySet<string> }) {
  const { t } = useTranslation();
  const f = useFormat();
  const tot = d.totals;
  const ok = d.performance.filter((p) => p.status === 'ok');
  const max = Math.max(1, ...ok.map((p) => Math.abs(p.reductionWh ?? 0)));
  return (
    <>
      <p id="dr-perf-summary" className="summary" data-testid="dr-performance">
        {tot.withFigure === 0 ? t('dr.noFigures') : t('dr.totals', {
          reduction: f.energy(tot.reductionWh), pct: tot.reductionPct === null ? '–' : f.percent(tot.reductionPct), baseline: f.energy(tot.baselineWh),
          actual: f.energy(tot.actualWh), withFigure: f.num(tot.withFigure), premises: f.num(tot.premises),
        })}{' '}
        {tot.insufficientHistory + tot.missingData > 0 && t('dr.caveatNoFigure', { history: f.num(tot.insufficientHistory), missing: f.num(tot.missingData) })}{' '}
        {tot.estimatedIntervals > 0 && t('dr.caveatEstimated', { count: tot.estimatedIntervals })}
      </p>
      <p className="hint">{t('dr.methodNote')}</p>
      {ok.length > 0 && (
        <div className="hbars" role="img" aria-label={t('dr.chartLabel')} aria-describedby="dr-perf-summary">
          {ok.slice(0, 30).map((p) => (
            <div className="hbar" key={p.premise}>
              <span className="hbar-label" aria-hidden="true">{p.premise}</span>
              <span className="hbar-track" aria-hidden="true"><span className="hbar-fill" style={{ width: `${(Math.abs(p.reductionWh ?? 0) / max) * 100}%` }} /></span>
              <span className="hbar-value" aria-hidden="true">{f.energy(p.reductionWh ?? 0)}</span>
            </div>
          ))}
        </div>
      )}
      <details className="data-table">
        <summary>{t('dr.tableToggle')}</summary>
        <div className="table-wrap">
          <table>
            <caption>{t('dr.performanceCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dr.premise')}</th><th scope="col">{t('dr.baseline')}</th><th scope="col">{t('dr.actual')}</th><th scope="col">{t('dr.reduction')}</th>
                <th scope="col">{t('dr.note')}</th>
              </tr>
            </thead>
            <tbody>
              {d.performance.map((p) => (
                <tr key={p.premise}>
                  <th scope="row">{p.premise.startsWith('meter:') ? p.premise.slice(6) : <Link href={`/portal/events?premise=${encodeURIComponent(p.premise)}`}>{p.premise}</Link>}</th>
                  <td>{p.baselineWh === null ? '–' : f.energy(p.baselineWh)}</td>
                  <td>{p.actualWh === null ? '–' : f.energy(p.actualWh)}</td>
                  <td>{p.reductionWh === null ? '–' : `${f.energy(p.reductionWh)} (${p.reductionPct === null ? '–' : f.percent(p.reductionPct)})`}</td>
                  <td>{[
                    p.status !== 'ok' ? t(`dr.perfStatus.${p.status}`) : '',
                    p.estimatedIntervals > 0 ? t('dr.caveatEstimated', { count: p.estimatedIntervals }) : '',
                    optedOut.has(p.premise) ? t('dr.optedOut') : '',
                  ].filter(Boolean).join(' · ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

