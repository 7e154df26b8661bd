// Conformance against the OpenLEADR documentation examples in ../shared/corpus/openadr (read in
// place): every oadrDistributeEvent, oadrCreatedEvent and oadrResponse parses to the values of its
// *.expected.json sidecar (OpenLEADR's parse_message() result); every other message type is refused
// with OPENADR_UNSUPPORTED_MESSAGE, never misread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hasCode } from '../../model/index.ts';
import { parseOpenAdr } from './index.ts';

const DIR = fileURLToPath(new URL('../../../../shared/corpus/openadr/', import.meta.url));
const present = existsSync(DIR);

type Json = Record<string, unknown>;
interface Sidecar { message_type: string; expected_representation: Json }

/** `{"$datetime": "datetime.datetime(2020, 12, 3, 14, 23, 7, 606894, tzinfo=…utc)"}` → epoch ms. */
function pyDateMs(v: unknown): number {
  const m = /datetime\.datetime\(([\d, ]+)/.exec((v as { $datetime: string }).$datetime)!;
  const [y, mo, d, h = 0, mi = 0, s = 0, us = 0] = m[1]!.split(',').map((x) => Number(x.trim()).valueOf()).filter((x) => !Number.isNaN(x));
  return Date.UTC(y!, mo! - 1, d!, h, mi, s, Math.floor(us / 1000));
}
const seconds = (v: unknown): number => (v as { $timedelta_seconds: number }).$timedelta_seconds;
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const cases = present ? readdirSync(DIR).filter((f) => f.endsWith('.xml')).sort() : [];

test('the corpus is there and holds the three handled message types', { skip: present ? false : `no corpus at ${DIR}` }, () => {
  const types = cases.map((f) => (JSON.parse(readFileSync(`${DIR}${f.replace(/\.xml$/, '.expected.json')}`, 'utf8')) as Sidecar).message_type);
  for (const t of ['oadrDistributeEvent', 'oadrCreatedEvent', 'oadrResponse']) assert.ok(types.includes(t), t);
});

for (const file of cases) {
  test(`corpus ${file}`, () => {
    const xml = readFileSync(`${DIR}${file}`, 'utf8');
    const side = JSON.parse(readFileSync(`${DIR}${file.replace(/\.xml$/, '.expected.json')}`, 'utf8')) as Sidecar;
    const exp = side.expected_representation;
    if (!['oadrDistributeEvent', 'oadrCreatedEvent', 'oadrResponse'].includes(side.message_type)) {
      assert.throws(() => parseOpenAdr(xml, file), (e) => hasCode(e, 'OPENADR_UNSUPPORTED_MESSAGE') && e.message.includes(side.message_type));
      return;
    }
    const got = parseOpenAdr(xml, file);
    assert.equal(got.type, side.message_type);
    const resp = exp.response as Json;
    assert.deepEqual(got.response && {
      code: got.response.responseCode, desc: got.response.responseDescription, req: got.response.requestId,
    }, { code: resp.response_code, desc: resp.response_description, req: str(resp.request_id) });
    if (got.type === 'oadrResponse') {
      assert.equal(got.venId, exp.ven_id);
    } else if (got.type === 'oadrCreatedEvent') {
      assert.equal(got.venId, exp.ven_id);
      assert.deepEqual(got.eventResponses.map((r) => ({
        event_id: r.eventId, modification_number: r.modificationNumber, opt_type: r.optType, request_id: r.requestId,
        response_code: r.responseCode, response_description: r.responseDescription,
      })), exp.event_responses);
    } else {
      assert.equal(got.vtnId, exp.vtn_id);
      assert.equal(got.requestId, exp.request_id);
      const events = exp.events as Json[];
      assert.equal(got.events.length, events.length);
      got.events.forEach((e, i) => {
        const x = events[i]!;
        const d = x.event_descriptor as Json;
        assert.deepEqual({
          event_id: e.eventId, event_status: e.eventStatus, market_context: e.marketContext, modification_number: e.modificationNumber,
          priority: e.priority, test_event: e.testEvent, vtn_comment: e.vtnComment,
        }, {
          event_id: d.event_id, event_status: d.event_status, market_context: d.market_context, modification_number: d.modification_number,
          priority: d.priority, test_event: d.test_event, vtn_comment: d.vtn_comment,
        });
        assert.equal(e.createdDateTimeMs, pyDateMs(d.created_date_time));
        assert.equal(e.modificationDateTimeMs, pyDateMs(d.modification_date_time));
        const p = x.active_period as Json;
        assert.equal(e.startMs, pyDateMs(p.dtstart));
        assert.equal(e.durationS, seconds(p.duration));
        assert.equal(e.responseRequired, x.response_required);
        assert.deepEqual(Object.fromEntries(Object.entries(e.targets).map(([k, v]) => [k.replace(/ID$/, '_id').replace(/^ven/, 'ven'), v])), x.targets_by_type);
        const sigs = x.event_signals as Json[];
        assert.equal(e.signals.length, sigs.length);
        e.signals.forEach((s, k) => {
          const xs = sigs[k]!;
          assert.deepEqual({ id: s.signalId, name: s.signalName, type: s.signalType, current: s.currentValue },
            { id: xs.signal_id, name: xs.signal_name, type: xs.signal_type, current: xs.current_value });
          const m = xs.measurement as Json;
          assert.deepEqual(s.measurement, { name: m.name, description: m.description, unit: m.unit, scale: m.scale });
          assert.deepEqual(s.intervals.map((iv) => [iv.uid, iv.durationS, iv.value]),
            (xs.intervals as Json[]).map((iv) => [iv.uid, seconds(iv.duration), iv.signal_payload]));
        });
      });
    }
  });
}
