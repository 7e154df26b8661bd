import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { addDays, useFormat } from '../format.ts';
import { Link, useRoute } from '../router.tsx';
import { ErrorNote, useAsync } from '../use-async.tsx';

export interface LineQuality { intervals: number; estimated: number; missing: number; estimatedKwh: string }
export interface BillLine {
  n: number; charge: string; type: 'energy' | 'export' | 'tiered' | 'capacity' | 'standing' | 'vat'; period?: string; block?: number; month?: string;
  quantity: string; unit: 'kWh' | 'kW' | 'day' | 'currency'; rate: string; amount: number; quality?: LineQuality; explain: string;
}
export interface BillDocument {
  period: { from: string; to: string; days: number; intervals: number };
  currency: string;
  tariffVersions: { id: string; version: number }[];
  quality: { intervals: number; actual: number; estimated: number; missing: number; estimatedShare: string };
  determinants?: { byPeriod?: { period: string; name: string }[] };
  lines: BillLine[];
  subtotal: string; vat: string; total: string;
}
interface BillSummary { id: number; periodFrom: string; periodTo: string; revision: number; total: string; currency: string }
interface BillView { id: number; revision: number; bill: BillDocument; previous?: { id: number; revision: number; total: string }; difference?: { total: string } }
interface LineExplanation {
  line: BillLine; items: { start: string; end: string; kwh?: string; kw?: string; quality?: string; price?: string }[];
  sum: string; reconciles: boolean; note: string;
}

/** Money in the reader's language: amounts are decimal strings in the currency, or micro-units on lines. */
function useMoney() {
  const f = useFormat();
  return useMemo(() => {
    const cache = new Map<string, Intl.NumberFormat>();
    const nf = (currency: string, max: number) => {
      const k = `${currency}|${max}`;
      let x = cache.get(k);
      if (!x) cache.set(k, (x = new Intl.NumberFormat(f.locale, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: max })));
      return x;
    };
    return {
      amount: (v: string | number, currency: string) => nf(currency, 2).format(typeof v === 'number' ? v / 1e6 : Number(v)),
      rate: (v: string, currency: string) => nf(currency, 5).format(Number(v)),
    };
  }, [f.locale]);
}

export function BillPage({ premise }: { premise?: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const money = useMoney();
  const { query } = useRoute();
  const selected = query.get('bill');
  const current = useAsync((signal) => api.get<BillDocument>('/portal/bills/current', { premise }, signal), [premise]);
  const list = useAsync((signal) => api.get<{ items: BillSummary[] }>('/portal/bills', { premise }, signal), [premise]);
  const q = (id?: number) => {
    const p = new URLSearchParams();
    if (premise) p.set('premise', premise);
    if (id !== undefined) p.set('bill', String(id));
    const s = p.toString();
    return `/portal/bill${s ? `?${s}` : ''}`;
  };
  return (
    <>
      {selected ? (
        <>
          <p><Link href={q()}>{t('bill.backToBills')}</Link></p>
          <StoredBill premise={premise} id={Number(selected)} />
        </>
      ) : (
        <>
          <section aria-labelledby="bill-current-title">
            <h2 id="bill-current-title">{t('bill.currentTitle')}</h2>
            <p className="muted">{t('bill.currentIntro')}</p>
            <ErrorNote error={current.error} />
            {current.loading && !current.data && <p role="status">{t('common.loading')}</p>}
            {current.data && <BillBody doc={current.data} idPrefix="cur" />}
          </section>
          <section aria-labelledby="bill-list-title">
            <h2 id="bill-list-title">{t('bill.listTitle')}</h2>
            <ErrorNote error={list.error} />
            {list.data && (list.data.items.length === 0 ? <p>{t('bill.noBills')}</p> : (
              <div className="table-wrap">
                <table data-testid="bill-list">
                  <caption>{t('bill.listCaption')}</caption>
                  <thead><tr><th scope="col">{t('bill.period')}</th><th scope="col">{t('bill.revision')}</th><th scope="col">{t('bill.total')}</th></tr></thead>
                  <tbody>
                    {list.data.items.map((b) => (
                      <tr key={b.id}>
                        <th scope="row"><Link href={q(b.id)}>{t('bill.periodValue', { from: f.date(`${b.periodFrom}T12:00:00Z`), to: f.date(`${addDays(b.periodTo, -1)}T12:00:00Z`) })}</Link></th>
                        <td>{f.num(b.revision)}</td>
                        <td>{money.amount(b.total, b.currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
          </section>
        </>
      )}
    </>
  );
}

function StoredBill({ premise, id }: { premise?: string; id: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const money = useMoney();
  const view = useAsync((signal) => api.get<BillView>(`/portal/bills/${id}`, { premise }, signal), [premise, id]);
  const v = view.data;
  return (
    <section aria-labelledby="bill-stored-title">
      <h2 id="bill-stored-title">{v ? t('bill.storedTitle', { from: f.date(`${v.bill.period.from}T12:00:00Z`), to: f.date(`${addDays(v.bill.period.to, -1)}T12:00:00Z`) }) : t('bill.listTitle')}</h2>
      <ErrorNote error={view.error} />
      {view.loading && !v && <p role="status">{t('common.loading')}</p>}
      {v && (
        <>
          {v.previous && (
            <p className="notice" role="note">{t('bill.rebill', {
              revision: f.num(v.revision), previous: f.num(v.previous.revision), total: money.amount(v.previous.total, v.bill.currency),
              difference: v.difference ? money.amount(v.difference.total, v.bill.currency) : '–',
            })}</p>
          )}
          <BillBody doc={v.bill} idPrefix={`b${id}`} explain={(n) => api.get<LineExplanation>(`/portal/bills/${id}/lines/${n}`, { premise })} />
        </>
      )}
    </section>
  );
}

/** A bill line by line: what was counted, at what rate, how much; estimated and missing data said per line. */
function BillBody({ doc, idPrefix, explain }: { doc: BillDocument; idPrefix: string; explain?: (n: number) => Promise<LineExplanation> }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const money = useMoney();
  const q = doc.quality;
  const share = Number(q.estimatedShare);
  return (
    <>
      <p className="summary" id={`${idPrefix}-summary`} data-testid="bill-summary">
        {t('bill.summary', {
          from: f.date(`${doc.period.from}T12:00:00Z`), to: f.date(`${addDays(doc.period.to, -1)}T12:00:00Z`), days: f.num(doc.period.days),
          total: money.amount(doc.total, doc.currency), vat: money.amount(doc.vat, doc.currency),
        })}{' '}
        {q.missing > 0 || q.estimated > 0
          ? t('bill.qualityNote', { estimated: f.num(q.estimated), missing: f.num(q.missing), intervals: f.num(q.intervals), share: f.percent(Number.isFinite(share) ? share : 0, 1) })
          : t('bill.allActual', { intervals: f.num(q.intervals) })}
      </p>
      <div className="table-wrap">
        <table className="bill" data-testid="bill-lines">
          <caption>{t('bill.linesCaption')}</caption>
          <thead>
            <tr><th scope="col">{t('bill.charge')}</th><th scope="col">{t('bill.how')}</th><th scope="col">{t('bill.data')}</th><th scope="col" className="num">{t('bill.amount')}</th></tr>
          </thead>
          {doc.lines.map((l) => (
            <Line key={l.n} line={l} periodName={doc.determinants?.byPeriod?.find((p) => p.period === l.period)?.name ?? l.period}
              currency={doc.currency} english={i18n.language === 'en'} idPrefix={idPrefix} explain={explain} />
          ))}
          <tfoot>
            <tr><th scope="row" colSpan={3}>{t('bill.subtotal')}</th><td className="num">{money.amount(doc.subtotal, doc.currency)}</td></tr>
            <tr><th scope="row" colSpan={3}>{t('bill.vat')}</th><td className="num">{money.amount(doc.vat, doc.currency)}</td></tr>
            <tr className="total"><th scope="row" colSpan={3}>{t('bill.total')}</th><td className="num" data-testid="bill-total">{money.amount(doc.total, doc.currency)}</td></tr>
          </tfoot>
        </table>
      </div>
      {!explain && <p className="hint">{t('bill.currentHint')}</p>}
    </>
  );
}

/** The line's sentence in the reader's language, from its fields; the bill's own (English) sentence is kept too. */
function lineSentence(l: BillLine, periodName: string | undefined, currency: string, t: (k: string, o?: Record<string, unknown>) => string, f: ReturnType<typeof useFormat>, money: ReturnType<typeof useMoney>): string {
  const qty = Number(l.quantity);
  const rate = money.rate(l.rate, currency);
  const kwh = t('units.value', { value: f.num(qty, 3), unit: t('units.kWh') });
  switch (l.type) {
    case 'energy': return periodName ? t('bill.explain.energyPeriod', { quantity: kwh, period: periodName, rate }) : t('bill.explain.energy', { quantity: kwh, rate });
    case 'export': return periodName ? t('bill.explain.exportPeriod', { quantity: kwh, period: periodName, rate }) : t('bill.explain.export', { quantity: kwh, rate });
    case 'tiered': return t('bill.explain.tiered', { block: f.num(l.block ?? 1), quantity: kwh, rate });
    case 'capacity': return t('bill.explain.capacity', { quantity: t('units.value', { value: f.num(qty, 3), unit: t('units.kW') }), month: l.month ?? '', rate });
    case 'standing': return t('bill.explain.standing', { days: f.num(qty), rate });
    case 'vat': return t('bill.explain.vat', { rate: f.num(Number(l.rate), 2), base: money.amount(l.quantity, currency) });
    default: return l.explain;
  }
}

function Line({ line: l, periodName, currency, english, idPrefix, explain }: { line: BillLine; periodName?: string; currency: string; english: boolean; idPrefix: string; explain?: (n: number) => Promise<LineExplanation> }) {
  const { t } = useTranslation();
  const f = useFormat();
  const money = useMoney();
  const [open, setOpen] = useState(false);
  const [detail, setDetail] = useState<{ data?: LineExplanation; error?: unknown } | null>(null);
  const toggle = () => {
    setOpen((o) => !o);
    if (!detail && explain) explain(l.n).then((data) => setDetail({ data }), (error: unknown) => setDetail({ error }));
  };
  const quality = l.quality;
  const panel = `${idPrefix}-line-${l.n}`;
  return (
    <tbody className={open ? 'open' : undefined}>
      <tr>
        <th scope="row">{l.charge}{periodName && <span className="muted"> · {periodName}</span>}</th>
        <td>
          {english ? l.explain : (
            <>
              {lineSentence(l, periodName, currency, t, f, money)}
              <details className="as-billed"><summary>{t('bill.asBilled')}</summary><span lang="en">{l.explain}</span></details>
            </>
          )}
          {explain && l.type !== 'vat' && (
            <div><button type="button" className="link" aria-expanded={open} aria-controls={panel} onClick={toggle}>{open ? t('bill.hideItems') : t('bill.showItems')}</button></div>
          )}
        </td>
        <td>
          {quality ? (
            <>
              <span className="q-line">{t('bill.lineActual', { intervals: f.num(quality.intervals - quality.estimated) })}</span>
              {quality.estimated > 0 && <span className="q-line est-note">{t('bill.lineEstimated', { estimated: f.num(quality.estimated), intervals: f.num(quality.intervals), kwh: t('units.value', { value: f.num(Number(quality.estimatedKwh), 3), unit: t('units.kWh') }) })}</span>}
              {quality.missing > 0 && <span className="q-line missing-note">{t('bill.lineMissing', { missing: f.num(quality.missing) })}</span>}
            </>
          ) : '–'}
        </td>
        <td className="num">{money.amount(l.amount, currency)}</td>
      </tr>
      {open && (
        <tr id={panel} className="line-items">
          <td colSpan={4}>
            {!detail && <p role="status">{t('common.loading')}</p>}
            {detail?.error !== undefined && <ErrorNote error={detail.error} />}
            {detail?.data && <LineItems x={detail.data} />}
          </td>
        </tr>
      )}
    </tbody>
  );
}

const SHOW_ITEMS = 200;

function LineItems({ x }: { x: LineExplanation }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [all, setAll] = useState(false);
  const items = all ? x.items : x.items.slice(0, SHOW_ITEMS);
  const unit = x.items.some((i) => i.kw !== undefined) ? 'kW' : 'kWh';
  const estimated = x.items.filter((i) => i.quality && /[SEF]/.test(i.quality)).length;
  const missing = x.items.filter((i) => i.quality === 'N').length;
  return (
    <div className="line-detail">
      <p role="status" data-testid="line-reconcile">
        {t('bill.itemsSummary', { items: f.num(x.items.length), sum: x.sum, unit: t(`units.${unit}`) })}{' '}
        {x.reconciles ? t('bill.reconciles') : t('bill.noReconcile')}{' '}
        {(estimated > 0 || missing > 0) && t('bill.itemsQuality', { estimated: f.num(estimated), missing: f.num(missing) })}
      </p>
      {x.items.length > 0 && (
        <div className="table-wrap scroll" tabIndex={0} role="region" aria-label={t('bill.itemsCaption')}>
          <table>
            <caption className="sr-only">{t('bill.itemsCaption')}</caption>
            <thead><tr><th scope="col">{t('bill.from')}</th><th scope="col">{t('bill.to')}</th><th scope="col" className="num">{t(`units.${unit}`)}</th><th scope="col">{t('bill.quality')}</th></tr></thead>
            <tbody>
              {items.map((i, k) => (
                <tr key={k} className={i.quality && i.quality !== 'A' ? 'est' : undefined}>
                  <td>{f.dateTime(i.start)}</td><td>{f.time(i.end)}</td>
                  <td className="num">{i.kwh ?? i.kw ?? '–'}</td>
                  <td>{i.quality ? t(`bill.flags.${i.quality}`, { defaultValue: i.quality }) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!all && x.items.length > SHOW_ITEMS && <button type="button" onClick={() => setAll(true)}>{t('bill.showAllItems', { value: f.num(x.items.length) })}</button>}
      {x.note && <p className="hint" lang="en">{x.note}</p>}
    </div>
  );
}
