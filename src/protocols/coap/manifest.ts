/**
 * The CoAP adapter at a glance (docs: README "CoAP"). Devices POST readings to
 * `/r/<meter id>` or the platform observes a device's `/readings`; bodies are vendor payloads
 * (docs/payload-formats.md) as JSON or CBOR; each body carries an HMAC-SHA-256 under the
 * device's own key in option 65000, because the CoAP library has no DTLS.
 */
export const COAP_MANIFEST = {
  id: 'coap',
  transport: 'udp',
  defaultPort: 5683,
  /** Devices push (POST) or the platform observes (RFC 7641); both go through the same mapping. */
  modes: ['push', 'observe'],
  readingsPath: '/r/<meter id>',
  observePath: '/readings',
  contentFormats: { 'application/json': 50, 'application/cbor': 60 },
  signatureOption: 65000,
  errorPrefix: 'COAP_',
} as const;

export const CONTENT_FORMAT = { json: 50, cbor: 60 } as const;

/**
 * An experimental-use option number (RFC 7252 §12.2: 65000–65535). Even, so elective and safe to
 * forward: generic clients and proxies (libcoap's coap-client observing a simulated device) pass
 * a notification carrying it instead of rejecting it as an unknown critical option. Our server
 * does not rely on criticality: it refuses any reading without a valid signature.
 */
export const SIGNATURE_OPTION = 65000;

/** RFC 7252 §4.8.2: how long a message id stays "the same message" for deduplication. */
export const EXCHANGE_LIFETIME_S = 247;
