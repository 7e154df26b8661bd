export { nem12Import, nem13Import } from './nem-format.ts';
export { NemDecoder, BATCH_READINGS } from './decoder.ts';
