/** Simulated MQTT meters and gateways with store-and-forward queues. */
export { MqttEndpoint, type CommandHandler, type EndpointOptions, type EndpointStats } from './endpoint.ts';
export { MqttSimFleet, type EndpointSpec, type MqttSimFleetOptions } from './fleet.ts';
export { createMqttFleet, mqttGatewayId, mqttLayout, mqttMeterId, type MqttLayout } from './layout.ts';
export { encodeEvents, encodeReadings, encodeRegisters, type EncodedPayload, type ReadingsFormat } from './payloads.ts';
export { DEFAULT_QUEUE_LIMITS, DiskQueue, MemoryQueue, type DiskQueueOptions, type OutboundQueue, type OverflowPolicy, type QueueLimits, type QueuedMessage } from './queue.ts';
export { SimFirmware, FIRMWARE_COMMANDS, failsVerify, parseBlock, parseInitiate, type SimFirmwareOptions, type InitiateArgs, type BlockArgs } from './firmware.ts';
