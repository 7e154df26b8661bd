import { createHash } from 'node:crypto';
import { MeterstackError, QUALITY, obisDefinition, shortObis, type Channel, type Meter } from '../../model/index.ts';
import { localDaySlices, type ExportFormat, type ExportRequest } from '../format.ts';
import { ATOM_NS, ESPI_NS } from './espi.ts';
import type { LocalTimeFields } from './espi-reader.ts';
import { localTimeOf } from './local-time.ts';
import { espiQualities } from './quality-map.ts';
import { readingTypeFields, SERVICE_OF_KIND } from './reading-type-map.ts';

/**
 * A meter's interval channels as a Green Button Atom feed: a UsagePoint, its LocalTimeParameters
 * (the meter's IANA zone as ESPI DST rules), and per channel a MeterReading, its ReadingType and
 * one IntervalBlock per local day (so a DST day holds 92 or 100 quarter-hours). The feed validates
 * against the ESPI 4.0 XSD (../shared/schemas/espi). Links follow the ESPI resource hierarchy under
 * an https://meterstack.invalid/… root, which import reads back as the meter id; ids are name-based
 * UUIDs of those links, so exporting the same data twice gives the same document.
 */

export const RESOURCE_ROOT = 'https://meterstack.invalid/espi/1_1/resource';
const FLUSH_CHARS = 1 << 16;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const iso = (t: number): string => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

/** A name-based (SHA-1, version 5 layout) UUID of a link, so ids are stable across exports. */
function uuidOf(name: string): string {
  const h = createHash('sha1').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `urn:uuid:${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

interface Link {
  readonly rel: 'self' | 'up' | 'related';
  readonly href: string;
  readonly type: string;
}

function entry(title: string, links: readonly Link[], content: string, updated: string): string {
  const ls = links.map((l) => `    <link rel="${l.rel}" href="${esc(l.href)}" type="${l.type}"/>\n`).join('');
  return `  <entry>\n    <id>${uuidOf(links[0]!.href)}</id>\n${ls}    <title>${esc(title)}</title>\n`
    + `    <content type="xml">\n      ${content}\n    </content>\n    <published>${updated}</published>\n    <updated>${updated}</updated>\n  </entry>\n`;
}

const espi = (name: string, body: string): string => `<${name} xmlns="${ESPI_NS}">${body}</${name}>`;
const el = (name: string, v: string | number): string => `<${name}>${v}</${name}>`;

function usagePoint(meter: Meter): string {
  return espi('UsagePoint', el('ServiceCategory', el('kind', SERVICE_OF_KIND[meter.kind])) + el('status', meter.status === 'active' ? 1 : 0));
}

function localTime(ltp: LocalTimeFields): string {
  return espi('LocalTimeParameters', el('dstEndRule', ltp.dstEndRule) + el('dstOffset', ltp.dstOffset) + el('dstStartRule', ltp.dstStartRule) + el('tzOffset', ltp.tzOffset));
}

function readingBody(start: number, intervalS: number, value: number, quality: number): string {
  const q = espiQualities(quality).map((c) => el('ReadingQuality', el('quality', c))).join('');
  return `<IntervalReading>${q}${el('timePeriod', el('duration', intervalS) + el('start', start))}${el('value', value)}</IntervalReading>`;
}

class Out {
  private buf = '';
  constructor(private readonly sink: (chunk: string) => void | Promise<void>) {}
  async add(s: string): Promise<void> {
    this.buf += s;
    if (this.buf.length >= FLUSH_CHARS) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.buf) await this.sink(this.buf);
    this.buf = '';
  }
}

async function writeChannel(out: Out, req: ExportRequest, channel: Channel, k: number, up: string, updated: string): Promise<void> {
  const def = obisDefinition(channel.obis);
  if (!def) throw new MeterstackError('GREENBUTTON_UNSUPPORTED_READING_TYPE', `channel ${channel.obis} has no ReadingType mapping (not in the OBIS table)`);
  const mr = `${up}/MeterReading/${k}`;
  const rt = `${RESOURCE_ROOT}/ReadingType/${encodeURIComponent(req.meter.id)}.${k}`;
  await out.add(entry(`${shortObis(channel.obis)} ${def.name}`, [
    { rel: 'self', href: mr, type: 'espi-entry/MeterReading' },
    { rel: 'up', href: `${up}/MeterReading`, type: 'espi-feed/MeterReading' },
    { rel: 'related', href: `${mr}/IntervalBlock`, type: 'espi-feed/IntervalBlock' },
    { rel: 'related', href: rt, type: 'espi-entry/ReadingType' },
  ], `<MeterReading xmlns="${ESPI_NS}"/>`, updated));
  const fields = readingTypeFields(def, channel.intervalS).map(([n, v]) => el(n, v)).join('');
  await out.add(entry(def.name, [
    { rel: 'self', href: rt, type: 'espi-entry/ReadingType' },
    { rel: 'up', href: `${RESOURCE_ROOT}/ReadingType`, type: 'espi-feed/ReadingType' },
  ], espi('ReadingType', fields), updated));
  const s = await req.series(channel);
  let n = 0;
  for (const day of localDaySlices(s, req.from, req.to, req.meter.timeZone)) {
    let body = '';
    for (let i = day.first; i < day.stop; i++) {
      // Missing intervals are left out: ESPI has no "missing" quality, a gap says it.
      if (s.quality[i] !== QUALITY.N) body += readingBody(s.start + i * s.intervalS, s.intervalS, s.values[i]!, s.quality[i]!);
    }
    if (body === '') continue;
    const href = `${mr}/IntervalBlock/${++n}`;
    await out.add(entry('', [
      { rel: 'self', href, type: 'espi-entry/IntervalBlock' },
      { rel: 'up', href: `${mr}/IntervalBlock`, type: 'espi-feed/IntervalBlock' },
    ], espi('IntervalBlock', el('interval', el('duration', day.end - day.start) + el('start', day.start)) + body), updated));
  }
}

export const greenbuttonExport: ExportFormat = {
  name: 'greenbutton',
  description: 'Green Button / NAESB ESPI Atom feed (validates against the ESPI 4.0 XSD)',
  async write(req, write) {
    const out = new Out(write);
    const { meter } = req;
    const updated = iso(req.to);
    const up = `${RESOURCE_ROOT}/UsagePoint/${encodeURIComponent(meter.id)}`;
    const ltp = `${RESOURCE_ROOT}/LocalTimeParameters/${encodeURIComponent(meter.id)}`;
    await out.add(`<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="${ATOM_NS}">\n  <id>${uuidOf(`${up}/feed`)}</id>\n`
      + `  <title>meterstack export of meter ${esc(meter.id)}</title>\n  <updated>${updated}</updated>\n`
      + `  <link rel="self" href="${esc(up)}" type="espi-feed/UsagePoint"/>\n`);
    await out.add(entry(meter.id, [
      { rel: 'self', href: up, type: 'espi-entry/UsagePoint' },
      { rel: 'up', href: `${RESOURCE_ROOT}/UsagePoint`, type: 'espi-feed/UsagePoint' },
      { rel: 'related', href: `${up}/MeterReading`, type: 'espi-feed/MeterReading' },
      { rel: 'related', href: ltp, type: 'espi-entry/LocalTimeParameters' },
    ], usagePoint(meter), updated));
    await out.add(entry(meter.timeZone, [
      { rel: 'self', href: ltp, type: 'espi-entry/LocalTimeParameters' },
      { rel: 'up', href: `${RESOURCE_ROOT}/LocalTimeParameters`, type: 'espi-feed/LocalTimeParameters' },
    ], localTime(localTimeOf(meter.timeZone, new Date(req.from * 1000).getUTCFullYear())), updated));
    let k = 0;
    for (const channel of req.channels) {
      if (channel.intervalS > 0) await writeChannel(out, req, channel, ++k, up, updated);
    }
    await out.add('</feed>\n');
    await out.flush();
  },
};
