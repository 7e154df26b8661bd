import { useTranslation } from 'react-i18next';

/**
 * Numbers, dates and units in the reader's language (Intl), in the meter's time zone where one is
 * given. Unit symbols go through i18n (an Arabic reader gets Arabic unit names).
 */
export interface Format {
  readonly locale: string;
  num(n: number, digits?: number): string;
  percent(x: number, digits?: number): string;
  energy(wh: number): string;
  power(w: number): string;
  /** Date and time of an instant (epoch ms or ISO). */
  dateTime(t: number | string, zone?: string): string;
  date(t: number | string, zone?: string, style?: 'short' | 'long'): string;
  time(t: number | string, zone?: string): string;
  month(t: number | string, zone?: string): string;
  weekday(t: number | string, zone?: string): string;
}

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function nf(locale: string, digits: number, style?: 'percent'): Intl.NumberFormat {
  const key = `n|${locale}|${digits}|${style ?? ''}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits, ...(style ? { style } : {}) })));
  return f;
}
function df(locale: string, zone: string | undefined, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${zone ?? ''}|${JSON.stringify(opts)}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(locale, { ...opts, ...(zone ? { timeZone: zone } : {}) })));
  return f;
}
const ms = (t: number | string): number => (typeof t === 'number' ? t : Date.parse(t));

export function useFormat(): Format {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const scaled = (v: number, units: readonly [string, string, string]): string => {
    const a = Math.abs(v);
    const [value, unit] = a >= 1e6 ? [v / 1e6, units[2]] : a >= 1e3 ? [v / 1e3, units[1]] : [v, units[0]];
    return t('units.value', { value: nf(locale, Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2).format(value), unit: t(`units.${unit}`) });
  };
  return {
    locale,
    num: (n, digits = 0) => nf(locale, digits).format(n),
    percent: (x, digits = 1) => nf(locale, digits, 'percent').format(x),
    energy: (wh) => scaled(wh, ['Wh', 'kWh', 'MWh']),
    power: (w) => scaled(w, ['W', 'kW', 'MW']),
    dateTime: (v, zone) => df(locale, zone, { dateStyle: 'medium', timeStyle: 'short' }).format(ms(v)),
    date: (v, zone, style = 'short') => df(locale, zone, style === 'long' ? { dateStyle: 'full' } : { day: 'numeric', month: 'short', year: 'numeric' }).format(ms(v)),
    time: (v, zone) => df(locale, zone, { hour: '2-digit', minute: '2-digit' }).format(ms(v)),
    month: (v, zone) => df(locale, zone, { month: 'long', year: 'numeric' }).format(ms(v)),
    weekday: (v, zone) => df(locale, zone, { weekday: 'short', day: 'numeric' }).format(ms(v)),
  };
}

/** Offset of `zone` from UTC at instant `t` (ms), from Intl: the browser has no zone library. */
export function zoneOffsetMs(t: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(t));
  const v = (k: string): number => Number(parts.find((p) => p.type === k)!.value);
  return Date.UTC(v('year'), v('month') - 1, v('day'), v('hour'), v('minute'), v('second')) - t;
}

/** Midnight of local date `date` (YYYY-MM-DD) in `zone`, as epoch ms. */
export function localMidnight(date: string, zone: string): number {
  const utc = Date.parse(`${date}T00:00:00Z`);
  return utc - zoneOffsetMs(utc - zoneOffsetMs(utc, zone), zone);
}

export const todayIn = (zone: string): string => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
export const addDays = (date: string, n: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
