import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { encryptFrame } from './encrypted.ts';
import { TelegramSplitter, type SplitEvent } from './splitter.ts';
import { formatTelegram } from './writer.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/dsmr/', import.meta.url));
// Real captures that end with "!" (the two athombv ones without an end line cannot be delimited in a stream).
const captures = readdirSync(CORPUS).filter((f) => f.endsWith('.txt') && !f.includes('no-crc')).sort().map((f) => readFileSync(CORPUS + f));
const telegrams = (events: SplitEvent[]): string[] => events.filter((e) => e.kind !== 'skipped').map((e) => `${e.kind}@${e.offset}:${Buffer.from((e as { bytes: Uint8Array }).bytes).toString('latin1')}`);

function split(input: Uint8Array, cuts: number[] = []): SplitEvent[] {
  const s = new TelegramSplitter();
  const out: SplitEvent[] = [];
  let from = 0;
  for (const c of [...cuts.filter((x) => x > 0 && x < input.length)].sort((a, b) => a - b)) {
    out.push(...s.push(input.subarray(from, c)));
    from = c;
  }
  out.push(...s.push(input.subarray(from)), ...s.end());
  return out;
}

const key = Buffer.alloc(16, 7);
const frame = encryptFrame(Buffer.from(formatTelegram('Lux5', ['1-3:0.2.8(42)'])), { key, systemTitle: Buffer.from('SYSTITLE'), invocationCounter: 9 });
const stream = Buffer.concat([Buffer.from('\x00\xffnoise'), ...captures.flatMap((c, i) => i === 3 ? [c, Buffer.from(frame), Buffer.from('\r\n')] : [c, Buffer.from('\r\n')])]);

test('every capture of the corpus is found whole in one stream, with an encrypted frame among them', () => {
  const events = split(stream);
  const found = events.filter((e) => e.kind === 'telegram');
  assert.equal(found.length, captures.length);
  // Gateways append lines after "!" (EasyMeter); a telegram ends with its CRC line.
  found.forEach((e, i) => assert.ok(captures[i]!.toString('latin1').startsWith(Buffer.from((e as { bytes: Uint8Array }).bytes).toString('latin1')), `capture ${i}`));
  const enc = events.filter((e) => e.kind === 'encrypted');
  assert.equal(enc.length, 1);
  assert.deepEqual(Buffer.from((enc[0] as { bytes: Uint8Array }).bytes), Buffer.from(frame));
  assert.ok(events.some((e) => e.kind === 'skipped' && e.offset === 0), 'the leading noise is reported');
});

test('property: any chunking of the stream gives the same telegrams at the same offsets', () => {
  const whole = telegrams(split(stream));
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), (cuts) => {
    assert.deepEqual(telegrams(split(stream, cuts)), whole);
  }), { numRuns: 150 });
  // And one byte at a time.
  assert.deepEqual(telegrams(split(stream, Array.from({ length: stream.length }, (_, i) => i))), whole);
});

test('resync: a telegram cut off by the next "/" is dropped, the next one is read', () => {
  const good = formatTelegram('ISK5', ['1-0:1.8.1(000001.000*kWh)']);
  const cut = good.slice(0, 20);
  const events = split(Buffer.from(`${cut}\r\n${good}`, 'latin1'));
  assert.deepEqual(events.map((e) => e.kind), ['skipped', 'telegram']);
  assert.match((events[0] as { reason: string }).reason, /cut off/);
  assert.equal(Buffer.from((events[1] as { bytes: Uint8Array }).bytes).toString('latin1'), good);
});

test('a telegram longer than maxLength is dropped and reading goes on after it', () => {
  const long = formatTelegram('ISK5', Array.from({ length: 200 }, () => '1-0:1.8.1(000001.000*kWh)'));
  const good = formatTelegram('ISK5', ['1-0:1.8.1(000002.000*kWh)']);
  const s = new TelegramSplitter({ maxLength: 1024 });
  const events = [...s.push(Buffer.from(long + good, 'latin1')), ...s.end()];
  assert.ok(events.some((e) => e.kind === 'skipped' && /within 1024 bytes/.test(e.reason)));
  assert.equal(Buffer.from((events.at(-1) as { bytes: Uint8Array }).bytes).toString('latin1'), good);
});

test('end(): a stream that stops inside a telegram yields it as incomplete; inside a frame, skips it', () => {
  const s = new TelegramSplitter();
  assert.deepEqual(s.push(Buffer.from('/ISK5\r\n\r\n1-0:1.8.1(1*kWh)\r\n')), []);
  const [last] = s.end();
  assert.equal(last?.kind, 'telegram');
  assert.equal((last as { complete: boolean }).complete, false);
  const f = new TelegramSplitter();
  f.push(frame.subarray(0, 30));
  assert.equal(f.end()[0]?.kind, 'skipped');
  const plain = new TelegramSplitter({ encrypted: false });
  assert.deepEqual(plain.push(frame).filter((e) => e.kind === 'encrypted'), []);
});
