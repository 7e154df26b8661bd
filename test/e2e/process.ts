// Helpers for tests that run meterstack as a user would: the real CLI in a child process, talking
// HTTP on loopback. Every wait is bounded, and every child a test starts can be killed from an
// `after` hook with killAll(), so a failing test never leaves a server running.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the CLI is run from here like `npm start` does. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

/**
 * What `meterstack start` prints once the simulated fleet's data is stored: "history ready: N
 * readings stored in …" on a first start ("caught up …" or the like on later ones); group 1 is N.
 */
export const SIM_READY = /([\d,]+) readings stored in [\d.]+ s/;

const live = new Set<ChildProcess>();

/** The environment of a child: the caller's, minus what would make it behave like a test worker. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['NODE_TEST_CONTEXT', 'NODE_OPTIONS', 'METERSTACK_API_KEY', 'METERSTACK_DATA', 'PORT', 'HOST',
    'METERSTACK_METERS', 'METERSTACK_HISTORY_DAYS', 'METERSTACK_SPEED', 'METERSTACK_SIM', 'METERSTACK_SEED', 'METERSTACK_LOG',
    'DATABASE_URL', 'BUS_URL', 'MQTT_URL']) delete env[k];
  // Simulated DLMS meters listen on 127.10.x.y at one port: concurrent test platforms each get their own.
  env.METERSTACK_DLMS_PORT = String(20_000 + Math.floor(Math.random() * 20_000));
  delete env.METERSTACK_DLMS;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `meterstack-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Rejects after `ms` with `what` in the message; clears its timer when `p` settles first. */
export function within<T>(p: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`)), ms);
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A running `meterstack …` child with its output collected. */
export class Proc {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  private out = '';
  private err = '';
  private readonly watchers: (() => void)[] = [];
  private exitInfo: Exit | undefined;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [...CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this.child);
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => { this.out += s; this.notify(); });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => { this.err += s; this.notify(); });
    this.exited = new Promise<Exit>((resolve) => {
      this.child.on('close', (code, signal) => {
        live.delete(this.child);
        this.exitInfo = { code, signal };
        this.notify();
        resolve(this.exitInfo);
      });
      this.child.on('error', () => undefined);
    });
  }

  get stdout(): string { return this.out; }
  get stderr(): string { return this.err; }
  get exit(): Exit | undefined { return this.exitInfo; }

  /** Both streams, for assertion messages. */
  transcript(): string {
    return `--- stdout ---\n${this.out}--- stderr ---\n${this.err}`;
  }

  private notify(): void {
    for (const w of this.watchers.splice(0)) w();
  }

  /** Waits until stdout matches `re` (fails early if the process ends first). */
  waitFor(re: RegExp, ms: number): Promise<RegExpMatchArray> {
    const attempt = (resolve: (m: RegExpMatchArray) => void, reject: (e: Error) => void): void => {
      const m = re.exec(this.out);
      if (m) { resolve(m); return; }
      if (this.exitInfo) {
        reject(new Error(`process ended (${JSON.stringify(this.exitInfo)}) before printing ${re}\n${this.transcript()}`));
        return;
      }
      this.watchers.push(() => attempt(resolve, reject));
    };
    return within(new Promise<RegExpMatchArray>(attempt), ms, () => `${re} in the output of meterstack\n${this.transcript()}`);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.exitInfo === undefined) this.child.kill(signal);
  }

  /** Sends `signal` and waits (bounded) for the process to end. */
  async stop(signal: NodeJS.Signals, ms = 20_000): Promise<Exit> {
    this.kill(signal);
    return within(this.exited, ms, `meterstack to exit after ${signal}`);
  }
}

/** Runs a meterstack command to completion (bounded) and returns its exit and output. */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv, ms = 60_000): Promise<Exit & { stdout: string; stderr: string }> {
  const p = new Proc(args, env);
  try {
    const exit = await within(p.exited, ms, `meterstack ${args.join(' ')}`);
    return { ...exit, stdout: p.stdout, stderr: p.stderr };
  } finally {
    p.kill('SIGKILL');
  }
}

export interface Server extends Proc {
  readonly port: number;
  readonly url: string;
}

/**
 * `meterstack start …` with the given flags (always on port 0 unless the caller passes --port);
 * resolves once it printed the address it listens on.
 */
export async function startServer(args: readonly string[], env: NodeJS.ProcessEnv, ms = 60_000): Promise<Server> {
  const full = args.includes('--port') ? ['start', ...args] : ['start', '--port', '0', ...args];
  const p = new Proc(full, env);
  try {
    const m = await p.waitFor(/meterstack listening on (http:\/\/[^\s:]+:(\d+))/, ms);
    return Object.assign(p, { url: m[1]!, port: Number(m[2]) }) as Server;
  } catch (e) {
    p.kill('SIGKILL');
    throw e;
  }
}

/** For `after` hooks: SIGKILL every child still running and wait (bounded) until they are gone. */
export async function killAll(): Promise<void> {
  const waits = [...live].map((c) => new Promise<void>((r) => {
    if (c.exitCode !== null || c.signalCode !== null) { r(); return; }
    c.once('close', () => r());
    c.kill('SIGKILL');
  }));
  await within(Promise.all(waits), 10_000, 'child processes to end').catch(() => undefined);
}

/** A small JSON client for the API with a bounded time per request. */
export async function api(base: string, path: string, opts: { key?: string; method?: string; body?: unknown; timeoutMs?: number } = {}): Promise<{ status: number; type: string; body: any; text: string }> {
  const headers: Record<string, string> = {};
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  let body: unknown = undefined;
  if (type.includes('json')) body = JSON.parse(text);
  return { status: res.status, type, body, text };
}
