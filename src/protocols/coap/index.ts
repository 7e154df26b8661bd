/** CoAP adapter: readings by POST and by Observe, HMAC-signed payloads, deduplicated exchanges. */
export { COAP_MANIFEST, CONTENT_FORMAT, EXCHANGE_LIFETIME_S, SIGNATURE_OPTION } from './manifest.ts';
export { MIN_KEY_OCTETS, SIGNATURE_OCTETS, signPayload, verifyPayload } from './signature.ts';
export { type CoapReply, type CoapRequest, type Encoding, coapCodeFor, diagnostic, encodingOf, json, readingsTarget } from './readings-request.ts';
export { ExchangeCache } from './dedup.ts';
export { type CoapServerHandle, type CoapServerOptions, type CoapServerStats, startCoapServer } from './transport-server.ts';
export { type Notification, type Observation, type ObserveOptions, observeResource } from './transport-observe.ts';
export { type PostAnswer, type PostOptions, postReading } from './transport-client.ts';
