export { BLOCK_FORMAT, decodeBlock, decodeBlockInto, encodeBlock, encodeBlockShared, readBlockHeader } from './block-codec.ts';
export type { BlockHeader, DayBlock, DecodedInto } from './block-codec.ts';
