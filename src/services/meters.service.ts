import { MeterstackError, type Channel, type Meter, type Topology, type Transformer } from '../model/index.ts';
import type { MeterFilter, Page, Store } from '../store/store.port.ts';
import { queryScope, storePage, type PageQuery } from './paging.ts';

export interface MeterDetail {
  readonly meter: Meter;
  readonly channels: readonly Channel[];
}

type MeterPorts = Pick<Store, 'listMeters' | 'getMeter' | 'listChannels' | 'getTopology' | 'upsertMeters' | 'upsertChannels' | 'appendAudit'>;

export class MetersService {
  constructor(private readonly store: MeterPorts) {}

  list(filter: MeterFilter, page: PageQuery): Promise<Page<Meter>> {
    const clean = dropEmpty(filter);
    return storePage(queryScope('meters', clean), page, (req) => this.store.listMeters(clean, req));
  }

  async get(id: string): Promise<MeterDetail> {
    const meter = await this.store.getMeter(id);
    if (!meter) throw new MeterstackError('METER_NOT_FOUND', `no meter "${id}"`, { details: { meterId: id } });
    return { meter, channels: await this.store.listChannels(id) };
  }

  /**
   * Registers the meters and channels a file or a device describes that are not known yet; known
   * ones are left as they are (a file never overwrites what an operator set). Each new one gets an
   * audit entry. Returns how many meters and channels were added.
   */
  async registerNew(meters: readonly Meter[], channels: readonly Channel[], actor: string, at: number): Promise<{ meters: number; channels: number }> {
    const newMeters: Meter[] = [];
    for (const m of meters) if (!(await this.store.getMeter(m.id)) && !newMeters.some((x) => x.id === m.id)) newMeters.push(m);
    const known = new Map<string, Set<string>>();
    const newChannels: Channel[] = [];
    for (const c of channels) {
      let set = known.get(c.meterId);
      if (!set) known.set(c.meterId, (set = new Set((await this.store.listChannels(c.meterId)).map((x) => x.obis))));
      if (set.has(c.obis)) continue;
      set.add(c.obis);
      newChannels.push(c);
    }
    if (newMeters.length) await this.store.upsertMeters(newMeters);
    if (newChannels.length) await this.store.upsertChannels(newChannels);
    await this.store.appendAudit([
      ...newMeters.map((m) => ({ at, actor, action: 'meter.register', object: `meter:${m.id}`, details: { kind: m.kind, timeZone: m.timeZone } })),
      ...newChannels.map((c) => ({ at, actor, action: 'channel.register', object: `meter:${c.meterId}`, details: { obis: c.obis, unit: c.unit, intervalS: c.intervalS } })),
    ]);
    return { meters: newMeters.length, channels: newChannels.length };
  }

  topology(): Promise<Topology> {
    return this.store.getTopology();
  }

  async transformer(id: string): Promise<Transformer> {
    const t = (await this.store.getTopology()).transformers.find((x) => x.id === id);
    if (!t) throw new MeterstackError('TRANSFORMER_NOT_FOUND', `no transformer "${id}"`, { details: { transformerId: id } });
    return t;
  }
}

/** An empty query parameter means "no filter", not "match the empty string". */
function dropEmpty(filter: MeterFilter): MeterFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== '')) as MeterFilter;
}
