import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { addDays, todayIn, useFormat } from '../format.ts';
import { ErrorNote, useAsync } from '../use-async.tsx';
import { TableAlternative } from '../table-alternative.tsx';

interface Hour { start: string; end: string; rate: string | null; period: string }
export interface Advice {
  tariff: { id: string; name: string; dynamic: boolean };
  date: string; zone: string; currency: string;
  hours: Hour[];
  cheapest: { hours: number; start: string; end: string; rate: string }[];
  expensive: { start: string; end: string; rate: string }[];
}

/** Five price levels between the day's cheapest and dearest hour (0 cheapest); null without a price. */
export function rateLevels(hours: readonly { rate: string | null }[]): (number | null)[] {
  const rates = hours.map((h) => (h.rate === null ? null : Number(h.rate)));
  const known = rates.filter((r): r is number => r !== null);
  if (known.length === 0) return rates.map(() => null);
  const lo = Math.min(...known);
  const hi = Math.max(...known);
  return rates.map((r) => (r === null ? null : hi - lo < 1e-9 ? 0 : Math.min(4, Math.floor(((r - lo) / (hi - lo)) * 5))));
}

/** Back-to-back hours as one span (07:00–11:00 rather than four rows), at the highest rate in it. */
export function runs(hours: readonly { start: string; end: string; rate: string }[]): { start: string; end: string; rate: string }[] {
  const out: { start: string; end: string; rate: string }[] = [];
  for (const h of [...hours].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))) {
    const last = out[out.length - 1];
    if (last && Date.parse(last.end) === Date.parse(h.start)) {
      out[out.length - 1] = { start: last.start, end: h.end, rate: Number(h.rate) > Number(last.rate) ? h.rate : last.rate };
    } else out.push({ ...h });
  }
  return out;
}

export function AdvicePage({ premise, zone }: { premise?: string; zone: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const today = todayIn(zone);
  const [date, setDate] = useState(addDays(today, 1));
  const advice = useAsync((signal) => api.get<Advice>('/portal/advice', { premise, date }, signal), [premise, date]);
  const a = advice.data;
  const rate = useMemo(() => {
    const nf = new Intl.NumberFormat(f.locale, { style: 'currency', currency: a?.currency ?? 'EUR', minimumFractionDigits: 2, maximumFractionDigits: 3 });
    return (r: string) => t('advice.perKwh', { rate: nf.format(Number(r)) });
  }, [f.locale, a?.currency, t]);
  const levels = useMemo(() => (a ? rateLevels(a.hours) : []), [a]);
  const span = (s: string, e: string) => t('advice.span', { from: f.time(s, a?.zone), to: f.time(e, a?.zone) });
  const inCheapest = (h: Hour) => a?.cheapest.some((c) => h.start >= c.start && h.start < c.end) ?? false;
  const known = a?.hours.filter((h) => h.rate !== null) ?? [];
  const low = known.length ? known.reduce((x, y) => (Number(y.rate) < Number(x.rate) ? y : x)) : null;
  const high = known.length ? known.reduce((x, y) => (Number(y.rate) > Number(x.rate) ? y : x)) : null;

  return (
    <section aria-labelledby="portal-title">
      <p>{t('advice.intro')}</p>
      <div className="inline">
        <label htmlFor="advice-date">{t('advice.date')}</label>
        <input id="advice-date" type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} />
        <span className="segmented">
          <button type="button" aria-pressed={date === today} onClick={() => setDate(today)}>{t('advice.today')}</button>
          <button type="button" aria-pressed={date === addDays(today, 1)} onClick={() => setDate(addDays(today, 1))}>{t('advice.tomorrow')}</button>
        </span>
      </div>
      <ErrorNote error={advice.error} />
      {advice.loading && !a && <p role="status">{t('common.loading')}</p>}
      {a && (
        <>
          <h2 aria-live="polite">{f.date(`${a.date}T12:00:00Z`, undefined, 'long')}</h2>
          <p className="muted">{a.tariff.dynamic ? t('advice.dynamic', { tariff: a.tariff.name }) : t('advice.fixed', { tariff: a.tariff.name })}</p>
          {a.cheapest.length > 0 ? (
            <div className="cards" data-testid="advice-cheapest">
              {a.cheapest.map((c) => (
                <div className="card cheap" key={c.hours}>
                  <h3>{t('advice.cheapestHours', { hours: f.num(c.hours) })}</h3>
                  <p className="big">{span(c.start, c.end)}</p>
                  <p>{t('advice.average', { rate: rate(c.rate) })}</p>
                  <p className="hint">{c.hours >= 3 ? t('advice.hint3') : t('advice.hint2')}</p>
                </div>
              ))}
              {a.expensive.length > 0 && (
                <div className="card dear">
                  <h3>{t('advice.avoid')}</h3>
                  <ul>{runs(a.expensive).map((e) => <li key={e.start}>{span(e.start, e.end)} · {rate(e.rate)}</li>)}</ul>
                </div>
              )}
            </div>
          ) : <p>{t('advice.noPrices')}</p>}
          <h3 id="strip-title">{t('advice.stripTitle')}</h3>
          <figure className="figure">
            {/* Time runs left to right as on every chart here, also in Arabic. */}
            <div className="rate-strip" dir="ltr" role="img" aria-labelledby="strip-title" aria-describedby="strip-summary">
              {a.hours.map((h, i) => (
                <div className="rate-hour" key={h.start}>
                  <span className={`rate-cell ${levels[i] === null ? 'none' : `lvl-${levels[i]}`}${inCheapest(h) ? ' best' : ''}`} />
                  <span className="rate-tick" aria-hidden="true">{i % 3 === 0 ? f.time(h.start, a.zone) : ''}</span>
                </div>
              ))}
            </div>
            <ul className="legend" aria-hidden="true">
              <li><span className="swatch lvl-0" />{t('advice.cheap')}</li>
              <li><span className="swatch lvl-4" />{t('advice.dear')}</li>
              <li><span className="swatch best" />{t('advice.bestWindow')}</li>
            </ul>
            <figcaption id="strip-summary" data-testid="advice-summary">
              {low && high ? t('advice.stripSummary', { low: rate(low.rate!), lowAt: span(low.start, low.end), high: rate(high.rate!), highAt: span(high.start, high.end) }) : t('advice.noPrices')}
            </figcaption>
          </figure>
          <TableAlternative toggle={t('advice.tableToggle')} caption={t('advice.tableCaption')} columns={[t('advice.hour'), t('advice.rate'), t('advice.period')]}>
            {a.hours.map((h) => (
              <tr key={h.start} className={inCheapest(h) ? 'selected' : undefined}>
                <th scope="row">{span(h.start, h.end)}</th>
                <td>{h.rate === null ? '–' : rate(h.rate)}{inCheapest(h) && ` (${t('advice.bestWindow')})`}</td>
                <td>{h.period}</td>
              </tr>
            ))}
          </TableAlternative>
        </>
      )}
    </section>
  );
}
