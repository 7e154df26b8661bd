import { MeterstackError } from '../../model/index.ts';

/**
 * The small platform messages of the topic scheme (readings and events are vendor payloads, see
 * src/protocols/payloads): device status and commands. Pure bytes ⇄ values.
 *
 *   status           `online` | `offline` (UTF-8 text; birth and last will, retained)
 *   command          {"id": "<unique>", "args": {…}}
 *   command result   {"id": "<the command's id>", "ok": true, "result": {…}}  or  {"id", "ok": false, "error": "…"}
 */

export type DeviceState = 'online' | 'offline';

export interface CommandRequest {
  readonly id: string;
  readonly args: Record<string, unknown>;
}

export type CommandResult =
  | { readonly id: string; readonly ok: true; readonly result: unknown }
  | { readonly id: string; readonly ok: false; readonly error: string };

const MAX_BYTES = 64 * 1024;
const ID = /^[A-Za-z0-9._:-]{1,64}$/;

function bad(why: string, cause?: unknown): MeterstackError {
  return new MeterstackError('MQTT_BAD_MESSAGE', why, cause === undefined ? {} : { cause });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

function text(bytes: Uint8Array, what: string): string {
  if (!(bytes instanceof Uint8Array)) throw bad(`${what}: bytes expected`);
  if (bytes.length > MAX_BYTES) throw bad(`${what}: ${bytes.length} bytes, at most ${MAX_BYTES}`);
  try {
    return utf8.decode(bytes);
  } catch (err) {
    throw bad(`${what}: not UTF-8`, err);
  }
}

function json(bytes: Uint8Array, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text(bytes, what));
  } catch (err) {
    if (err instanceof MeterstackError) throw err;
    throw bad(`${what}: not JSON`, err);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(`${what}: a JSON object expected`);
  return v as Record<string, unknown>;
}

function id(v: unknown, what: string): string {
  if (typeof v !== 'string' || !ID.test(v)) throw bad(`${what}: "id" must be 1–64 letters, digits, '.', '_', ':' or '-'`);
  return v;
}

export function encodeStatus(state: DeviceState): Uint8Array {
  return encoder.encode(state);
}

export function parseStatus(bytes: Uint8Array): DeviceState {
  const s = text(bytes, 'status');
  if (s !== 'online' && s !== 'offline') throw bad(`status: "${s.slice(0, 40)}" is neither online nor offline`);
  return s;
}

export function encodeCommand(c: CommandRequest): Uint8Array {
  return encoder.encode(JSON.stringify({ id: id(c.id, 'command'), args: c.args }));
}

export function parseCommand(bytes: Uint8Array): CommandRequest {
  const o = json(bytes, 'command');
  const args = o.args ?? {};
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw bad('command: "args" must be an object');
  return { id: id(o.id, 'command'), args: args as Record<string, unknown> };
}

export function encodeCommandResult(r: CommandResult): Uint8Array {
  return encoder.encode(JSON.stringify(r.ok ? { id: id(r.id, 'result'), ok: true, result: r.result ?? null } : { id: id(r.id, 'result'), ok: false, error: r.error }));
}

export function parseCommandResult(bytes: Uint8Array): CommandResult {
  const o = json(bytes, 'command result');
  const rid = id(o.id, 'command result');
  if (o.ok === true) return { id: rid, ok: true, result: o.result ?? null };
  if (o.ok === false) {
    if (typeof o.error !== 'string') throw bad('command result: a failed result has an "error" text');
    return { id: rid, ok: false, error: o.error.slice(0, 500) };
  }
  throw bad('command result: "ok" must be true or false');
}
