/**
 * Public holiday calendars per region, computed from their rules (fixed dates, Easter-relative
 * days, n-th weekdays and substitute/observed days) so that any year works without a data
 * download. Sources: gov.uk/bank-holidays (England and Wales, substitute days), opm.gov federal
 * holidays (observed Friday/Monday), nsw.gov.au public holidays, rijksoverheid.nl, belgium.be,
 * service-public.fr, boe.es, gov.pl (24 Dec since 2025), bmi.bund.de (nationwide days only).
 * One-off days (a coronation, a jubilee) are not rules: tariffs list them in `extraHolidays`.
 */

export const HOLIDAY_REGIONS = ['NL', 'BE', 'DE', 'FR', 'ES', 'PL', 'GB-ENG', 'US', 'AU-NSW'] as const;
export type HolidayRegion = (typeof HOLIDAY_REGIONS)[number];

export function isHolidayRegion(s: unknown): s is HolidayRegion {
  return typeof s === 'string' && (HOLIDAY_REGIONS as readonly string[]).includes(s);
}

const DAY_MS = 86_400_000;

/** Dates as UTC-midnight milliseconds: only the civil date matters here. */
const ymd = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d);
const label = (t: number): string => new Date(t).toISOString().slice(0, 10);
const dow = (t: number): number => new Date(t).getUTCDay();

/** Gregorian Easter Sunday (the anonymous Gregorian computus, Meeus/Jones/Butcher). */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return ymd(year, month, day);
}

/** The n-th (1-based; -1 = last) given weekday (0 = Sunday) of a month. */
function nthWeekday(year: number, month: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = ymd(year, month, 1);
    return first + (((weekday - dow(first) + 7) % 7) + 7 * (n - 1)) * DAY_MS;
  }
  const last = ymd(year, month + 1, 0);
  return last - ((dow(last) - weekday + 7) % 7) * DAY_MS;
}

type Add = (t: number, name: string) => void;

/** A fixed date that falls on a weekend moves to the next weekday not already a holiday (GB, AU). */
function withSubstitutes(add: Add, dates: readonly [number, string][]): void {
  const taken = new Set(dates.map(([t]) => t));
  for (const [t, name] of dates) {
    add(t, name);
    const wd = dow(t);
    if (wd !== 0 && wd !== 6) continue;
    let sub = t + DAY_MS;
    while (dow(sub) === 0 || dow(sub) === 6 || taken.has(sub)) sub += DAY_MS;
    taken.add(sub);
    add(sub, `${name} (substitute day)`);
  }
}

/** US federal rule: Saturday → observed the Friday before, Sunday → the Monday after. */
function observedUS(add: Add, t: number, name: string): void {
  add(t, name);
  const wd = dow(t);
  if (wd === 6) add(t - DAY_MS, `${name} (observed)`);
  if (wd === 0) add(t + DAY_MS, `${name} (observed)`);
}

function rules(region: HolidayRegion, y: number, add: Add): void {
  const easter = easterSunday(y);
  const e = (days: number): number => easter + days * DAY_MS;
  switch (region) {
    case 'NL':
      add(ymd(y, 1, 1), 'Nieuwjaarsdag');
      add(e(0), 'Eerste Paasdag'); add(e(1), 'Tweede Paasdag');
      add(dow(ymd(y, 4, 27)) === 0 ? ymd(y, 4, 26) : ymd(y, 4, 27), 'Koningsdag');
      add(ymd(y, 5, 5), 'Bevrijdingsdag');
      add(e(39), 'Hemelvaartsdag'); add(e(49), 'Eerste Pinksterdag'); add(e(50), 'Tweede Pinksterdag');
      add(ymd(y, 12, 25), 'Eerste Kerstdag'); add(ymd(y, 12, 26), 'Tweede Kerstdag');
      return;
    case 'BE':
      add(ymd(y, 1, 1), 'Nieuwjaar'); add(e(1), 'Paasmaandag'); add(ymd(y, 5, 1), 'Dag van de Arbeid');
      add(e(39), 'O.L.H. Hemelvaart'); add(e(50), 'Pinkstermaandag'); add(ymd(y, 7, 21), 'Nationale feestdag');
      add(ymd(y, 8, 15), 'O.L.V. Hemelvaart'); add(ymd(y, 11, 1), 'Allerheiligen'); add(ymd(y, 11, 11), 'Wapenstilstand');
      add(ymd(y, 12, 25), 'Kerstmis');
      return;
    case 'DE':
      add(ymd(y, 1, 1), 'Neujahr'); add(e(-2), 'Karfreitag'); add(e(1), 'Ostermontag'); add(ymd(y, 5, 1), 'Tag der Arbeit');
      add(e(39), 'Christi Himmelfahrt'); add(e(50), 'Pfingstmontag'); add(ymd(y, 10, 3), 'Tag der Deutschen Einheit');
      add(ymd(y, 12, 25), '1. Weihnachtstag'); add(ymd(y, 12, 26), '2. Weihnachtstag');
      return;
    case 'FR':
      add(ymd(y, 1, 1), "Jour de l'an"); add(e(1), 'Lundi de Pâques'); add(ymd(y, 5, 1), 'Fête du Travail');
      add(ymd(y, 5, 8), 'Victoire 1945'); add(e(39), 'Ascension'); add(e(50), 'Lundi de Pentecôte');
      add(ymd(y, 7, 14), 'Fête nationale'); add(ymd(y, 8, 15), 'Assomption'); add(ymd(y, 11, 1), 'Toussaint');
      add(ymd(y, 11, 11), 'Armistice'); add(ymd(y, 12, 25), 'Noël');
      return;
    case 'ES':
      add(ymd(y, 1, 1), 'Año Nuevo'); add(ymd(y, 1, 6), 'Epifanía del Señor'); add(e(-2), 'Viernes Santo');
      add(ymd(y, 5, 1), 'Fiesta del Trabajo'); add(ymd(y, 8, 15), 'Asunción de la Virgen'); add(ymd(y, 10, 12), 'Fiesta Nacional');
      add(ymd(y, 11, 1), 'Todos los Santos'); add(ymd(y, 12, 6), 'Día de la Constitución'); add(ymd(y, 12, 8), 'Inmaculada Concepción');
      add(ymd(y, 12, 25), 'Natividad del Señor');
      return;
    case 'PL':
      add(ymd(y, 1, 1), 'Nowy Rok'); add(ymd(y, 1, 6), 'Trzech Króli'); add(e(0), 'Wielkanoc'); add(e(1), 'Poniedziałek Wielkanocny');
      add(ymd(y, 5, 1), 'Święto Pracy'); add(ymd(y, 5, 3), 'Święto Konstytucji 3 Maja'); add(e(49), 'Zielone Świątki');
      add(e(60), 'Boże Ciało'); add(ymd(y, 8, 15), 'Wniebowzięcie NMP'); add(ymd(y, 11, 1), 'Wszystkich Świętych');
      add(ymd(y, 11, 11), 'Narodowe Święto Niepodległości');
      if (y >= 2025) add(ymd(y, 12, 24), 'Wigilia Bożego Narodzenia');
      add(ymd(y, 12, 25), 'Boże Narodzenie (pierwszy dzień)'); add(ymd(y, 12, 26), 'Boże Narodzenie (drugi dzień)');
      return;
    case 'GB-ENG':
      withSubstitutes(add, [[ymd(y, 1, 1), "New Year's Day"]]);
      add(e(-2), 'Good Friday'); add(e(1), 'Easter Monday');
      add(nthWeekday(y, 5, 1, 1), 'Early May bank holiday'); add(nthWeekday(y, 5, 1, -1), 'Spring bank holiday');
      add(nthWeekday(y, 8, 1, -1), 'Summer bank holiday');
      withSubstitutes(add, [[ymd(y, 12, 25), 'Christmas Day'], [ymd(y, 12, 26), 'Boxing Day']]);
      return;
    case 'US':
      observedUS(add, ymd(y, 1, 1), "New Year's Day");
      add(nthWeekday(y, 1, 1, 3), 'Birthday of Martin Luther King, Jr.'); add(nthWeekday(y, 2, 1, 3), "Washington's Birthday");
      add(nthWeekday(y, 5, 1, -1), 'Memorial Day');
      if (y >= 2021) observedUS(add, ymd(y, 6, 19), 'Juneteenth National Independence Day');
      observedUS(add, ymd(y, 7, 4), 'Independence Day');
      add(nthWeekday(y, 9, 1, 1), 'Labor Day'); add(nthWeekday(y, 10, 1, 2), 'Columbus Day');
      observedUS(add, ymd(y, 11, 11), 'Veterans Day'); add(nthWeekday(y, 11, 4, 4), 'Thanksgiving Day');
      observedUS(add, ymd(y, 12, 25), 'Christmas Day');
      return;
    case 'AU-NSW':
      withSubstitutes(add, [[ymd(y, 1, 1), "New Year's Day"]]);
      withSubstitutes(add, [[ymd(y, 1, 26), 'Australia Day']]);
      add(e(-2), 'Good Friday'); add(e(-1), 'Easter Saturday'); add(e(0), 'Easter Sunday'); add(e(1), 'Easter Monday');
      add(ymd(y, 4, 25), 'Anzac Day'); add(nthWeekday(y, 6, 1, 2), "King's Birthday"); add(nthWeekday(y, 10, 1, 1), 'Labour Day');
      withSubstitutes(add, [[ymd(y, 12, 25), 'Christmas Day'], [ymd(y, 12, 26), 'Boxing Day']]);
      return;
  }
}

const cache = new Map<string, ReadonlyMap<string, string>>();

/** The region's holidays of a year: local date YYYY-MM-DD → name (observed/substitute days included). */
export function holidaysOf(region: HolidayRegion, year: number): ReadonlyMap<string, string> {
  const key = `${region}:${year}`;
  let hit = cache.get(key);
  if (!hit) {
    const out = new Map<string, string>();
    rules(region, year, (t, name) => {
      // A US holiday observed across New Year (1 Jan on a Saturday) lands in the year before.
      if (new Date(t).getUTCFullYear() !== year) return;
      if (!out.has(label(t))) out.set(label(t), name);
    });
    if (region === 'US') {
      const next = ymd(year + 1, 1, 1);
      if (dow(next) === 6) out.set(label(next - DAY_MS), "New Year's Day (observed)");
    }
    cache.set(key, (hit = out));
  }
  return hit;
}
