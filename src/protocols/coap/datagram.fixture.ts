/**
 * Hand-built CoAP datagrams (RFC 7252 §3) for tests that talk to the server over a raw UDP socket,
 * independent of the coap library: a retransmission must be byte-identical, which only a raw
 * socket can guarantee.
 */
export interface Datagram {
  readonly type: 'CON' | 'NON' | 'ACK' | 'RST';
  /** "0.02" … */
  readonly code: string;
  readonly messageId: number;
  readonly token: Uint8Array;
  readonly options: readonly (readonly [number, Uint8Array])[];
  readonly payload?: Uint8Array;
}

const TYPES = ['CON', 'NON', 'ACK', 'RST'] as const;

function nibble(n: number): [number, number[]] {
  if (n < 13) return [n, []];
  if (n < 269) return [13, [n - 13]];
  return [14, [(n - 269) >> 8, (n - 269) & 0xff]];
}

export function encodeDatagram(d: Datagram): Uint8Array {
  const [cls, detail] = d.code.split('.').map(Number) as [number, number];
  const out: number[] = [0x40 | (TYPES.indexOf(d.type) << 4) | d.token.length, (cls << 5) | detail, d.messageId >> 8, d.messageId & 0xff, ...d.token];
  let last = 0;
  for (const [num, value] of [...d.options].sort((a, b) => a[0] - b[0])) {
    const [dn, dx] = nibble(num - last);
    const [ln, lx] = nibble(value.length);
    out.push((dn << 4) | ln, ...dx, ...lx, ...value);
    last = num;
  }
  if (d.payload !== undefined && d.payload.length > 0) out.push(0xff, ...d.payload);
  return Uint8Array.from(out);
}

/** Header, options and payload of a datagram (enough for the tests' answers). */
export function decodeDatagram(b: Uint8Array): Datagram {
  const tkl = b[0]! & 0x0f;
  const code = `${b[1]! >> 5}.${String(b[1]! & 0x1f).padStart(2, '0')}`;
  const options: [number, Uint8Array][] = [];
  let i = 4 + tkl;
  let num = 0;
  const ext = (n: number): number => {
    if (n === 13) return 13 + b[i++]!;
    if (n === 14) { const v = 269 + (b[i]! << 8) + b[i + 1]!; i += 2; return v; }
    return n;
  };
  while (i < b.length && b[i] !== 0xff) {
    const head = b[i++]!;
    num += ext(head >> 4);
    const len = ext(head & 0x0f);
    options.push([num, b.slice(i, i + len)]);
    i += len;
  }
  return {
    type: TYPES[(b[0]! >> 4) & 0x03]!, code, messageId: (b[2]! << 8) | b[3]!, token: b.slice(4, 4 + tkl), options,
    ...(i < b.length ? { payload: b.slice(i + 1) } : {}),
  };
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const uint = (n: number): Uint8Array => (n === 0 ? new Uint8Array(0) : n < 256 ? Uint8Array.of(n) : Uint8Array.of(n >> 8, n & 0xff));
