/**
 * Bad input never crashes or hangs: random octets and mutated real telegrams through every entry
 * point must only ever return or throw a DSMR_ MeterstackError, each within its time budget.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fuzzDecoder } from '../_harness/index.ts';
import { decryptFrame, encryptFrame } from './encrypted.ts';
import { inspectDsmr } from './inspect.ts';
import { TelegramSplitter } from './splitter.ts';
import { parseTelegram } from './telegram.ts';
import { toCanonical } from './to-canonical.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/dsmr/', import.meta.url));
const seeds = readdirSync(CORPUS).filter((f) => f.endsWith('.txt')).map((f) => Uint8Array.from(readFileSync(CORPUS + f)));
const key = Buffer.alloc(16, 3);
const frames = seeds.slice(0, 4).map((s, i) => encryptFrame(s, { key, systemTitle: Buffer.from('FUZZTEST'), invocationCounter: i }));

fuzzDecoder('dsmr parseTelegram', { decode: (b) => parseTelegram(b), prefix: 'DSMR_', seeds, maxLength: 1024, numRuns: 1500 });
fuzzDecoder('dsmr parse + toCanonical', {
  decode: (b) => toCanonical(parseTelegram(b, { requireValidCrc: false }), { receivedAt: 1_800_000_000 }), prefix: 'DSMR_', seeds, numRuns: 1000,
});
fuzzDecoder('dsmr splitter', {
  decode: (b) => { const s = new TelegramSplitter({ maxLength: 512 }); s.push(b.subarray(0, b.length >> 1)); s.push(b.subarray(b.length >> 1)); return s.end(); },
  prefix: 'DSMR_', seeds: [...seeds, ...frames], numRuns: 1000,
});
fuzzDecoder('dsmr decryptFrame', { decode: (b) => decryptFrame(b, { key }), prefix: 'DSMR_', seeds: frames, numRuns: 1000 });
fuzzDecoder('dsmr inspect (decode dsmr)', { decode: (b) => inspectDsmr(b, { key }), prefix: 'DSMR_', seeds: [...seeds, ...frames], numRuns: 800 });
