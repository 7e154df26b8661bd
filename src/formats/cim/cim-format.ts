import {
  MeterstackError, QUALITY, obisDefinition, shortObis,
  type Channel, type IntervalSeries, type Meter, type RegisterReading,
} from '../../model/index.ts';
import { localDaySlices, xmlStream, type ExportFormat, type ImportBatch, type ImportFormat } from '../format.ts';
import { cimIso } from './cim-values.ts';
import { qualityCodes } from './cim-quality.ts';
import { MeterReadingsReader } from './meter-readings-reader.ts';
import { codeFor } from './reading-type-code.ts';

export const CIM_NS = 'http://iec.ch/TC57/2011/MeterReadings#';
const BATCH_READINGS = 50_000;
const FLUSH_CHARS = 1 << 16;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const cimImport: ImportFormat = {
  name: 'cim',
  description: 'IEC 61968-9 MeterReadings XML (IntervalBlocks and Readings with CIM ReadingType codes)',
  sniff: (head) => /^\uFEFF?\s*</.test(head) && /MeterReadings[\s>/#]/.test(head),
  async *read(input, opts) {
    let meters: Meter[] = [];
    let channels: Channel[] = [];
    let series: IntervalSeries[] = [];
    let registers: RegisterReading[] = [];
    let ready = 0;
    const reader = new MeterReadingsReader(opts, (out) => {
      meters.push(...out.meters);
      channels.push(...out.channels);
      series.push(...out.series);
      registers.push(...out.registers);
      ready += out.series.reduce((n, s) => n + s.values.length, 0) + out.registers.length;
    });
    let bytes: Uint8Array[] = [];
    let line = 1;
    const take = (): ImportBatch => {
      const b = { meters, channels, series, registers, bytes: bytes.length === 1 ? bytes[0]! : Buffer.concat(bytes), line };
      meters = []; channels = []; series = []; registers = []; bytes = []; ready = 0;
      return b;
    };
    for await (const at of xmlStream(input, reader, 'CIM_BAD_DOCUMENT', opts.source)) {
      line = at.line;
      if (at.bytes.length > 0) bytes.push(at.bytes);
      if (ready >= BATCH_READINGS) yield take();
    }
    reader.end();
    if (ready > 0 || meters.length > 0) yield take();
  },
};

interface Planned {
  readonly channel: Channel;
  readonly code: string;
}

/** Channels to write, with their codes; two channels with one code cannot be told apart in CIM. */
function plan(channels: readonly Channel[]): Planned[] {
  const out: Planned[] = [];
  for (const channel of channels) {
    if (channel.intervalS <= 0) continue;
    const def = obisDefinition(channel.obis);
    if (!def) throw new MeterstackError('CIM_UNSUPPORTED_READING_TYPE', `channel ${channel.obis} has no CIM ReadingType (not in the OBIS table)`);
    const { code } = codeFor(def, channel.intervalS);
    const twin = out.find((p) => p.code === code);
    if (twin) {
      throw new MeterstackError('CIM_UNSUPPORTED_READING_TYPE',
        `channels ${shortObis(twin.channel.obis)} and ${shortObis(channel.obis)} share ReadingType ${code}, so a MeterReadings document cannot tell them apart; export them one at a time with --channel`);
    }
    out.push({ channel, code });
  }
  return out;
}

function meterXml(meter: Meter): string {
  const up = meter.servicePoint ? `<UsagePoint><mRID>${esc(meter.servicePoint)}</mRID></UsagePoint>` : '';
  return `<Meter><mRID>${esc(meter.id)}</mRID><Names><name>${esc(meter.id)}</name></Names></Meter>${up}`;
}

function intervalReadings(s: IntervalSeries, first: number, stop: number): string {
  let body = '';
  for (let i = first; i < stop; i++) {
    const q = s.quality[i]!;
    if (q === QUALITY.N) continue;
    const qs = qualityCodes(q).map((c) => `<ReadingQualities><ReadingQualityType ref="${c}"/></ReadingQualities>`).join('');
    body += `      <IntervalReadings><timeStamp>${cimIso(s.start + (i + 1) * s.intervalS)}</timeStamp><value>${s.values[i]}</value>${qs}</IntervalReadings>\n`;
  }
  return body;
}

/**
 * A meter's interval channels as IEC 61968-9 MeterReadings (2011 namespace): one MeterReading per
 * channel and local day, each with one IntervalBlocks (readings, then the ReadingType code) and
 * the Meter (mRID and name = meter id), in the schema's element order. Missing (N) intervals are
 * left out; timeStamp is the interval's end.
 */
export const cimExport: ExportFormat = {
  name: 'cim',
  description: 'IEC 61968-9 MeterReadings XML with CIM ReadingType codes',
  async write(req, write) {
    const planned = plan(req.channels);
    let buf = `<?xml version="1.0" encoding="UTF-8"?>\n<MeterReadings xmlns="${CIM_NS}">\n`;
    const meter = meterXml(req.meter);
    for (const { channel, code } of planned) {
      const s = await req.series(channel);
      for (const day of localDaySlices(s, req.from, req.to, req.meter.timeZone)) {
        const body = intervalReadings(s, day.first, day.stop);
        if (body === '') continue;
        buf += `  <MeterReading>\n    <IntervalBlocks>\n${body}      <ReadingType ref="${code}"/>\n    </IntervalBlocks>\n    ${meter}\n  </MeterReading>\n`;
        if (buf.length >= FLUSH_CHARS) { await write(buf); buf = ''; }
      }
    }
    await write(`${buf}</MeterReadings>\n`);
  },
};
