import { MeterstackError, type Channel, type Meter, type Topology, type Transformer } from '../model/index.ts';
import type { MeterFilter, Page, Store } from '../store/store.port.ts';
import { queryScope, storePage, type PageQuery } from './paging.ts';

export interface MeterDetail {
  readonly meter: Meter;
  readonly channels: readonly Channel[];
}

type MeterPorts = Pick<Store, 'listMeters' | 'getMeter' | 'listChannels' | 'getTopology'>;

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
