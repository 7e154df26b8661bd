/** A-XDR (COSEM data) codec: the value model, decoder, encoder, date-time mapping and profile walker. */
export * from './types.ts';
export { decodeData, decodeAll, expectType, DEFAULT_MAX_DEPTH, type DecodeOptions } from './decode.ts';
export { encodeData } from './encode.ts';
export { decodeLength, encodeLength, hexToBytes, bytesToHex } from './bytes.ts';
export * from './datetime.ts';
