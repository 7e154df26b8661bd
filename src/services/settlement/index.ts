export {
  SettlementService, DEFAULT_SETTLEMENT, runId, IMPORT as SETTLEMENT_IMPORT, EXPORT as SETTLEMENT_EXPORT,
  type GroupView, type PeriodView, type RunComparison, type RunDetail, type RunListQuery, type RunOutcome, type RunRequest, type RunSummary,
  type SettlementExport, type SettlementSettings,
} from './settlement.service.ts';
export { aggregate, groupTotals, poolTotals, settles, type PeriodArrays } from './aggregate.rules.ts';
export { checkAllocation, checkCompleteness, checkGroupTotals, checkPeriodCount, checkPeriodSums, type MeterSums } from './checks.rules.ts';
export { diffRuns, type DiffGroup, type GroupDiff, type RunDiff } from './diff.rules.ts';
export { CSV_COLUMNS, EXPORT_FORMATS, formatKwh, pointQuality, toCsv, toXml, XML_NAMESPACE, type ExportFormat } from './export.rules.ts';
export { assertDay, expectedPeriodCount, settlementDay } from './periods.rules.ts';
export {
  CHECK_NAMES, PERIOD_S, type ChannelSlice, type CheckName, type CheckResult, type GroupAggregate, type GroupTotals, type MeterSegment, type SettlementDay,
} from './settlement.model.ts';
