/**
 * Interval times in the canonical JSON format: RFC 3339 text with an explicit offset, or epoch
 * seconds. A hand-written parser because Luxon's fromISO costs microseconds a call, which at one
 * reading per message would be most of the ingest budget. A local time without an offset is
 * refused: it is ambiguous at every DST change.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/** Epoch seconds ≥ 0 (possibly fractional, which the grid check then refuses), or undefined. */
export function parseTime(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = RFC3339.exec(v);
  if (!m) return undefined;
  const year = +m[1]!, month = +m[2]!, day = +m[3]!, hour = +m[4]!, minute = +m[5]!;
  const second = m[6] === undefined ? 0 : +m[6];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offset = 0;
  if (m[8] === undefined) {
    const oh = +m[10]!, om = +m[11]!;
    if (oh > 23 || om > 59) return undefined;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const frac = m[7] === undefined ? 0 : +m[7];
  const t = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offset + frac;
  return t >= 0 ? t : undefined;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
