import { epochToIso, obisDefinition, type Channel, type IntervalReading, type Meter, type Topology } from '../model/index.ts';
import type { AuditEntry, BucketTotal, Load, LoadPoint, ReceiptEntry, Reject } from '../services/index.ts';

/**
 * Canonical → API mapping (STYLE 11): epoch seconds become ISO 8601 with offset, optional fields
 * stay absent rather than null. The only place the wire shape is decided.
 */

const iso = (t: number | undefined, zone?: string) => (t === undefined ? undefined : epochToIso(t, zone));

const defined = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export function meterDto(m: Meter) {
  return defined({
    id: m.id, kind: m.kind, status: m.status,
    vendor: m.vendor, model: m.model, firmware: m.firmware, protocol: m.protocol,
    servicePoint: m.servicePoint, premise: m.premise,
    location: m.lat !== undefined && m.lon !== undefined ? { lat: m.lat, lon: m.lon } : undefined,
    grid: m.grid ? defined({ ...m.grid }) : undefined,
    timeZone: m.timeZone,
    tags: [...(m.tags ?? [])],
    installedAt: iso(m.installedAt), removedAt: iso(m.removedAt),
  });
}

export function channelDto(c: Channel) {
  return defined({ obis: c.obis, name: obisDefinition(c.obis)?.name, unit: c.unit, intervalS: c.intervalS, readingType: c.readingType });
}

export function topologyDto(t: Topology) {
  return {
    feeders: t.feeders.map((f) => defined({ ...f })),
    transformers: t.transformers.map((x) => defined({ ...x })),
  };
}

export function readingDto(r: IntervalReading, zone: string) {
  return defined({
    start: r.intervalS > 0 ? iso(r.end - r.intervalS, zone) : undefined,
    end: iso(r.end, zone), value: r.value, quality: r.quality, reason: r.reason,
  });
}

export function bucketDto(b: BucketTotal, zone: string) {
  return {
    label: b.label, start: iso(b.start, zone), end: iso(b.end, zone), value: b.total,
    intervals: b.intervals, expected: b.expected, estimated: b.estimated, missing: b.missing,
  };
}

function loadPointDto(p: LoadPoint, energy: boolean, zone: string) {
  return defined({
    start: iso(p.start, zone), end: iso(p.end, zone), value: p.value,
    averageW: energy ? (p.value * 3600) / (p.end - p.start) : undefined,
    contributors: p.contributors, quality: p.quality,
  });
}

export function loadDto(l: Load, zone: string) {
  const energy = l.unit === 'Wh';
  return defined({
    channel: l.channel, unit: l.unit, intervalS: l.intervalS, from: iso(l.from, zone), to: iso(l.to, zone),
    meters: l.meters, latest: l.latest === null ? null : iso(l.latest, zone),
    items: l.points.map((p) => loadPointDto(p, energy, zone)), total: l.points.length, next: null,
  });
}

export function rejectDto(r: Reject) {
  return defined({
    id: r.id, at: iso(r.at), source: r.source, receiptSeq: r.receiptSeq, position: r.position,
    meter: r.meterId, channel: r.channel, code: r.code, reason: r.reason, item: r.item,
  });
}

export function receiptDto(r: ReceiptEntry) {
  return { seq: r.seq, sha256: r.sha256, source: r.source, receivedAt: iso(r.receivedAt), bytes: r.bytes, prevHash: r.prevHash, hash: r.hash };
}

export function auditDto(a: AuditEntry) {
  return defined({ seq: a.seq, at: iso(a.at), actor: a.actor, action: a.action, object: a.object, details: a.details, prevHash: a.prevHash, hash: a.hash });
}
