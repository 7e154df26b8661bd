import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * What holds a TCP port, as far as this process can tell: the listening process (Linux /proc,
 * when readable) and whether it answers MQTT. Only for a clear message when the embedded broker's
 * port is taken; every step is best effort and bounded.
 */
export async function describePortHolder(host: string, port: number): Promise<string> {
  const proc = processListening(port);
  const mqtt = await probeMqtt(host, port);
  const who = proc ?? 'another program';
  return mqtt === undefined ? who : `${who}, which answers MQTT (${mqtt})`;
}

function processListening(port: number): string | undefined {
  try {
    const inodes = new Set<string>();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      let text = '';
      try {
        text = readFileSync(table, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        // local_address is ADDR:PORT in hex; state 0A is LISTEN; the inode is field 9.
        if (f.length > 9 && f[3] === '0A' && parseInt(f[1]!.split(':')[1]!, 16) === port) inodes.add(f[9]!);
      }
    }
    if (inodes.size === 0) return undefined;
    let scanned = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        if (++scanned > 200_000) return undefined;
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (m && inodes.has(m[1]!)) return `${readFileSync(`/proc/${pid}/comm`, 'utf8').trim()} (pid ${pid})`;
        } catch {
          // the process or fd went away meanwhile
        }
      }
    }
  } catch {
    // not Linux, or /proc not readable
  }
  return undefined;
}

/** MQTT 3.1.1 CONNECT, clean session, client id "meterstack-probe", no credentials. */
const CONNECT = Buffer.from([0x10, 28, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 10, 0, 16, ...Buffer.from('meterstack-probe')]);
const CONNACK_CODES = ['accepted', 'unacceptable protocol version', 'identifier rejected', 'server unavailable', 'bad user name or password', 'not authorised'];

function probeMqtt(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: string | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(undefined), 1000);
    socket.once('error', () => done(undefined));
    socket.once('connect', () => socket.write(CONNECT));
    socket.once('data', (b: Buffer) => {
      if (b[0] === 0x20 && b.length >= 4) done(`CONNACK: ${CONNACK_CODES[b[3]!] ?? `code ${b[3]}`}`);
      else done(undefined);
    });
  });
}
