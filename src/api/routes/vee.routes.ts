import type { FastifyPluginAsync } from 'fastify';
import { epochToIso, QUALITY, qualityFlag } from '../../model/index.ts';
import {
  actorOf, assertRuleSet, EDIT_METHODS, EXCEPTION_STATUSES, MAX_BULK, type EditMethod, type ExceptionPatch, type ExceptionStatus, type ExceptionView, type Services,
} from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { rangeParams } from '../params.ts';
import { collection, idParam, ok, pageQuery, problems, rangeQuery, time } from '../schemas/common.ts';

interface Paged {
  limit?: number;
  cursor?: string;
}

const str = { type: 'string' } as const;
const status = { type: 'string', enum: EXCEPTION_STATUSES } as const;

export const exceptionSchema = {
  type: 'object',
  required: ['id', 'meter', 'channel', 'rule', 'severity', 'from', 'to', 'message', 'status', 'createdAt', 'updatedAt', 'ageS'],
  properties: {
    id: { type: 'integer' },
    meter: str,
    channel: str,
    rule: { type: 'string', description: 'VEE rule id (docs/vee.md)' },
    severity: { type: 'string', enum: ['info', 'warning', 'error'] },
    from: { ...time, description: 'Start of the first interval concerned' },
    to: { ...time, description: 'End of the last interval concerned' },
    message: str,
    status,
    assignee: str,
    createdAt: time,
    updatedAt: time,
    ageS: { type: 'integer', description: 'Seconds since the exception was opened (SLA age)' },
  },
} as const;

export function exceptionDto(e: ExceptionView) {
  return {
    id: e.id, meter: e.meterId, channel: e.channel, rule: e.rule, severity: e.severity, from: epochToIso(e.start), to: epochToIso(e.end),
    message: e.message, status: e.status, ...(e.assignee !== undefined ? { assignee: e.assignee } : {}),
    createdAt: epochToIso(e.createdAt), updatedAt: epochToIso(e.updatedAt), ageS: e.ageS,
  };
}

const patchProperties = {
  status,
  assignee: { type: ['string', 'null'], minLength: 1, maxLength: 200, description: 'Who works on it; null unassigns' },
  note: { type: 'string', maxLength: 2000, description: 'Why, kept in the audit entry' },
} as const;

interface PatchBody { status?: ExceptionStatus; assignee?: string | null; note?: string }
const patchOf = (b: PatchBody): ExceptionPatch => ({ ...(b.status !== undefined ? { status: b.status } : {}), ...(b.assignee !== undefined ? { assignee: b.assignee } : {}) });

/** VEE in operation: the exceptions work queue (docs/decisions/2026-11-26-vee-flow.md). */
export const veeRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Querystring: Paged & { rule?: string; status?: ExceptionStatus; meter?: string; channel?: string; feeder?: string; transformer?: string; minAgeS?: number } }>('/vee/exceptions', {
    config: { permission: 'vee:read' },
    schema: {
      tags: ['vee'],
      summary: 'The VEE exceptions work queue: failed validations, oldest first',
      querystring: {
        type: 'object',
        properties: {
          ...pageQuery,
          rule: { type: 'string', description: 'Rule id, e.g. spike, gap, register-sum' },
          status,
          meter: str,
          channel: { type: 'string', description: 'OBIS code' },
          feeder: { type: 'string', description: 'Only meters on this feeder (region)' },
          transformer: str,
          minAgeS: { type: 'integer', minimum: 0, description: 'Only exceptions open at least this many seconds (SLA breaches)' },
        },
      },
      response: { 200: ok('A page of exceptions', collection(exceptionSchema)), ...problems() },
    },
  }, async (req) => {
    const { limit, cursor, rule, status: st, meter, channel, feeder, transformer, minAgeS } = req.query;
    const page = await services.veeExceptions.list({
      ...(rule !== undefined ? { rule } : {}), ...(st !== undefined ? { status: st } : {}), ...(meter !== undefined ? { meterId: meter } : {}),
      ...(channel !== undefined ? { channel } : {}), ...(feeder !== undefined ? { feederId: feeder } : {}),
      ...(transformer !== undefined ? { transformerId: transformer } : {}), ...(minAgeS !== undefined ? { minAgeS } : {}),
    }, { limit, cursor });
    return { items: page.items.map(exceptionDto), total: page.total, next: page.next };
  });

  app.patch<{ Params: { id: number }; Body: PatchBody }>('/vee/exceptions/:id', {
    config: { permission: 'vee:write' },
    schema: {
      tags: ['vee'],
      summary: 'Assign an exception or change its status (audited)',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } },
      body: { type: 'object', additionalProperties: false, minProperties: 1, properties: patchProperties },
      response: { 200: ok('The exception after the change', exceptionSchema), ...problems(404) },
    },
  }, async (req) => exceptionDto(await services.veeExceptions.update(req.params.id, patchOf(req.body), actorOf(principalOf(req)), req.body.note)));

  app.post<{ Body: PatchBody & { ids: number[] } }>('/vee/exceptions/bulk', {
    config: { permission: 'vee:write' },
    schema: {
      tags: ['vee'],
      summary: 'The same change on many exceptions at once; all or nothing if an id is unknown',
      body: {
        type: 'object', additionalProperties: false, required: ['ids'],
        properties: { ids: { type: 'array', minItems: 1, maxItems: MAX_BULK, items: { type: 'integer', minimum: 1 } }, ...patchProperties },
      },
      response: { 200: ok('The exceptions after the change', { type: 'object', required: ['items'], properties: { items: { type: 'array', items: exceptionSchema } } }), ...problems(404) },
    },
  }, async (req) => {
    const items = await services.veeExceptions.bulk(req.body.ids, patchOf(req.body), actorOf(principalOf(req)), req.body.note);
    return { items: items.map(exceptionDto) };
  });

  app.post<{ Params: { id: string }; Body: { channel: string; from: string; to: string; method: EditMethod; values?: number[]; quality?: 'S' | 'F'; reasonCode: number; note: string } }>('/meters/:id/readings/edit', {
    config: { permission: 'vee:write' },
    schema: {
      tags: ['vee'],
      summary: 'Manual edit: substitute a range of one channel as a new version (the original is kept), audited',
      params: idParam,
      body: {
        type: 'object', additionalProperties: false, required: ['channel', 'from', 'to', 'method', 'reasonCode', 'note'],
        properties: {
          channel: { type: 'string', description: 'OBIS code' },
          ...rangeQuery,
          method: { type: 'string', enum: EDIT_METHODS, description: 'values: the given ones; linear: between the intervals around the range; zero' },
          values: { type: 'array', maxItems: 31 * 1440, items: { type: 'integer' }, description: 'One integer per interval in the stored unit (Wh, varh, mV …)' },
          quality: { type: 'string', enum: ['S', 'F'], default: 'S', description: 'F: final substitute' },
          reasonCode: { type: 'integer', minimum: 1, maximum: 99, description: 'MDFF reason code, e.g. 24 data correction' },
          note: { type: 'string', minLength: 1, maxLength: 2000, description: 'Why (kept in the audit log)' },
        },
      },
      response: {
        200: ok('What the edit changed', {
          type: 'object', required: ['meter', 'channel', 'from', 'to', 'intervals', 'versioned', 'before', 'after', 'exceptions'],
          properties: {
            meter: str, channel: str, from: time, to: time, intervals: { type: 'integer' }, versioned: { type: 'integer' },
            before: { type: 'object', properties: { total: { type: 'number' }, missing: { type: 'integer' } } },
            after: { type: 'object', properties: { total: { type: 'number' } } },
            exceptions: { type: 'array', items: { type: 'integer' }, description: 'Exceptions over the range, now edited' },
          },
        }),
        ...problems(404),
      },
    },
  }, async (req) => {
    const b = req.body;
    const r = await services.veeEdit.edit({
      meterId: req.params.id, channel: b.channel, ...rangeParams(b), method: b.method, ...(b.values !== undefined ? { values: b.values } : {}),
      ...(b.quality !== undefined ? { quality: b.quality } : {}), reasonCode: b.reasonCode, note: b.note, actor: actorOf(principalOf(req)),
    });
    return { ...r, meter: r.meterId, from: epochToIso(r.from), to: epochToIso(r.to) };
  });

  app.get<{ Params: { id: string }; Querystring: { channel: string; from: string; to: string } }>('/meters/:id/readings/versions', {
    config: { permission: 'vee:read' },
    schema: {
      tags: ['vee'],
      summary: 'Every stored version of a channel\'s day blocks over a range, oldest first (originals, VEE outcomes, edits)',
      params: idParam,
      querystring: { type: 'object', required: ['channel', 'from', 'to'], properties: { channel: str, ...rangeQuery } },
      response: {
        200: ok('Versions per UTC day block', {
          type: 'object', required: ['meter', 'channel', 'items'],
          properties: {
            meter: str, channel: str,
            items: {
              type: 'array',
              items: {
                type: 'object', required: ['day', 'version', 'recordedAt', 'start', 'intervalS', 'values', 'quality', 'reason'],
                properties: {
                  day: time, version: { type: 'integer' }, recordedAt: time, start: time, intervalS: { type: 'integer' },
                  values: { type: 'array', items: { type: ['number', 'null'] }, description: 'null: missing' },
                  quality: { type: 'string', description: 'One flag per interval (A S E F N V)' },
                  reason: { type: 'array', items: { type: 'integer' } },
                },
              },
            },
          },
        }),
        ...problems(404),
      },
    },
  }, async (req) => {
    const { from, to } = rangeParams(req.query);
    const { channel, versions } = await services.veeEdit.versions(req.params.id, req.query.channel, from, to);
    return {
      meter: req.params.id, channel: channel.obis,
      items: versions.map((v) => ({
        day: epochToIso(v.day), version: v.version, recordedAt: epochToIso(v.recordedAt), start: epochToIso(v.series.start), intervalS: v.series.intervalS,
        values: Array.from(v.series.values, (x, i) => (v.series.quality[i] === QUALITY.N ? null : x)),
        quality: Array.from(v.series.quality, (q) => qualityFlag(q)).join(''),
        reason: Array.from(v.series.reason ?? new Uint8Array(v.series.values.length)),
      })),
    };
  });

  const completeness = {
    type: 'object', required: ['expected', 'present', 'actual', 'estimated', 'completeness', 'actualShare'],
    properties: {
      expected: { type: 'integer', description: 'Intervals on the grid (92/96/100 quarter-hours a local day)' },
      present: { type: 'integer', description: 'Intervals with a value, actual or estimated' },
      actual: { type: 'integer' }, estimated: { type: 'integer', description: 'Substituted or estimated (S, E, F)' },
      completeness: { type: 'number', description: 'present / expected' }, actualShare: { type: 'number', description: 'actual / expected' },
      arrived: { type: 'integer', description: 'Intervals whose first arrival the ingest flow recorded' },
      onTime: { type: 'integer', description: 'Of those, how many arrived within withinH hours of their end' },
      timeliness: { type: 'number', description: 'onTime / arrived' },
    },
  } as const;
  app.get<{ Querystring: { from: string; to: string; channel?: string; meter?: string; feeder?: string; transformer?: string; zone?: string; withinH?: number } }>('/vee/quality', {
    config: { permission: 'vee:read' },
    schema: {
      tags: ['vee'],
      summary: 'Data quality: completeness (actual vs estimated) and timeliness per local day and per meter, for a meter, transformer, feeder or the fleet',
      querystring: {
        type: 'object', required: ['from', 'to'],
        properties: {
          ...rangeQuery, channel: { type: 'string', default: '1-0:1.8.0' }, meter: str, feeder: { type: 'string', description: 'Region' }, transformer: str,
          zone: { type: 'string', description: 'IANA zone of the local days; default the (first) meter\'s zone' },
          withinH: { type: 'number', exclusiveMinimum: 0, default: 24, description: 'Timeliness threshold: hours after an interval\'s end' },
        },
      },
      response: {
        200: ok('Completeness figures', {
          type: 'object', required: ['channel', 'zone', 'meters', 'withinH', 'total', 'days', 'byMeter'],
          properties: {
            channel: str, zone: str, meters: { type: 'integer' }, withinH: { type: 'number' }, total: completeness,
            days: { type: 'array', items: { ...completeness, required: [...completeness.required, 'date'], properties: { ...completeness.properties, date: str } } },
            byMeter: { type: 'array', description: 'Worst first, at most 1,000', items: { ...completeness, required: [...completeness.required, 'meter'], properties: { ...completeness.properties, meter: str } } },
          },
        }),
        ...problems(404),
      },
    },
  }, async (req) => {
    const { channel, meter, feeder, transformer, zone, withinH } = req.query;
    const r = await services.veeQuality.report({
      ...rangeParams(req.query), ...(channel !== undefined ? { channel } : {}), ...(meter !== undefined ? { meterId: meter } : {}),
      ...(feeder !== undefined ? { feederId: feeder } : {}), ...(transformer !== undefined ? { transformerId: transformer } : {}), ...(zone !== undefined ? { zone } : {}),
      ...(withinH !== undefined ? { withinH } : {}),
    });
    return { ...r, byMeter: r.byMeter.map(({ meterId, ...c }) => ({ meter: meterId, ...c })) };
  });

  app.post<{ Body: { from: string; to: string; meters: string[]; ruleSet?: unknown; reestimate?: boolean } }>('/vee/revalidate', {
    config: { permission: 'vee:write' },
    schema: {
      tags: ['vee'],
      summary: 'Re-run VEE over a period for up to 100 meters (the CLI `meterstack vee revalidate` takes any number); new versions only where the outcome changes',
      body: {
        type: 'object', additionalProperties: false, required: ['from', 'to', 'meters'],
        properties: {
          ...rangeQuery,
          meters: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1 } },
          ruleSet: { type: 'object', description: 'A rule set (docs/vee.md); default: the running one' },
          reestimate: { type: 'boolean', description: 'Estimate S/E intervals again too (replaces manual edits)' },
        },
      },
      response: {
        200: ok('Outcome', {
          type: 'object', required: ['job', 'meters', 'runs', 'changed'],
          properties: { job: str, meters: { type: 'integer' }, runs: { type: 'integer' }, changed: { type: 'integer', description: 'Channel windows that got a new version' } },
        }),
        ...problems(404),
      },
    },
  }, async (req) => {
    const b = req.body;
    const r = await services.vee.revalidate({
      ...rangeParams(b), meterIds: b.meters, ...(b.ruleSet !== undefined ? { ruleSet: assertRuleSet(b.ruleSet) } : {}),
      ...(b.reestimate ? { reestimate: true } : {}), actor: actorOf(principalOf(req)),
    });
    return { job: r.job, meters: r.meters, runs: r.runs, changed: r.changed };
  });
};
