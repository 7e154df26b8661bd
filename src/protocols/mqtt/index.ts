/** MQTT: the meterstack/v1 topic scheme, access rules, secrets, status/command messages, mosquitto config. */
export * from './topics.ts';
export { canPublish, canSubscribe, type Decision, type Principal, type PrincipalKind } from './acl.ts';
export { hashSecret, isSecretHash, newSecret, verifySecret } from './secret.ts';
export * from './messages.ts';
export { mosquittoAclFile, mosquittoConf, mosquittoPasswordFile, type BrokerCredential, type MosquittoConfOptions } from './mosquitto.ts';
export { decodeEnvelope, encodeEnvelope, type EnvelopeEntry } from './envelope.ts';
export { MQTT_MANIFEST } from './manifest.ts';
