/** The shared codec conformance harness: vectors × {parse, generate, mirror}, properties, fuzz. */
export { runVectors, assertRaises, fromHex, toHex, type Codec, type Vector } from './vectors.ts';
export { roundTripProperty, reencodeProperty, type PropertyOptions } from './properties.ts';
export { fuzzDecoder, checkDecoder, mutate, mutationArb, type FuzzOptions, type Mutation } from './fuzz.ts';
