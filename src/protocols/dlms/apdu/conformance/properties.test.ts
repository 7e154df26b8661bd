/** Round-trip and byte-stability properties for every APDU type, plus fuzzing of decodeApdu. */
import { fuzzDecoder, reencodeProperty, roundTripProperty } from '../../../_harness/index.ts';
import { decodeApdu, encodeApdu } from '../index.ts';
import { h, mainVector, readCases } from './corpus.ts';
import { APDU_ARBS } from './arbitraries.ts';

const codec = { decode: decodeApdu, encode: encodeApdu };
for (const [type, arb] of Object.entries(APDU_ARBS)) {
  roundTripProperty(`apdu ${type}`, arb, codec, { numRuns: 150 });
  reencodeProperty(`apdu ${type}`, arb, codec, { numRuns: 50 });
}

const seeds = ['test_asce__test_aarq', 'test_asce__test_aare', 'test_asce__test_rlre', 'test_xdlms__test_get', 'test_xdlms__test_set', 'test_xdlms__test_action', 'test_xdlms__test_data_notification', 'test_xdlms__test_selective_access']
  .flatMap((f) => readCases(`dlms-cosem__${f}`).filter((c) => c.expected_raises === null && c.vectors.length > 0).map(mainVector));
seeds.push(h('D80106000000FF'), h('0E01060100'.slice(0, 8)));
fuzzDecoder('decodeApdu', { decode: decodeApdu, prefix: 'DLMS_', seeds, numRuns: 3000, maxLength: 300 });
