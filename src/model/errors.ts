/**
 * Typed errors with stable codes. Every error a user or client can see carries a `code` from
 * ERROR_CODES, so automation can branch on it and docs/errors.md can list it (a test keeps both in
 * sync). The HTTP face maps codes to RFC 9457 problem+json via `status`.
 */

export type ErrorLayer = 'model' | 'codec' | 'store' | 'ingest' | 'service' | 'api' | 'cli' | 'sim' | 'config';

interface CodeSpec {
  readonly layer: ErrorLayer;
  readonly status: number;
  readonly title: string;
}

export const ERROR_CODES = {
  OBIS_INVALID: { layer: 'model', status: 400, title: 'Invalid OBIS code' },
  ZONE_INVALID: { layer: 'model', status: 400, title: 'Unknown IANA time zone' },
  SERIES_INVALID: { layer: 'model', status: 400, title: 'Invalid interval series' },
  BLOCK_CORRUPT: { layer: 'store', status: 500, title: 'Stored interval block is corrupt' },
  STORE_NOT_FOUND: { layer: 'store', status: 404, title: 'Not found' },
  STORE_CONFLICT: { layer: 'store', status: 409, title: 'Conflicting write' },
  STORE_MIGRATION_FAILED: { layer: 'store', status: 500, title: 'Database migration failed' },
  INGEST_UNKNOWN_METER: { layer: 'ingest', status: 422, title: 'Unknown meter' },
  INGEST_UNKNOWN_CHANNEL: { layer: 'ingest', status: 422, title: 'Unknown channel' },
  INGEST_MISALIGNED: { layer: 'ingest', status: 422, title: 'Interval not on the grid' },
  INGEST_NEGATIVE_IMPORT: { layer: 'ingest', status: 422, title: 'Negative energy on an import register' },
  INGEST_FUTURE: { layer: 'ingest', status: 422, title: 'Timestamp in the future' },
  INGEST_BAD_VALUE: { layer: 'ingest', status: 422, title: 'Value is not a finite integer in range' },
  INGEST_BACKPRESSURE: { layer: 'ingest', status: 503, title: 'Ingest queue full' },
  INGEST_CLOSED: { layer: 'ingest', status: 503, title: 'Ingest pipeline is shut down' },
  INGEST_MALFORMED: { layer: 'ingest', status: 400, title: 'Malformed ingest message or item' },
  INGEST_DUPLICATE_CONFLICT: { layer: 'ingest', status: 422, title: 'Conflicting values for one interval in one message' },
  INGEST_STORE_FAILED: { layer: 'ingest', status: 503, title: 'Storing the ingested data failed; nothing of it was committed' },
  BUS_CLOSED: { layer: 'ingest', status: 503, title: 'Message bus is closed' },
  BUS_FULL: { layer: 'ingest', status: 503, title: 'Message bus stayed full for longer than the publish timeout' },
  CSV_BAD_HEADER: { layer: 'codec', status: 400, title: 'CSV header is not the canonical one' },
  CSV_BAD_ROW: { layer: 'codec', status: 400, title: 'Malformed CSV row' },
  API_UNAUTHORIZED: { layer: 'api', status: 401, title: 'Missing or invalid API key' },
  API_FORBIDDEN: { layer: 'api', status: 403, title: 'Not allowed for this role' },
  API_BAD_REQUEST: { layer: 'api', status: 400, title: 'Request does not match the schema' },
  API_NOT_FOUND: { layer: 'api', status: 404, title: 'No such resource' },
  API_BAD_CURSOR: { layer: 'api', status: 400, title: 'Invalid paging cursor' },
  API_PAYLOAD_TOO_LARGE: { layer: 'api', status: 413, title: 'Request body too large' },
  API_UNSUPPORTED_MEDIA_TYPE: { layer: 'api', status: 415, title: 'Unsupported content type' },
  CONFIG_INVALID: { layer: 'config', status: 500, title: 'Invalid configuration' },
  PORT_IN_USE: { layer: 'config', status: 500, title: 'Port already in use' },
  AUDIT_CHAIN_BROKEN: { layer: 'store', status: 500, title: 'Audit or integrity chain is broken' },
  METER_NOT_FOUND: { layer: 'service', status: 404, title: 'No such meter' },
  CHANNEL_NOT_FOUND: { layer: 'service', status: 404, title: 'The meter has no such channel' },
  TRANSFORMER_NOT_FOUND: { layer: 'service', status: 404, title: 'No such transformer' },
  FEEDER_NOT_FOUND: { layer: 'service', status: 404, title: 'No such feeder' },
  QUERY_INVALID: { layer: 'service', status: 400, title: 'Query not valid for this resource' },
  AUTH_ROLE_UNKNOWN: { layer: 'service', status: 400, title: 'Unknown role' },
  DLMS_SECURITY_BAD_CONTROL: { layer: 'codec', status: 400, title: 'Invalid DLMS security control byte' },
  DLMS_SECURITY_UNSUPPORTED: { layer: 'codec', status: 422, title: 'Unsupported DLMS security suite, mode or compression' },
  DLMS_SECURITY_TRUNCATED: { layer: 'codec', status: 400, title: 'Ciphered DLMS APDU is truncated' },
  DLMS_SECURITY_MALFORMED: { layer: 'codec', status: 400, title: 'Malformed ciphered DLMS APDU' },
  DLMS_SECURITY_BAD_SYSTEM_TITLE: { layer: 'codec', status: 400, title: 'DLMS system title is not 8 octets' },
  DLMS_SECURITY_BAD_COUNTER: { layer: 'codec', status: 400, title: 'DLMS invocation counter is not a 32-bit unsigned integer' },
  DLMS_SECURITY_BAD_TAG: { layer: 'codec', status: 422, title: 'DLMS authentication failed (GCM tag does not verify)' },
  DLMS_SECURITY_BAD_KEY: { layer: 'config', status: 500, title: 'DLMS key is not a valid AES-128 key' },
  DLMS_SECURITY_UNKNOWN_KEY: { layer: 'service', status: 404, title: 'No DLMS key for this meter, system title or key id' },
  DLMS_SECURITY_REPLAY: { layer: 'service', status: 409, title: 'DLMS invocation counter not above the last accepted one (replay)' },
  DLMS_SECURITY_COUNTER_EXHAUSTED: { layer: 'service', status: 409, title: 'DLMS invocation counter exhausted; the key must be changed' },
  DLMS_HDLC_BAD_FCS: { layer: 'codec', status: 400, title: 'HDLC frame check sequence (FCS) does not match' },
  DLMS_HDLC_BAD_HCS: { layer: 'codec', status: 400, title: 'HDLC header check sequence (HCS) does not match' },
  DLMS_HDLC_BAD_FRAME: { layer: 'codec', status: 400, title: 'Malformed HDLC frame' },
  DLMS_HDLC_BAD_SEGMENT: { layer: 'codec', status: 400, title: 'HDLC segment does not continue the message being reassembled' },
  DLMS_WRAPPER_BAD_VERSION: { layer: 'codec', status: 400, title: 'DLMS TCP/UDP wrapper version is not 1' },
  DLMS_WRAPPER_BAD_LENGTH: { layer: 'codec', status: 400, title: 'DLMS wrapper length does not match the data' },
  DLMS_FRAME_TOO_LONG: { layer: 'codec', status: 400, title: 'DLMS frame or wrapper PDU exceeds the maximum size' },
  DLMS_ILLEGAL_STATE: { layer: 'codec', status: 409, title: 'Event not allowed in the current DLMS link or association state' },
  DLMS_BAD_TAG: { layer: 'codec', status: 400, title: 'Unknown or unexpected A-XDR data type tag' },
  DLMS_TRUNCATED: { layer: 'codec', status: 400, title: 'A-XDR data ends before the value is complete' },
  DLMS_BAD_LENGTH: { layer: 'codec', status: 400, title: 'A-XDR length or element count is malformed or implausible' },
  DLMS_BAD_VALUE: { layer: 'codec', status: 400, title: 'A-XDR value is out of range for its data type' },
  DLMS_BAD_DATETIME: { layer: 'codec', status: 400, title: 'Malformed COSEM date, time or date-time' },
  DLMS_DATETIME_UNSPECIFIED: { layer: 'codec', status: 422, title: 'COSEM date-time lacks the fields needed to map it to UTC' },
  DLMS_TOO_DEEP: { layer: 'codec', status: 400, title: 'A-XDR data nests deeper than the limit' },
  DLMS_TRAILING_DATA: { layer: 'codec', status: 400, title: 'Bytes left over after the A-XDR value' },
  DLMS_SHAPE_MISMATCH: { layer: 'codec', status: 400, title: 'A-XDR data does not have the expected shape' },
  DLMS_TRANSPORT_TIMEOUT: { layer: 'service', status: 504, title: 'DLMS connect or request timed out' },
  DLMS_TRANSPORT_CLOSED: { layer: 'service', status: 503, title: 'DLMS connection is closed or was reset' },
  DLMS_TRANSPORT_REFUSED: { layer: 'service', status: 502, title: 'DLMS connection refused by the peer' },
  DLMS_TRANSPORT_WPORT_MISMATCH: { layer: 'service', status: 502, title: 'DLMS response wrapper wPorts do not match the request' },
  DLMS_TRANSPORT_FAILED: { layer: 'service', status: 502, title: 'DLMS socket error (unreachable, address not available, ...)' },
  DLMS_BAD_APDU: { layer: 'codec', status: 400, title: 'Malformed xDLMS or ACSE APDU (bad BER, choice, field or trailing octets)' },
  DLMS_UNSUPPORTED_APDU: { layer: 'codec', status: 422, title: 'xDLMS or ACSE APDU kind or option not supported by this codec' },
  DLMS_COSEM_BAD_OBJECT: { layer: 'codec', status: 422, title: 'COSEM attribute value does not have the shape its interface class defines' },
  DLMS_UNIT_UNSUPPORTED: { layer: 'codec', status: 422, title: 'DLMS unit or scaler cannot be mapped to the canonical stored unit' },
  // DLMS image transfer, COSEM class 18 (src/headend/dlms-image-transfer.ts)
  DLMS_IMAGE_TRANSFER_DISABLED: { layer: 'service', status: 409, title: 'The meter has image transfer disabled (image_transfer_enabled is false)' },
  DLMS_IMAGE_BLOCK_REFUSED: { layer: 'service', status: 502, title: 'The meter refused image_transfer_initiate or an image block' },
  DLMS_IMAGE_INCOMPLETE: { layer: 'service', status: 502, title: 'Image blocks are still missing at the meter after re-sending them' },
  DLMS_IMAGE_VERIFY_FAILED: { layer: 'service', status: 422, title: 'The meter failed to verify the transferred image (image_transfer_status 4)' },
  DLMS_IMAGE_ACTIVATE_FAILED: { layer: 'service', status: 502, title: 'The meter did not activate the image (status 7), or reports another firmware version afterwards' },
  DLMS_IMAGE_TIMEOUT: { layer: 'service', status: 504, title: 'Image verification or activation did not finish in time' },
  DLMS_IMAGE_ABORTED: { layer: 'service', status: 409, title: 'The image transfer was stopped between blocks; a later transfer resumes it' },
  SIM_IMAGE_INVALID: { layer: 'sim', status: 400, title: 'Not a simulator firmware image (magic, header, size or SHA-256 trailer wrong)' },
  IMPORT_UNKNOWN_FORMAT: { layer: 'cli', status: 400, title: 'File format not recognised' },
  // DSMR P1 (src/protocols/dsmr)
  DSMR_BAD_HEADER: { layer: 'codec', status: 400, title: 'DSMR telegram does not start with a "/XXXZ…" identification line' },
  DSMR_BAD_LINE: { layer: 'codec', status: 400, title: 'Malformed DSMR telegram line (no value in parentheses, unclosed parenthesis or trailing text)' },
  DSMR_BAD_TRAILER: { layer: 'codec', status: 400, title: 'Text after the DSMR "!" end marker is not a CRC of 1-4 hex digits' },
  DSMR_CRC_MISMATCH: { layer: 'codec', status: 422, title: 'DSMR telegram CRC16 does not match its contents' },
  DSMR_TRUNCATED: { layer: 'codec', status: 400, title: 'DSMR telegram ends before its "!" end marker' },
  DSMR_TOO_LONG: { layer: 'codec', status: 400, title: 'DSMR telegram or encrypted frame exceeds the maximum size' },
  DSMR_NO_METER_ID: { layer: 'codec', status: 422, title: 'DSMR telegram names no equipment id and none was given' },
  DSMR_FRAME_MALFORMED: { layer: 'codec', status: 400, title: 'Malformed encrypted DSMR frame (not a 0xDB general-glo-ciphering frame, or truncated)' },
  DSMR_KEY_REQUIRED: { layer: 'codec', status: 422, title: 'Encrypted DSMR frame and no decryption key given' },
  DSMR_BAD_KEY: { layer: 'config', status: 400, title: 'DSMR decryption or authentication key is not 16 bytes' },
  DSMR_DECRYPT_FAILED: { layer: 'codec', status: 422, title: 'Encrypted DSMR frame does not authenticate (wrong key, wrong AAD or damaged frame)' },
  // NEM12/NEM13 (src/formats/nem12, src/formats/nem13)
  NEM12_BAD_RECORD: { layer: 'codec', status: 400, title: 'Malformed NEM12 record (field, number, date, quality or value count)' },
  NEM12_BAD_SEQUENCE: { layer: 'codec', status: 400, title: 'NEM12 records out of order (100 first, 200 before 300, 400 only after a V 300, 900 last)' },
  NEM12_UNKNOWN_RECORD: { layer: 'codec', status: 400, title: 'Unknown NEM12 record indicator' },
  NEM12_UNSUPPORTED_CHANNEL: { layer: 'codec', status: 422, title: 'NEM12 NMI suffix or unit of measure has no canonical channel' },
  NEM13_BAD_RECORD: { layer: 'codec', status: 400, title: 'Malformed NEM13 record (field, number, date-time or quality)' },
  NEM13_BAD_SEQUENCE: { layer: 'codec', status: 400, title: 'NEM13 records out of order (100 first, 250 before 550, 900 last)' },
  NEM13_UNKNOWN_RECORD: { layer: 'codec', status: 400, title: 'Unknown NEM13 record indicator' },
  NEM13_UNSUPPORTED_CHANNEL: { layer: 'codec', status: 422, title: 'NEM13 NMI suffix, direction or unit of measure has no canonical channel' },
  NEM_MIXED_VERSIONS: { layer: 'codec', status: 400, title: 'NEM12 and NEM13 records (or header) mixed in one file' },
  // Green Button and CIM XML (src/formats/greenbutton, src/formats/cim)
  GREENBUTTON_BAD_DOCUMENT: { layer: 'codec', status: 400, title: 'Malformed Green Button (ESPI) XML, a missing required element, or an IntervalBlock that belongs to no MeterReading' },
  GREENBUTTON_BAD_VALUE: { layer: 'codec', status: 400, title: 'Green Button (ESPI) number or time that does not parse or is out of range' },
  GREENBUTTON_UNSUPPORTED_READING_TYPE: { layer: 'codec', status: 422, title: 'Green Button ReadingType, unit or service kind has no canonical channel' },
  GREENBUTTON_UNSUPPORTED_INTERVAL: { layer: 'codec', status: 422, title: 'Green Button reading is not on a 60..3600 s interval grid (daily and billing-period readings are not interval data)' },
  CIM_BAD_DOCUMENT: { layer: 'codec', status: 400, title: 'Malformed IEC 61968-9 MeterReadings XML or a missing required element' },
  CIM_BAD_VALUE: { layer: 'codec', status: 400, title: 'IEC 61968-9 value, time stamp or quality code that does not parse or is out of range' },
  CIM_UNSUPPORTED_READING_TYPE: { layer: 'codec', status: 422, title: 'IEC 61968-9 ReadingType code has no canonical channel, or two channels share one code' },
  // MQTT and vendor payload mappers (src/protocols/mqtt)
  MQTT_TOPIC_INVALID: { layer: 'codec', status: 400, title: 'MQTT topic does not follow the meterstack/v1 topic scheme' },
  MQTT_ID_INVALID: { layer: 'codec', status: 400, title: 'Device, gateway or command name is not usable as an MQTT topic level and username' },
  MQTT_BAD_MESSAGE: { layer: 'codec', status: 400, title: 'MQTT status or command message is malformed' },
  MQTT_AUTH_FAILED: { layer: 'service', status: 401, title: 'MQTT client credentials rejected' },
  MQTT_ACL_DENIED: { layer: 'service', status: 403, title: 'MQTT client may not publish or subscribe to this topic' },
  MQTT_DEVICE_UNKNOWN: { layer: 'service', status: 404, title: 'No MQTT credential for this device' },
  MQTT_DEVICE_EXISTS: { layer: 'service', status: 409, title: 'An MQTT credential with this id exists already' },
  MQTT_COMMAND_TIMEOUT: { layer: 'service', status: 504, title: 'The device did not answer the MQTT command in time' },
  MQTT_COMMAND_FAILED: { layer: 'service', status: 502, title: 'The device answered the MQTT command with an error' },
  MQTT_BROKER_UNAVAILABLE: { layer: 'service', status: 503, title: 'MQTT broker not reachable or connection lost' },
  MQTT_QUEUE_FULL: { layer: 'sim', status: 503, title: 'Store-and-forward queue is full and its policy refuses new messages' },
  PAYLOAD_MALFORMED: { layer: 'codec', status: 400, title: 'Payload is not JSON/CBOR or does not declare its format and schema version' },
  PAYLOAD_UNKNOWN_FORMAT: { layer: 'codec', status: 422, title: 'Payload declares a vendor format no mapper knows' },
  PAYLOAD_UNKNOWN_VERSION: { layer: 'codec', status: 422, title: 'Payload declares a schema version its vendor format does not have' },
  PAYLOAD_BAD_VALUE: { layer: 'codec', status: 400, title: 'Payload field has the wrong type or an out-of-range value' },
  PAYLOAD_WRONG_DEVICE: { layer: 'codec', status: 403, title: 'Payload names a meter other than the device that sent it' },
  // CoAP (src/protocols/coap)
  COAP_NOT_FOUND: { layer: 'codec', status: 404, title: 'No CoAP resource at this path (readings go to /r/<meter id>)' },
  COAP_METHOD_NOT_ALLOWED: { layer: 'codec', status: 405, title: 'CoAP method not allowed on this resource' },
  COAP_UNSUPPORTED_CONTENT_FORMAT: { layer: 'codec', status: 415, title: 'CoAP Content-Format is not application/json (50) or application/cbor (60)' },
  COAP_UNAUTHORIZED: { layer: 'service', status: 401, title: 'CoAP device unknown, or its HMAC signature is missing or does not verify' },
  COAP_OBSERVE_FAILED: { layer: 'service', status: 502, title: 'CoAP Observe registration with a device failed or timed out' },
  COAP_TIMEOUT: { layer: 'service', status: 504, title: 'CoAP peer did not answer in time' },
  // VEE (src/vee)
  VEE_RULESET_INVALID: { layer: 'config', status: 400, title: 'VEE rule set is malformed (unknown rule, parameter or class, or a wrong type)' },
  VEE_INPUT_INVALID: { layer: 'service', status: 400, title: 'VEE input is inconsistent (series arrays, interval length or meter do not fit)' },
  VEE_EXCEPTION_NOT_FOUND: { layer: 'service', status: 404, title: 'No such VEE exception' },
  VEE_EDIT_INVALID: { layer: 'service', status: 400, title: 'A manual edit does not fit the channel (range off the grid, values count, method or reason code)' },
  // Tariffs, billing (src/services/tariffs, src/services/billing)
  TARIFF_INVALID: { layer: 'config', status: 400, title: 'Tariff document is malformed (the message names the field and what it expects)' },
  TARIFF_NOT_FOUND: { layer: 'service', status: 404, title: 'No such tariff, or no version of it in force on that date' },
  TARIFF_VERSION_EXISTS: { layer: 'service', status: 409, title: 'That tariff version exists; versions are immutable, add the next one' },
  PRICES_INVALID: { layer: 'config', status: 400, title: 'Price feed file is malformed (line and reason given)' },
  PRICES_MISSING: { layer: 'service', status: 422, title: 'A dynamic tariff has no price for an interval of the bill period' },
  ACCOUNT_INVALID: { layer: 'config', status: 400, title: 'Account or meter assignment is malformed' },
  ACCOUNT_NOT_FOUND: { layer: 'service', status: 404, title: 'No such account' },
  BILL_PERIOD_INVALID: { layer: 'service', status: 400, title: 'Bill period is not a range of local dates with from before to' },
  BILL_NOT_FOUND: { layer: 'service', status: 404, title: 'No such bill or bill line' },
  BILL_REVISION_EXISTS: { layer: 'service', status: 409, title: 'That bill revision exists (a concurrent re-bill); run it again' },
  BILL_NO_DATA: { layer: 'service', status: 422, title: 'No meter served the account during the bill period' },
  BILLING_RUN_NOT_FOUND: { layer: 'service', status: 404, title: 'No such billing run' },
  // TOU verification (src/services/billing/tou-verify.*)
  TOU_VERIFY_INVALID: { layer: 'service', status: 400, title: 'TOU verification request is malformed (range, meter list, or interval data not in quarter-hours)' },
  // Users, sessions and the customer portal (src/services/users.service.ts, portal.service.ts)
  AUTH_LOGIN_FAILED: { layer: 'service', status: 401, title: 'Unknown user or wrong password' },
  AUTH_LOCKED: { layer: 'service', status: 429, title: 'Too many failed logins for this user; wait before trying again' },
  AUTH_CSRF: { layer: 'api', status: 403, title: 'State-changing request from a session without its CSRF token, or from another origin' },
  USER_INVALID: { layer: 'service', status: 400, title: 'User is malformed (username, role, premise or password)' },
  USER_EXISTS: { layer: 'service', status: 409, title: 'A user with this username exists already' },
  USER_NOT_FOUND: { layer: 'service', status: 404, title: 'No such user' },
  PREMISE_NOT_FOUND: { layer: 'service', status: 404, title: 'No meters at this premise' },
  // Settlement (src/services/settlement)
  SETTLEMENT_INVALID: { layer: 'service', status: 400, title: 'Settlement request is malformed (day not a date YYYY-MM-DD, threshold outside 0..1, unknown export format)' },
  SETTLEMENT_RUN_NOT_FOUND: { layer: 'service', status: 404, title: 'No such settlement run' },
  SETTLEMENT_RUN_EXISTS: { layer: 'service', status: 409, title: 'That settlement run number was taken by a concurrent run; run again' },
  // Grid and outages (src/services/grid.service.ts, src/services/outages.service.ts)
  OUTAGE_NOT_FOUND: { layer: 'service', status: 404, title: 'No such outage' },
  // Consent and third-party data access (src/services/consent)
  THIRD_PARTY_INVALID: { layer: 'service', status: 400, title: 'Third party is malformed (id, name, contact, website, country or purposes)' },
  THIRD_PARTY_EXISTS: { layer: 'service', status: 409, title: 'A third party with this id exists already' },
  THIRD_PARTY_NOT_FOUND: { layer: 'service', status: 404, title: 'No such third party (or it is not active)' },
  THIRD_PARTY_SUSPENDED: { layer: 'service', status: 403, title: 'The third party is suspended or removed: all its access is stopped' },
  THIRD_PARTY_KEY_UNBOUND: { layer: 'service', status: 403, title: 'This API key is not bound to a registered third party' },
  CONSENT_INVALID: { layer: 'service', status: 400, title: 'Consent is malformed (purpose not allowed for the party, scope, granularity, duration or history)' },
  CONSENT_NOT_FOUND: { layer: 'service', status: 404, title: 'No such consent' },
  CONSENT_REQUIRED: { layer: 'service', status: 403, title: 'No live consent for this premise (none, revoked, expired or not yet valid)' },
  CONSENT_SCOPE_EXCEEDED: { layer: 'service', status: 403, title: 'The consent does not cover this data (import/export) or purpose' },
  CONSENT_GRANULARITY_EXCEEDED: { layer: 'service', status: 403, title: 'Asked for data finer than the consented granularity' },
  CONSENT_ILLEGAL_STATE: { layer: 'service', status: 409, title: 'Not possible in the consent\'s or third party\'s current state (e.g. revoking an expired consent)' },
  // Firmware images, signing keys and campaigns (src/services/firmware), and the paths that bring images onto meters
  FIRMWARE_SIGNATURE_INVALID: { layer: 'service', status: 422, title: 'Firmware image is unsigned, or its signature does not verify with a registered signing key of its vendor' },
  FIRMWARE_KEY_INVALID: { layer: 'service', status: 400, title: 'Firmware signing key is not an Ed25519 or ECDSA P-256 public key (PEM or base64 DER SPKI)' },
  FIRMWARE_KEY_EXISTS: { layer: 'service', status: 409, title: 'That firmware signing key is registered already' },
  FIRMWARE_IMAGE_INVALID: { layer: 'service', status: 400, title: 'Firmware image is malformed (empty, too large, or vendor, models, version or identifier missing or too long)' },
  FIRMWARE_IMAGE_EXISTS: { layer: 'service', status: 409, title: 'An image with these bytes (the same SHA-256) is stored already' },
  FIRMWARE_IMAGE_NOT_FOUND: { layer: 'service', status: 404, title: 'No such firmware image' },
  FIRMWARE_CAMPAIGN_INVALID: { layer: 'service', status: 400, title: 'Firmware campaign is malformed (target, waves, threshold, concurrency or time window)' },
  FIRMWARE_CAMPAIGN_NOT_FOUND: { layer: 'service', status: 404, title: 'No such firmware campaign' },
  FIRMWARE_CAMPAIGN_STATE: { layer: 'service', status: 409, title: 'The campaign cannot do that in its current state (e.g. resume a completed campaign)' },
  FIRMWARE_TRANSFER_FAILED: { layer: 'service', status: 502, title: 'The meter did not take an image block' },
  FIRMWARE_VERIFY_FAILED: { layer: 'service', status: 502, title: 'The meter found the transferred image incomplete or its hash wrong' },
  FIRMWARE_ACTIVATE_FAILED: { layer: 'service', status: 502, title: 'The meter did not activate the image, or reports another version afterwards' },
  FIRMWARE_ABORTED: { layer: 'service', status: 409, title: 'The upgrade was stopped (campaign halted or cancelled); a later run resumes the transfer' },
  // OpenADR 2.0b (src/formats/openadr) and demand response (src/services/dr)
  OPENADR_BAD_DOCUMENT: { layer: 'codec', status: 400, title: 'Not well-formed XML, not an OpenADR 2.0b payload, or a required element is missing' },
  OPENADR_BAD_VALUE: { layer: 'codec', status: 400, title: 'OpenADR date-time, duration, number or flag that does not parse or is out of range' },
  OPENADR_UNSUPPORTED_MESSAGE: { layer: 'codec', status: 422, title: 'OpenADR message type not handled here (oadrDistributeEvent, oadrCreatedEvent and oadrResponse are)' },
  DR_EVENT_INVALID: { layer: 'service', status: 400, title: 'Peak event is malformed (times, levels, kind or targets; the message names the field)' },
  DR_EVENT_NOT_FOUND: { layer: 'service', status: 404, title: 'No such peak event, or the premise is not among its targets' },
  DR_EVENT_STATE: { layer: 'service', status: 409, title: 'Not allowed in the peak event\'s state (cancelled or completed)' },
  INTERNAL: { layer: 'service', status: 500, title: 'Internal error' },
} as const satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorPosition {
  /** Byte offset into the input, for binary codecs. */
  offset?: number;
  /** 1-based line number, for text formats. */
  line?: number;
  /** File or source name. */
  source?: string;
}

export class MeterstackError extends Error {
  readonly code: ErrorCode;
  readonly layer: ErrorLayer;
  readonly offset?: number;
  readonly line?: number;
  readonly source?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: ErrorPosition & { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'MeterstackError';
    this.code = code;
    this.layer = ERROR_CODES[code].layer;
    if (opts.offset !== undefined) this.offset = opts.offset;
    if (opts.line !== undefined) this.line = opts.line;
    if (opts.source !== undefined) this.source = opts.source;
    if (opts.details !== undefined) this.details = opts.details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export function isMeterstackError(err: unknown): err is MeterstackError {
  return err instanceof MeterstackError;
}

export function hasCode(err: unknown, code: ErrorCode): err is MeterstackError {
  return isMeterstackError(err) && err.code === code;
}
