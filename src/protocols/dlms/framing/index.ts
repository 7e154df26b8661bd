/** DLMS framing layer: HDLC (IEC 62056-46) and the TCP/UDP wrapper (IEC 62056-47), sans-IO. */
export { crc16x25 } from './fcs.ts';
export {
  HDLC_FLAG, HDLC_MAX_LENGTH, LLC_COMMAND, LLC_RESPONSE, addressValue, decodeAddress, decodeControl, decodeHdlcFrame,
  encodeAddress, encodeControl, encodeHdlcFrame, parseLlc, withLlc,
  type DecodedHdlcFrame, type HdlcAddress, type HdlcControl, type HdlcDecodeOptions, type HdlcFrame, type HdlcUnnumberedKind, type LlcKind,
} from './hdlc.ts';
export { HdlcFrameReader, type HdlcReaderOptions } from './hdlc-reader.ts';
export { HdlcSegmentAssembler, type HdlcSegmentAssemblerOptions } from './hdlc-segments.ts';
export { HdlcLink, TRANSITIONS as HDLC_LINK_TRANSITIONS, type HdlcLinkEvent, type HdlcLinkEventKind, type HdlcLinkOptions, type HdlcLinkState } from './hdlc-link.ts';
export { DLMS_PORT, WRAPPER_HEADER_SIZE, WRAPPER_VERSION, WrapperReader, decodeWrapper, encodeWrapper, type WrapperPdu, type WrapperReaderOptions } from './wrapper.ts';
