import type { Command } from 'commander';
import { loadConfig } from '../../app/config.ts';
import { startAll } from '../../app/start.ts';
import { reportError } from '../output.ts';

export function registerStart(program: Command): void {
  program.command('start')
    .description('run the whole platform in one process on embedded defaults (SQLite, in-process bus, simulated fleet)')
    .option('--port <n>', 'HTTP port for API and web (env PORT, default 8080)')
    .option('--host <host>', 'interface to listen on (env HOST, default localhost)')
    .option('--data <dir>', 'data directory (env METERSTACK_DATA, default ./data)')
    .option('--meters <n>', 'simulated meters on the first start (default 1000)')
    .option('--history <days>', 'days of simulated history on the first start (default 30)')
    .option('--speed <x>', 'simulated seconds per real second for live data (default 1)')
    .option('--seed <n>', 'seed of the simulated fleet (default 42)')
    .option('--no-sim', 'no simulated fleet')
    .option('--dlms', 'simulated meters serve DLMS/COSEM over TCP (127.10.x.y) and the head-end reads live data from them (the default; env METERSTACK_DLMS=0 turns it off)')
    .option('--no-dlms', 'live simulated data goes straight into the pipeline instead of being read over DLMS')
    .option('--dlms-port <n>', 'TCP port of the simulated DLMS meters (default 4059)')
    .option('--mqtt-port <n>', 'port of the embedded MQTT broker (env MQTT_PORT, default 1883; if that is taken, 11883 or a free port); MQTT_URL uses an external broker instead')
    .option('--mqtt-devices <n>', 'simulated MQTT meters, some behind gateways (env METERSTACK_MQTT_DEVICES, default 10)')
    .option('--no-mqtt', 'no MQTT broker, client or simulated MQTT meters')
    .option('--coap-port <n>', 'UDP port of the CoAP server (env COAP_PORT, default 5683; if that is taken, 15683 or a free port)')
    .option('--coap-host <host>', 'interface of the CoAP server (env COAP_HOST, default 127.0.0.1)')
    .option('--coap-observe <list>', 'devices to observe, meterId@host:port[/path],… (env METERSTACK_COAP_OBSERVE)')
    .option('--no-coap', 'no CoAP server (env METERSTACK_COAP=0)')
    .action(async (opts: { port?: string; host?: string; data?: string; meters?: string; history?: string; speed?: string; seed?: string; sim: boolean; dlms?: boolean; dlmsPort?: string; mqttPort?: string; mqttDevices?: string; mqtt?: boolean; coapPort?: string; coapHost?: string; coapObserve?: string; coap?: boolean }) => {
      // A closed stdout (`meterstack start | head`) must not take the server down with EPIPE.
      process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code !== 'EPIPE') throw e; });
      // The handlers are in place before anything starts: a signal during start-up stops cleanly once it is up.
      let running: Awaited<ReturnType<typeof startAll>> | undefined;
      let stopping = false;
      const shutdown = (): void => {
        running!.stop().then(() => process.exit(0), (e: unknown) => process.exit(reportError(e)));
      };
      const stop = (sig: string) => {
        if (stopping) return;
        stopping = true;
        process.stdout.write(`${sig}: stopping\n`);
        if (running) shutdown();
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
      try {
        const { mqtt, coap, ...rest } = opts;
        running = await startAll(loadConfig({ ...rest, ...(mqtt === false ? { mqtt: false } : {}), ...(coap === false ? { coap: false } : {}) }));
        if (stopping) shutdown();
      } catch (e) {
        process.exit(reportError(e));
      }
    });
}
