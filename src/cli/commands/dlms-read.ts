/**
 * `meterstack dlms read HOST[:PORT] OBIS`: the field engineer's one-shot read of one COSEM
 * attribute over DLMS/COSEM TCP (IEC 62056-47 wrapper): connect, associate, GET (optionally with
 * selective access by range on a profile generic), release, print.
 *
 * - The session is the head-end's own (`DlmsSession`): the same pump, the same typed errors.
 * - Exit codes: 0 read; 1 when the meter or the network said no (refused, timed out, association
 *   rejected, a data-access-result such as object-undefined) or the options are wrong; 2 when the
 *   meter's answer could not be decoded (codec errors).
 * - Keys and passwords are never printed, not even in errors (SecretKey redacts itself).
 * - Ciphered policies need an invocation counter above the last one the meter accepted from this
 *   client system title. Without `--invocation-counter` it is taken from the clock (tenths of a
 *   second since 2024-01-01), so successive runs from one engineering title always go up.
 */
import type { Command } from 'commander';
import { epochToIso, isoToEpoch, MeterstackError, obisDefinition } from '../../model/index.ts';
import { obis, obisFromBytes, parseObisParts, type Obis } from '../../model/obis.ts';
import { dataOf, type AccessSelection, type AttributeDescriptor } from '../../protocols/dlms/apdu/index.ts';
import { cosemDateTimeToUtc, decodeDateTimeOctets, type DlmsData } from '../../protocols/dlms/axdr/index.ts';
import type { AuthMechanism, SecurityPolicy } from '../../protocols/dlms/association/types.ts';
import { DlmsClientConnection } from '../../protocols/dlms/connection.ts';
import { DlmsError } from '../../protocols/dlms/errors.ts';
import { DLMS_PORT } from '../../protocols/dlms/framing/wrapper.ts';
import { toJson } from '../../protocols/dlms/inspect.ts';
import { ReplayGuard, SecretKey, SendCounters } from '../../protocols/dlms/security/index.ts';
import { openDlmsTcp } from '../../protocols/dlms/transport-tcp.ts';
import { associationError, attributeOf, DlmsSession, eventError, rangeAccess } from '../../headend/dlms-session.ts';
import { reportError } from '../output.ts';
import { parseHex } from './decode.ts';

/** The engineering tool's client system title: 'MSK' 'ENG' 00 01. */
export const ENGINEERING_TITLE = '4D534B454E470001';

const MECHANISMS: readonly AuthMechanism[] = ['lowest', 'low', 'hls-gmac'];
const POLICIES: readonly SecurityPolicy[] = ['none', 'authenticated', 'encrypted', 'authenticated-encrypted'];
/** Epoch of the clock-derived invocation counter: 2^32 tenths of a second from here last until 2037. */
const COUNTER_EPOCH_MS = Date.UTC(2024, 0, 1);
const clockCounter = (): number => Math.max(1, Math.floor((Date.now() - COUNTER_EPOCH_MS) / 100));

/**
 * A clock-derived counter borrows from the future: a read that sent k ciphered APDUs used counters
 * up to start + k - 1. Waiting (bounded by k tenths of a second) until the clock has passed the last
 * one used keeps the next run's counters above it.
 */
async function catchUp(counters: SendCounters): Promise<void> {
  const used = Math.max(0, ...Object.values(counters.export().lastUsed));
  const ahead = (used + 1 - clockCounter()) * 100;
  if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead + 1));
}

interface ReadOptions {
  attr?: string;
  class?: string;
  from?: string;
  to?: string;
  json?: boolean;
  mechanism: string;
  password?: string;
  policy?: string;
  ek?: string;
  ak?: string;
  clientTitle: string;
  clientWport?: string;
  serverWport: string;
  timeout: string;
  invocationCounter?: string;
}

const invalid = (message: string): MeterstackError => new MeterstackError('CONFIG_INVALID', message);

/** HOST, HOST:PORT, [IPv6] or [IPv6]:PORT; a bare IPv6 address (two colons or more) has no port. */
export function parseTarget(text: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  const [host, port] = m ? [m[1]!, m[2]] : text.includes('::') || text.split(':').length > 2 ? [text, undefined] : ['', undefined];
  if (host === '') throw invalid(`"${text}" is not HOST[:PORT]`);
  const p = port === undefined ? DLMS_PORT : Number(port);
  if (!Number.isInteger(p) || p < 1 || p > 0xffff) throw invalid(`port ${port} is not 1..65535`);
  return { host, port: p };
}

/** The interface class an OBIS code usually has: clock 8, profiles 7, energy and instantaneous values 3, else data (1). */
export function defaultClassId(code: Obis): number {
  const { a, b, c, d } = parseObisParts(code);
  if (code === obis('0-0:1.0.0.255')) return 8;
  if (a === 1 && b === 0 && c === 99) return 7;
  if (a === 0 && c === 99 && d === 98) return 7; // standard event logs
  if (a === 1 && (d === 8 || d === 7)) return 3;
  return 1;
}

function integer(text: string | undefined, what: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw invalid(`${what} must be an integer ${min}..${max}, got "${text}"`);
  return n;
}

function time(text: string, what: string): number {
  try {
    return isoToEpoch(text);
  } catch {
    throw invalid(`${what} "${text}" is not an ISO 8601 time such as 2026-06-09T00:00:00Z`);
  }
}

function oneOf<T extends string>(text: string, what: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw invalid(`${what} must be one of ${allowed.join(', ')}, got "${text}"`);
  return text as T;
}

function key(text: string, role: 'ek' | 'ak'): SecretKey {
  const bytes = parseHex(text, `--${role}`);
  if (bytes.length !== 16) throw new DlmsError('DLMS_SECURITY_BAD_KEY', `--${role} must be 16 octets (32 hex digits), got ${bytes.length}`);
  return new SecretKey(bytes, role);
}

interface Plan {
  readonly host: string;
  readonly port: number;
  readonly ln: Obis;
  readonly attribute: AttributeDescriptor;
  readonly range: { readonly from: number; readonly to: number } | null;
  readonly mechanism: AuthMechanism;
  readonly policy: SecurityPolicy;
  readonly password: Uint8Array | undefined;
  readonly keys: { ek: SecretKey; ak: SecretKey } | undefined;
  readonly clientTitle: Uint8Array;
  readonly clientWPort: number;
  readonly serverWPort: number;
  readonly timeoutMs: number;
  /** null: from the clock (`clockCounter`). */
  readonly invocationCounter: number | null;
}

function plan(targetText: string, obisText: string, o: ReadOptions): Plan {
  const { host, port } = parseTarget(targetText);
  const ln = obis(obisText);
  const classId = integer(o.class, '--class', 1, 0xffff) ?? defaultClassId(ln);
  const attributeId = integer(o.attr, '--attr', 1, 127) ?? 2;
  if ((o.from === undefined) !== (o.to === undefined)) throw invalid('give both --from and --to, or neither');
  let range: Plan['range'] = null;
  if (o.from !== undefined && o.to !== undefined) {
    if (classId !== 7 || attributeId !== 2) throw invalid(`--from/--to select rows of a profile generic buffer (class 7, attribute 2), not class ${classId} attribute ${attributeId}`);
    range = { from: time(o.from, '--from'), to: time(o.to, '--to') };
    if (range.from > range.to) throw invalid('--from is after --to');
  }
  const mechanism = oneOf(o.mechanism, '--mechanism', MECHANISMS);
  const policy = oneOf(o.policy ?? (mechanism === 'hls-gmac' ? 'authenticated-encrypted' : 'none'), '--policy', POLICIES);
  if ((o.ek === undefined) !== (o.ak === undefined)) throw invalid('give both --ek and --ak, or neither');
  const keys = o.ek !== undefined && o.ak !== undefined ? { ek: key(o.ek, 'ek'), ak: key(o.ak, 'ak') } : undefined;
  if (keys === undefined && (mechanism === 'hls-gmac' || policy !== 'none')) {
    throw invalid(`${mechanism === 'hls-gmac' ? '--mechanism hls-gmac' : `--policy ${policy}`} needs the meter's keys: --ek and --ak`);
  }
  if (mechanism === 'low' && o.password === undefined) throw invalid('--mechanism low needs --password');
  const clientTitle = parseHex(o.clientTitle, '--client-title');
  if (clientTitle.length !== 8) throw invalid(`--client-title must be 8 octets (16 hex digits), got ${clientTitle.length}`);
  return {
    host, port, ln, attribute: attributeOf(classId, ln, attributeId), range, mechanism, policy,
    password: o.password === undefined ? undefined : Uint8Array.from(Buffer.from(o.password, 'latin1')),
    keys, clientTitle,
    clientWPort: integer(o.clientWport, '--client-wport', 0, 0xffff) ?? (mechanism === 'lowest' ? 16 : 1),
    serverWPort: integer(o.serverWport, '--server-wport', 0, 0xffff)!,
    timeoutMs: integer(o.timeout, '--timeout', 1, 0x7fffffff)!,
    invocationCounter: integer(o.invocationCounter, '--invocation-counter', 1, 0xffffffff) ?? null,
  };
}

/** Errors where the meter or the network said no: exit 1 whatever the layer of their code. */
const refusals = new WeakSet<object>();
const refusal = (e: DlmsError): DlmsError => {
  refusals.add(e);
  return e;
};

const describe = (p: Plan): string => `${p.ln} class ${p.attribute.classId} attribute ${p.attribute.attributeId}`;

/** Connects, associates, GETs, releases; the attribute's A-XDR bytes. */
async function read(p: Plan): Promise<Uint8Array> {
  const sink = (): void => {};
  const sendCounters = new SendCounters({ sink, start: p.invocationCounter ?? clockCounter() });
  const client = new DlmsClientConnection({
    clientSystemTitle: p.clientTitle, mechanism: p.mechanism, securityPolicy: p.policy,
    ...(p.password === undefined ? {} : { password: p.password }),
    ...(p.keys === undefined ? {} : { keys: p.keys }),
    sendCounters,
    replayGuard: new ReplayGuard({ sink }),
  });
  const tcp = await openDlmsTcp({ host: p.host, port: p.port, clientWPort: p.clientWPort, serverWPort: p.serverWPort, connectTimeoutMs: p.timeoutMs });
  try {
    return await associateAndGet(p, client, new DlmsSession(`${p.host}:${p.port}`, tcp, client, p.timeoutMs));
  } finally {
    await tcp.close();
    if (p.invocationCounter === null) await catchUp(sendCounters);
  }
}

async function associateAndGet(p: Plan, client: DlmsClientConnection, session: DlmsSession): Promise<Uint8Array> {
  const assoc = await session.exchange({ type: 'associate' });
  if (assoc.type !== 'associated') {
    const why = associationError(assoc, session.received[session.received.length - 1]);
    const check = p.mechanism === 'hls-gmac' || p.policy !== 'none' ? 'check --ek/--ak (and that --invocation-counter is above the last one the meter accepted)'
      : p.mechanism === 'low' ? 'check --password' : 'check --client-wport (the meter may not offer a lowest-level association there)';
    throw refusal(new DlmsError(why.code,
      `the meter did not associate with mechanism ${p.mechanism}, policy ${p.policy}, client wPort ${p.clientWPort}, server wPort ${p.serverWPort}: ${why.message}; ${check}`,
      { cause: why, ...(why.details ? { details: why.details } : {}) }));
  }
  try {
    const access: AccessSelection | null = p.range === null ? null : rangeAccess(p.range.from, p.range.to);
    const ev = await session.exchange({ type: 'get', attribute: p.attribute, access });
    if (ev.type === 'response' && 'data' in ev) return ev.data;
    if (ev.type === 'response') {
      throw refusal(new DlmsError('DLMS_COSEM_BAD_OBJECT', `GET ${describe(p)}: the meter answered ${ev.error} (data-access-result)`, { details: { dataAccessResult: ev.error } }));
    }
    throw refusal(eventError(ev, `GET ${describe(p)}`));
  } finally {
    if (client.state === 'associated') await session.release();
  }
}

// --- printing ----------------------------------------------------------------------------------

function dateTimeIso(bytes: Uint8Array): string | undefined {
  try {
    return epochToIso(Math.floor(cosemDateTimeToUtc(decodeDateTimeOctets(bytes))));
  } catch {
    return undefined;
  }
}

/** One value on one line: date-times as ISO, printable octet-strings as text, the rest as hex. */
function show(v: DlmsData): string {
  switch (v.type) {
    case 'array':
    case 'compact-array':
      return `[${v.value.map(show).join(', ')}]`;
    case 'structure':
      return `{${v.value.map(show).join(', ')}}`;
    case 'octet-string': {
      const iso = v.value.length === 12 ? dateTimeIso(v.value) : undefined;
      if (iso !== undefined) return iso;
      if (v.value.length > 0 && v.value.every((b) => b >= 0x20 && b < 0x7f)) return JSON.stringify(Buffer.from(v.value).toString('latin1'));
      const bytes = Buffer.from(v.value).toString('hex').toUpperCase();
      return v.value.length === 6 ? `${bytes} (${obisFromBytes(v.value)})` : bytes; // 6 octets: most likely a logical name
    }
    case 'visible-string':
    case 'utf8-string':
      return JSON.stringify(v.value);
    case 'date-time':
      try {
        return epochToIso(Math.floor(cosemDateTimeToUtc(v.value)));
      } catch {
        return JSON.stringify(toJson(v.value));
      }
    case 'date':
    case 'time':
      return JSON.stringify(toJson(v.value));
    case 'bit-string':
      return v.value.map((b) => (b ? '1' : '0')).join('');
    case 'null-data':
    case 'dont-care':
      return v.type;
    default:
      return String(v.value);
  }
}

function print(p: Plan, bytes: Uint8Array, json: boolean): void {
  const value = dataOf(bytes);
  const selection = p.range === null ? null : { from: epochToIso(p.range.from), to: epochToIso(p.range.to) };
  if (json) {
    const out = { meter: `${p.host}:${p.port}`, attribute: toJson(p.attribute), selection, value: toJson(bytes, 'data') };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const name = obisDefinition(p.ln)?.name;
  const rows = value.type === 'array' || value.type === 'compact-array' ? value.value : null;
  process.stdout.write(`${p.ln}${name ? ` ${name}` : ''}, class ${p.attribute.classId}, attribute ${p.attribute.attributeId}`
    + `${selection ? `, ${selection.from} to ${selection.to}` : ''}${rows ? `: ${rows.length} ${rows.length === 1 ? 'entry' : 'entries'}` : ''}\n`);
  if (rows === null) {
    process.stdout.write(`${value.type} ${show(value)}\n`);
    return;
  }
  for (const row of rows) process.stdout.write(`${row.type === 'structure' ? row.value.map(show).join('\t') : show(row)}\n`);
}

export function registerDlms(program: Command): void {
  const dlms = program.command('dlms').description('talk to a DLMS/COSEM meter over TCP (IEC 62056-47 wrapper)');
  dlms.command('read')
    .description('associate with a meter, read one COSEM attribute (GET), release, and print the value')
    .argument('<target>', 'HOST[:PORT] of the meter (port 4059 unless given)')
    .argument('<obis>', 'logical name of the object, e.g. 0-0:1.0.0.255 (clock) or 1-0:1.8.0 (active energy import)')
    .option('--attr <n>', 'attribute id (default 2, the value)')
    .option('--class <c>', 'interface class id (default from the OBIS code: clock 8, 1-0:99.x profiles 7, 1-0:x.8.x / x.7.x registers 3, else 1)')
    .option('--from <iso>', 'with --to: read the rows of a profile generic (class 7) captured from this time (selective access by range)')
    .option('--to <iso>', 'with --from: up to this time, inclusive')
    .option('--json', 'print the attribute and its decoded value as JSON')
    .option('--mechanism <m>', 'authentication: lowest, low (password) or hls-gmac (keys)', 'lowest')
    .option('--password <text>', 'the LLS password for --mechanism low')
    .option('--policy <p>', 'security policy: none, authenticated, encrypted or authenticated-encrypted (default none; authenticated-encrypted with hls-gmac)')
    .option('--ek <hex>', 'global unicast encryption key, 16 octets in hex')
    .option('--ak <hex>', 'authentication key, 16 octets in hex')
    .option('--client-title <hex>', 'this client\'s 8-octet system title', ENGINEERING_TITLE)
    .option('--client-wport <n>', 'client SAP / wPort (default 16, the public client, with --mechanism lowest; 1, the management client, otherwise)')
    .option('--server-wport <n>', 'server wPort (logical device)', '1')
    .option('--timeout <ms>', 'connect and per-request timeout, milliseconds', '5000')
    .option('--invocation-counter <n>', 'first invocation counter for ciphered APDUs (default from the clock, so that it always goes up)')
    .action(async (target: string, obisText: string, opts: ReadOptions) => {
      try {
        const p = plan(target, obisText, opts);
        print(p, await read(p), opts.json === true);
      } catch (e) {
        const code = reportError(e);
        process.exit(typeof e === 'object' && e !== null && refusals.has(e) ? 1 : code);
      }
    });
}
