/**
 * What each P1 object line carries, as data (STYLE.md §6): the value's shape and a name, keyed by
 * `A-B:C.D.E` (F is 255 on every DSMR line). `n` in group B stands for an M-Bus channel 1-4. Objects
 * not listed are read generically: one group is a number (with unit), a time stamp or text; a
 * time stamp followed by a number is a time-stamped reading; anything longer a list.
 *
 * Sources: DSMR 5.0.2 P1 companion standard and e-MUCS P1 as summarised in DOMAIN.md §3 and
 * ndokter/dsmr_parser obis_references.py.
 */
export type ObjectShape =
  /** The telegram's own date-time (0-0:1.0.0). */
  | 'time'
  /** Identifiers and messages: hex-encoded ASCII when they decode to printable text, else as written. */
  | 'text'
  /** Text kept exactly as written (versions, serial numbers that are digits). */
  | 'string'
  /** A plain integer without unit (counters, tariff indicator, device type, breaker/valve state). */
  | 'integer'
  /** M-Bus value with its own capture time: (YYMMDDhhmmssX)(value*unit). */
  | 'mbus'
  /** DSMR 2.2/3.0 gas profile: (time)(status)(period)(count)(0-n:24.2.1)(unit) CR LF (value). */
  | 'mbus-legacy'
  /** Long power-failure event log: (count)(0-0:96.7.19)((end time)(duration*s))… */
  | 'power-failures';

export interface ObjectSpec {
  readonly name: string;
  readonly shape?: ObjectShape;
}

export const OBJECTS: Readonly<Record<string, ObjectSpec>> = {
  '1-3:0.2.8': { name: 'P1 version', shape: 'string' },
  '0-0:96.1.4': { name: 'e-MUCS version', shape: 'string' },
  '0-0:1.0.0': { name: 'Telegram date-time', shape: 'time' },
  '0-0:96.1.1': { name: 'Equipment identifier', shape: 'text' },
  '0-0:96.1.0': { name: 'Equipment identifier (alternative)', shape: 'text' },
  '0-0:96.1.2': { name: 'EAN / access point id', shape: 'text' },
  '0-0:42.0.0': { name: 'COSEM logical device name', shape: 'text' },
  '1-0:0.0.0': { name: 'Meter serial number', shape: 'string' },
  '0-0:96.14.0': { name: 'Tariff indicator', shape: 'integer' },
  '0-0:96.3.10': { name: 'Breaker state', shape: 'integer' },
  '0-0:96.7.21': { name: 'Power failures, any phase', shape: 'integer' },
  '0-0:96.7.9': { name: 'Long power failures, any phase', shape: 'integer' },
  '1-0:99.97.0': { name: 'Power failure event log', shape: 'power-failures' },
  '1-0:32.32.0': { name: 'Voltage sags L1', shape: 'integer' },
  '1-0:52.32.0': { name: 'Voltage sags L2', shape: 'integer' },
  '1-0:72.32.0': { name: 'Voltage sags L3', shape: 'integer' },
  '1-0:32.36.0': { name: 'Voltage swells L1', shape: 'integer' },
  '1-0:52.36.0': { name: 'Voltage swells L2', shape: 'integer' },
  '1-0:72.36.0': { name: 'Voltage swells L3', shape: 'integer' },
  '0-0:96.13.0': { name: 'Text message', shape: 'text' },
  '0-0:96.13.1': { name: 'Text message code', shape: 'text' },
  '1-0:1.8.0': { name: 'Energy delivered to client, total' },
  '1-0:1.8.1': { name: 'Energy delivered to client, tariff 1' },
  '1-0:1.8.2': { name: 'Energy delivered to client, tariff 2' },
  '1-0:2.8.0': { name: 'Energy delivered by client, total' },
  '1-0:2.8.1': { name: 'Energy delivered by client, tariff 1' },
  '1-0:2.8.2': { name: 'Energy delivered by client, tariff 2' },
  '1-0:1.7.0': { name: 'Power delivered to client' },
  '1-0:2.7.0': { name: 'Power delivered by client' },
  '1-0:1.4.0': { name: 'Current average demand (e-MUCS)' },
  '1-0:1.6.0': { name: 'Maximum demand this month (e-MUCS)' },
  '0-0:98.1.0': { name: 'Maximum demand, last 13 months (e-MUCS)' },
  '0-0:17.0.0': { name: 'Power threshold' },
  '1-0:31.4.0': { name: 'Current limit (e-MUCS)' },
  '1-0:32.7.0': { name: 'Voltage L1' },
  '1-0:52.7.0': { name: 'Voltage L2' },
  '1-0:72.7.0': { name: 'Voltage L3' },
  '1-0:31.7.0': { name: 'Current L1' },
  '1-0:51.7.0': { name: 'Current L2' },
  '1-0:71.7.0': { name: 'Current L3' },
  '1-0:21.7.0': { name: 'Power delivered to client L1' },
  '1-0:41.7.0': { name: 'Power delivered to client L2' },
  '1-0:61.7.0': { name: 'Power delivered to client L3' },
  '1-0:22.7.0': { name: 'Power delivered by client L1' },
  '1-0:42.7.0': { name: 'Power delivered by client L2' },
  '1-0:62.7.0': { name: 'Power delivered by client L3' },
  '0-n:24.1.0': { name: 'M-Bus device type', shape: 'integer' },
  '0-n:96.1.0': { name: 'M-Bus equipment identifier', shape: 'text' },
  '0-n:96.1.1': { name: 'M-Bus equipment identifier (e-MUCS)', shape: 'text' },
  '0-n:96.1.2': { name: 'M-Bus EAN (e-MUCS)', shape: 'text' },
  '0-n:24.2.1': { name: 'M-Bus last reading', shape: 'mbus' },
  '0-n:24.2.3': { name: 'M-Bus last reading, not temperature corrected (e-MUCS)', shape: 'mbus' },
  '0-n:24.3.0': { name: 'Gas reading (DSMR 2.2/3.0)', shape: 'mbus-legacy' },
  '0-n:24.4.0': { name: 'M-Bus valve position', shape: 'integer' },
  '0-n:96.3.10': { name: 'M-Bus breaker state', shape: 'integer' },
};

/** M-Bus device types (EN 13757-3) that carry a volume DSMR maps to a canonical channel. */
export const MBUS_DEVICE = { gas: 3, heat: 4, water: 7 } as const;

export function objectSpec(a: number, b: number, c: number, d: number, e: number): ObjectSpec | undefined {
  const exact = OBJECTS[`${a}-${b}:${c}.${d}.${e}`];
  if (exact !== undefined || a !== 0 || b < 1 || b > 4) return exact;
  return OBJECTS[`0-n:${c}.${d}.${e}`];
}
