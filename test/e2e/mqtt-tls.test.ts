// Client certificates on the embedded broker's TLS listener: a certificate signed by the device CA
// logs its CN in without a secret, and the topic ACL still applies; a certificate from anyone
// else is refused. Certificates are made with the openssl command line in a temp folder.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { obis } from '../../src/model/index.ts';
import { NOW, credential, freePort, hasBinary, testPlatform, type TestPlatform } from './mqtt-support.ts';
import { tempDir, within } from './process.ts';

const haveOpenssl = await hasBinary('openssl');

function makeCerts(dir: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore', timeout: 20_000 });
  const key = (name: string) => ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  const signed = (name: string, cn: string, ext?: string) => {
    key(name);
    ssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', `${name}.crt`, ...(ext ? ['-extfile', ext] : []));
  };
  key('ca');
  ssl('req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=meterstack test device CA', '-days', '2', '-out', 'ca.crt');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  signed('server', 'localhost', 'server.ext');
  signed('meter1', 'METER1');
  // Same CN, but self-signed: not from the device CA.
  key('rogue');
  ssl('req', '-x509', '-new', '-key', 'rogue.key', '-subj', '/CN=METER1', '-days', '2', '-out', 'rogue.crt');
}

describe('client certificates on the embedded broker (TLS)', { skip: haveOpenssl ? false : 'openssl is not installed' }, () => {
  const tmp = tempDir('mqtt-tls');
  let t: TestPlatform;
  let tlsPort: number;
  const file = (name: string) => readFileSync(join(tmp.dir, name));

  before(async () => {
    makeCerts(tmp.dir);
    t = await testPlatform(join(tmp.dir, 'data'), ['METER1', 'METER2']);
    await credential(t.platform, 'METER1');
    await credential(t.platform, 'METER2');
    const port = await freePort();
    const m = await t.startMqtt({ mqttTls: { port, cert: join(tmp.dir, 'server.crt'), key: join(tmp.dir, 'server.key'), ca: join(tmp.dir, 'ca.crt') } });
    tlsPort = m.embedded!.tlsPort!;
    assert.equal(tlsPort, port);
  });

  after(async () => {
    await t?.close();
    tmp.remove();
  });

  const connect = (cert: string, key: string) => mqtt.connectAsync(`mqtts://127.0.0.1:${tlsPort}`, {
    protocolVersion: 4, clientId: 'METER1', cert: file(cert), key: file(key), ca: file('ca.crt'), reconnectPeriod: 0, connectTimeout: 5000,
  }, false);

  test('a CA-signed certificate logs its CN in without a secret; the ACL still applies', async () => {
    const client = await within(connect('meter1.crt', 'meter1.key'), 10_000, 'TLS connect');
    try {
      const end = Math.floor(NOW() / 900) * 900 - 3600;
      const body = JSON.stringify({ schema: 'channels/2', meter: 'METER1', channels: [{ obis: '1-0:1.8.0', unit: 'Wh', interval: 900, end, values: [42] }] });
      await within(client.publishAsync('meterstack/v1/METER1/readings/json', body, { qos: 1 }), 10_000, 'PUBACK');
      const s = await t.platform.store.readSeries('METER1', obis('1-0:1.8.0'), end - 900, end);
      assert.deepEqual([...s.values], [42]);
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.publish('meterstack/v1/METER2/readings/json', body, { qos: 1 });
      await within(closed, 10_000, 'the broker to close the connection');
    } finally {
      client.end(true);
    }
  });

  test('a certificate not signed by the device CA is refused, and audited', async () => {
    await assert.rejects(within(connect('rogue.crt', 'rogue.key'), 10_000, 'refusal'), /Bad username or password|Not authorized|refused/i);
    await t.mqtt!.audit.flush();
    const failed = (await t.platform.store.listAudit({ action: 'mqtt.auth.failed' }, { limit: 10 })).items;
    assert.ok(failed.some((e) => /does not verify against the device CA/.test(String(e.details?.reason))), JSON.stringify(failed));
  });
});
