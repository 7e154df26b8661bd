/**
 * NEM12 corpus (read at test time from ../shared/corpus, never copied): data an MDP already validated
 * carries its own quality (E/S/F with method and reason codes). Imported with the NEM12 reader and
 * run through the engine, those flags and reasons must come out unchanged: in validate-only mode
 * nothing at all changes; in the normal mode only missing intervals may be filled and only actual
 * intervals that fail a rule may be substituted — never the MDP's own estimates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMeterstackError, QUALITY, type IntervalSeries, type Meter } from '../../model/index.ts';
import { nem12Import } from '../../formats/nem/index.ts';
import { runVee } from '../engine.ts';

const DIR = fileURLToPath(new URL('../../../../shared/corpus/nem12/', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.csv')).sort();

async function seriesOf(file: string): Promise<IntervalSeries[] | undefined> {
  const out: IntervalSeries[] = [];
  try {
    for await (const b of nem12Import.read(createReadStream(DIR + file), { source: file })) out.push(...(b.series ?? []));
  } catch (e) {
    if (isMeterstackError(e)) return undefined; // refused by the reader (its own conformance test covers why)
    throw e;
  }
  return out;
}

const meterOf = (id: string): Meter => ({ id, kind: 'electricity', timeZone: 'Australia/Brisbane', status: 'active' });
const nonActual = (q: number): boolean => q === QUALITY.S || q === QUALITY.E || q === QUALITY.F;

test('NEM12 corpus: quality flags and reason codes survive the engine unchanged', async () => {
  let read = 0;
  let foreign = 0;
  let reasons = 0;
  for (const file of files) {
    const all = await seriesOf(file);
    if (all === undefined) continue;
    read++;
    const byChannel = new Map<string, IntervalSeries[]>();
    for (const s of all) (byChannel.get(`${s.meterId} ${s.channel}`) ?? byChannel.set(`${s.meterId} ${s.channel}`, []).get(`${s.meterId} ${s.channel}`)!).push(s);
    for (const list of byChannel.values()) {
      list.sort((a, b) => a.start - b.start);
      list.forEach((s, k) => {
        const input = { series: s, meter: meterOf(s.meterId), history: list.slice(Math.max(0, k - 28), k) };
        const only = runVee(input, { mode: 'validate-only' });
        assert.deepEqual([...only.series.quality], [...s.quality], `${file} ${s.channel}: quality (validate-only)`);
        assert.deepEqual([...only.series.reason], [...(s.reason ?? new Uint8Array(s.values.length))], `${file}: reasons (validate-only)`);
        assert.deepEqual([...only.series.values], [...s.values], `${file}: values (validate-only)`);
        const full = runVee(input);
        for (let i = 0; i < s.values.length; i++) {
          const q = s.quality[i]!;
          if (nonActual(q)) {
            foreign++;
            assert.equal(full.series.quality[i], q, `${file} ${s.meterId} ${s.channel} interval ${i}: ${q} was re-flagged`);
            assert.equal(full.series.values[i], s.values[i], `${file}: an MDP estimate was re-estimated`);
            assert.equal(full.series.reason[i], s.reason?.[i] ?? 0, `${file}: reason changed`);
          }
          if ((s.reason?.[i] ?? 0) !== 0) reasons++;
          if (q === QUALITY.A && full.series.values[i] !== s.values[i]) {
            assert.ok(full.findings.some((f) => f.action === 'invalidate' && f.from <= i && i < f.to), `${file}: actual ${i} changed without a failed rule`);
          }
        }
      });
    }
  }
  // Not vacuous: the corpus holds files, E/S/F intervals and reason codes.
  console.log(`NEM12 corpus: ${read} files, ${foreign} MDP-estimated (E/S/F) intervals, ${reasons} with reason codes`);
  assert.ok(read >= 40, `${read} files read`);
  assert.ok(foreign > 1000, `${foreign} MDP-estimated intervals`);
  assert.ok(reasons > 100, `${reasons} intervals with reason codes`);
});
