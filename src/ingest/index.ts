export type { DecodedMessage, IngestResult, IngestStats, Ingestor, ItemRejection, MessageRejection, RawMessage } from './ingest.port.ts';
export { createPipeline, type IngestJob, type PipelineOptions } from './pipeline.ts';
export type { SeriesStage, StageContext } from './stages/stage.ts';
