/**
 * What the MQTT adapter offers (STYLE.md §7): the topic scheme, the brokers it runs with and how
 * devices authenticate. Details in docs/mqtt.md.
 */
export const MQTT_MANIFEST = {
  id: 'mqtt',
  name: 'MQTT 3.1.1 (meterstack/v1 topic scheme)',
  errorPrefix: 'MQTT_',
  topicScheme: 'meterstack/v1',
  transports: [
    { id: 'embedded', broker: 'aedes', defaultPort: 1883 },
    { id: 'external', broker: 'mosquitto (or any MQTT 3.1.1 broker)', config: 'MQTT_URL' },
  ],
  modes: ['push'],
  encodings: ['json', 'cbor'],
  auth: ['per-device secret (username = device id)', 'gateway secret for a listed set of meters'],
  commands: ['ping', 'read-now'],
} as const;
