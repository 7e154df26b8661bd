import type { FastifyPluginAsync } from 'fastify';
import { epochToIso } from '../../model/index.ts';
import {
  actorOf, SETTLEMENT_CHECKS, SETTLEMENT_EXPORT_FORMATS, type SettlementGroupView, type SettlementRunDetail,
  type SettlementRunOutcome, type SettlementRunSummary, type Services,
} from '../../services/index.ts';
import { principalOf } from '../auth.ts';
import { collection, idParam, ok, pageQuery, problems, time } from '../schemas/common.ts';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const share = { type: 'number', minimum: 0, maximum: 1 } as const;
const day = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Local settlement day YYYY-MM-DD in the market zone' } as const;
const zone = { type: 'string', minLength: 1, maxLength: 64, description: 'IANA market zone, e.g. Europe/Amsterdam (default: the configured one)' } as const;

const totalsProperties = {
  importWh: { ...num, description: 'Active energy import (1-0:1.8.0), Wh' },
  exportWh: { ...num, description: 'Active energy export (1-0:2.8.0), Wh' },
  expected: { ...int, description: 'Metering-point periods expected (sum over the periods)' },
  actual: int, estimated: int, missing: int,
  completeness: { ...share, description: '(actual + estimated) / expected' },
  actualShare: { ...share, description: 'actual / expected' },
  estimatedShare: { ...share, description: 'estimated / expected' },
} as const;
const totalsSchema = { type: 'object', required: Object.keys(totalsProperties), properties: totalsProperties } as const;

const checkSchema = {
  type: 'object', required: ['name', 'passed', 'message', 'failures'],
  properties: {
    name: { type: 'string', enum: SETTLEMENT_CHECKS }, passed: { type: 'boolean' }, message: str,
    failures: { type: 'array', items: { type: 'object', additionalProperties: true }, description: 'The first 50 failures' },
  },
} as const;

const diffSchema = {
  type: ['object', 'null'],
  description: 'Difference to the previous run of the same day and zone; null for run 1',
  required: ['previousRunId', 'importWhDelta', 'exportWhDelta', 'changedGroups', 'groups'],
  properties: {
    previousRunId: str, importWhDelta: num, exportWhDelta: num, changedGroups: int,
    groups: {
      type: 'array',
      items: {
        type: 'object',
        required: ['gridArea', 'brp', 'supplier', 'change', 'importWhDelta', 'exportWhDelta', 'completenessDelta', 'changedPeriods'],
        properties: {
          gridArea: str, brp: str, supplier: str, change: { type: 'string', enum: ['new', 'gone', 'changed', 'unchanged'] },
          importWhDelta: num, exportWhDelta: num,
          completenessDelta: { ...num, description: 'This run\'s completeness minus the previous run\'s (0.01 = one percentage point)' },
          estimatedShareDelta: num, actualDelta: int, estimatedDelta: int, missingDelta: int,
          changedPeriods: { type: 'array', items: int, description: 'Positions whose energy or counts changed' },
        },
      },
    },
  },
} as const;

const summaryProperties = {
  id: str, day: str, zone: str, runNo: { ...int, description: 'Run number of the day and zone: 1, 2, …' },
  at: time, actor: str,
  status: { type: 'string', enum: ['complete', 'incomplete'], description: 'Every group at least `threshold` complete, or not' },
  consistent: { type: 'boolean', description: 'Period count, period sums, group totals and allocation checks passed' },
  failedChecks: { type: 'array', items: { type: 'string', enum: SETTLEMENT_CHECKS } },
  start: { ...time, description: 'Local midnight starting the day' }, end: time,
  periods: { ...int, description: '92, 96 or 100 quarter-hours' },
  groupCount: int, meteringPoints: int, meters: int, threshold: share, totals: totalsSchema,
  warnings: { type: 'array', items: str, description: 'The first 50 (meters without a usable import channel, …)' }, warningCount: int,
} as const;
const summarySchema = { type: 'object', required: Object.keys(summaryProperties), properties: summaryProperties } as const;

const outcomeSchema = {
  type: 'object', required: [...Object.keys(summaryProperties), 'checks', 'diff'],
  properties: { ...summaryProperties, checks: { type: 'array', items: checkSchema }, diff: diffSchema },
} as const;

const periodSchema = {
  type: 'object', required: ['position', 'start', 'localStart', 'importWh', 'exportWh', 'expected', 'withData', 'actual', 'estimated', 'missing'],
  properties: {
    position: { ...int, description: '1-based period of the local day' }, start: { ...time, description: 'UTC' },
    localStart: { ...time, description: 'In the market zone, with its offset (tells the repeated hour apart)' },
    importWh: num, exportWh: num, expected: int, withData: int, actual: int, estimated: int, missing: int,
  },
} as const;

const detailSchema = {
  type: 'object', required: [...outcomeSchema.required, 'groups'],
  properties: {
    ...outcomeSchema.properties,
    groups: {
      type: 'array',
      items: {
        type: 'object', required: ['gridArea', 'brp', 'supplier', 'meteringPoints', 'meters', 'periods', ...Object.keys(totalsProperties)],
        properties: {
          gridArea: str, brp: str, supplier: str, meteringPoints: int, meters: int, exportMeters: int, ...totalsProperties,
          periods: { type: 'array', items: periodSchema },
        },
      },
    },
  },
} as const;

function summaryDto(s: SettlementRunSummary) {
  return {
    id: s.id, day: s.day, zone: s.zone, runNo: s.runNo, at: epochToIso(s.at), actor: s.actor, status: s.status, consistent: s.consistent,
    failedChecks: s.failedChecks, start: epochToIso(s.start, s.zone), end: epochToIso(s.end, s.zone), periods: s.periods,
    groupCount: s.groupCount, meteringPoints: s.meteringPoints, meters: s.meters, threshold: s.threshold, totals: s.totals,
    warnings: s.warnings, warningCount: s.warningCount,
  };
}

function outcomeDto(o: SettlementRunOutcome) {
  return { ...summaryDto(o), checks: o.checks, diff: o.diff };
}

function groupDto(g: SettlementGroupView, zoneName: string) {
  const { periods, ...rest } = g;
  return {
    ...rest,
    periods: periods.map((p) => ({ ...p, start: epochToIso(p.start), localStart: epochToIso(p.start, zoneName) })),
  };
}

function detailDto(d: SettlementRunDetail) {
  return { ...outcomeDto(d), groups: d.groups.map((g) => groupDto(g, d.zone)) };
}

/** Settlement runs (docs/settlement.md): run a day, list and show runs, export them as CSV or XML. */
export const settlementRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post<{ Body: { day: string; zone?: string; threshold?: number } }>('/settlement/runs', {
    config: { permission: 'settlement:write' },
    schema: {
      tags: ['settlement'],
      summary: 'Settle a local day: aggregate per grid area, BRP and supplier and quarter-hour, check, store as the next run (audited)',
      body: {
        type: 'object', additionalProperties: false, required: ['day'],
        properties: { day, zone, threshold: { ...share, description: 'Completeness each group must reach (default 0.99)' } },
      },
      response: { 201: ok('The stored run: summary, checks and the difference to the previous run', outcomeSchema), ...problems() },
    },
  }, async (req, reply) => {
    const { day: d, zone: z, threshold } = req.body;
    const outcome = await services.settlement.run({
      day: d, ...(z !== undefined ? { zone: z } : {}), ...(threshold !== undefined ? { threshold } : {}), actor: actorOf(principalOf(req)),
    });
    reply.code(201).header('location', `${req.url.split('?')[0]}/${encodeURIComponent(outcome.id)}`);
    return outcomeDto(outcome);
  });

  app.get<{ Querystring: { limit?: number; cursor?: string; day?: string; zone?: string } }>('/settlement/runs', {
    config: { permission: 'settlement:read' },
    schema: {
      tags: ['settlement'],
      summary: 'Settlement runs, newest first',
      querystring: { type: 'object', properties: { ...pageQuery, day, zone } },
      response: { 200: ok('A page of runs', collection(summarySchema)), ...problems() },
    },
  }, async (req) => {
    const { limit, cursor, day: d, zone: z } = req.query;
    const page = await services.settlement.list({ limit, cursor, ...(d !== undefined ? { day: d } : {}), ...(z !== undefined ? { zone: z } : {}) });
    return { items: page.items.map(summaryDto), total: page.total, next: page.next };
  });

  app.get<{ Params: { id: string } }>('/settlement/runs/:id', {
    config: { permission: 'settlement:read' },
    schema: {
      tags: ['settlement'],
      summary: 'A run with every group\'s quarter-hours, its checks and the difference to the previous run',
      params: idParam,
      response: { 200: ok('The run', detailSchema), ...problems(404) },
    },
  }, async (req) => detailDto(await services.settlement.get(req.params.id)));

  app.get<{ Params: { id: string }; Querystring: { format: string } }>('/settlement/runs/:id/export', {
    config: { permission: 'settlement:read' },
    schema: {
      tags: ['settlement'],
      summary: 'The run as CSV (one row per group and quarter-hour) or ESMP-style XML (docs/settlement.md)',
      params: idParam,
      querystring: { type: 'object', required: ['format'], properties: { format: { type: 'string', enum: SETTLEMENT_EXPORT_FORMATS } } },
      response: {
        200: {
          description: 'The export, as a file',
          content: { 'text/csv': { schema: { type: 'string' } }, 'application/xml': { schema: { type: 'string' } } },
        },
        ...problems(404),
      },
    },
  }, async (req, reply) => {
    const x = await services.settlement.export(req.params.id, req.query.format);
    return reply.type(x.contentType).header('content-disposition', `attachment; filename="${x.filename}"`).send(x.body);
  });
};
