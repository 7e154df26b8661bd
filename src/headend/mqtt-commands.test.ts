import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode } from '../model/index.ts';
import { encodeCommandResult, parseCommand, parseTopic } from '../protocols/mqtt/index.ts';
import type { AuditInput } from '../store/store.port.ts';
import { MqttAuditLog } from './mqtt-audit.ts';
import { MqttCommands } from './mqtt-commands.ts';

/** The ports a command needs, in memory: what was published, and the audit entries. */
function fakes(fail = false) {
  const sent: { topic: string; id: string }[] = [];
  const audit: AuditInput[] = [];
  const log = new MqttAuditLog({ appendAudit: async (e) => { audit.push(...e); } }, () => 1000);
  const commands = new MqttCommands({
    publish: async (topic, payload) => {
      if (fail) throw new Error('broker down');
      sent.push({ topic, id: parseCommand(payload).id });
    },
  }, log);
  return { sent, audit, log, commands };
}

const answer = (id: string, ok = true) => encodeCommandResult(ok ? { id, ok: true, result: { pong: 1 } } : { id, ok: false, error: 'no' });

test('a command resolves with the answer carrying its id, from its device and name only', async () => {
  const f = fakes();
  const pending = f.commands.send('M1', 'ping', {}, { timeoutMs: 2000 });
  await new Promise((r) => setImmediate(r));
  const [{ topic, id }] = f.sent as [{ topic: string; id: string }];
  assert.deepEqual(parseTopic(topic), { kind: 'command', deviceId: 'M1', name: 'ping' });
  f.commands.onResult('M2', 'ping', answer(id));
  f.commands.onResult('M1', 'read-now', answer(id));
  f.commands.onResult('M1', 'ping', answer(id));
  assert.deepEqual(await pending, { pong: 1 });
  await f.log.flush();
  assert.deepEqual(f.audit.map((e) => e.action), ['mqtt.command.sent', 'mqtt.command.unexpected-result', 'mqtt.command.unexpected-result', 'mqtt.command.result']);
});

test('a failed answer, no answer and an unreachable broker are typed errors', async () => {
  const f = fakes();
  const failed = f.commands.send('M1', 'read-now', {}, { timeoutMs: 2000 });
  await new Promise((r) => setImmediate(r));
  f.commands.onResult('M1', 'read-now', answer(f.sent[0]!.id, false));
  await assert.rejects(failed, (e: unknown) => hasCode(e, 'MQTT_COMMAND_FAILED'));
  await assert.rejects(f.commands.send('M1', 'ping', {}, { timeoutMs: 20 }), (e: unknown) => hasCode(e, 'MQTT_COMMAND_TIMEOUT'));
  await assert.rejects(fakes(true).commands.send('M1', 'ping'), (e: unknown) => hasCode(e, 'MQTT_BROKER_UNAVAILABLE'));
  await assert.rejects(f.commands.send('a/b', 'ping'), (e: unknown) => hasCode(e, 'MQTT_ID_INVALID'));
});
