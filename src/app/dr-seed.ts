import { DateTime } from 'luxon';
import type { EpochSeconds } from '../model/index.ts';
import type { Fleet } from '../sim/index.ts';
import type { Platform } from './platform.ts';

/** How many demo homes the first start gives a login (start.ts): they get the demo events too. */
const DEMO_HOMES = 3;

/**
 * Demo peak events on a fresh `meterstack start` (docs/demand-response.md § Demo): the evening peak
 * (17:00–20:00 local) of the last weekday before today, already measured against its baseline, and
 * tomorrow's evening peak, announced now. Both target the first transformer, the homes with a demo
 * login and the MQTT meters (the last of the fleet), so the console, the portal and the in-home
 * displays all show something.
 */
export async function seedPeakEvents(p: Platform, fleet: Fleet, now: EpochSeconds, mqttMeters: number): Promise<{ past: string; upcoming: string }> {
  const zone = fleet.zone;
  const today = DateTime.fromSeconds(now, { zone }).startOf('day');
  let past = today.minus({ days: 1 });
  while (past.weekday > 5) past = past.minus({ days: 1 });
  const homes = fleet.meters.filter((m) => m.tags?.includes('household') && m.premise).slice(0, DEMO_HOMES).map((m) => m.premise!);
  const mqtt = fleet.meters.slice(-Math.max(0, mqttMeters)).map((m) => m.premise).filter((x): x is string => x !== undefined);
  const transformer = fleet.topology.transformers[0]?.id;
  const targets = { ...(transformer ? { transformers: [transformer] } : {}), premises: [...new Set([...homes, ...mqtt])] };
  const at = (d: DateTime, h: number) => d.set({ hour: h }).toSeconds();
  const a = await p.services.dr.create('sim', {
    name: 'Evening peak', kind: 'critical-peak-price', start: at(past, 17), end: at(past, 20), noticeAt: at(past.minus({ days: 1 }), 12),
    levels: [
      { start: at(past, 17), end: at(past, 18), level: 2, price: 0.6 },
      { start: at(past, 18), end: at(past, 20), level: 3, price: 0.95 },
    ],
    targets, message: 'Grid peak: please shift washing, drying and EV charging to after 20:00.',
  });
  const tomorrow = today.plus({ days: 1 });
  const b = await p.services.dr.create('sim', {
    name: 'Tomorrow\'s evening peak', kind: 'critical-peak-price', start: at(tomorrow, 17), end: at(tomorrow, 20), level: 3, price: 0.95,
    targets, message: 'Grid peak tomorrow 17:00–20:00: please shift washing, drying and EV charging to after 20:00.',
  });
  // The past event is measured now, once history is stored.
  await p.services.dr.get(a.id);
  return { past: a.id, upcoming: b.id };
}
