import type { Rng } from './prng.ts';

/** Vendor catalogue: single- and three-phase models as sold for European smart-meter roll-outs. */
const VENDORS = [
  { vendor: 'Landis+Gyr', share: 0.25, model1: 'E350 ZCF120', model3: 'E350 ZMF120', firmware: ['3.09.1', '3.11.2', '3.12.0'] },
  { vendor: 'Kaifa', share: 0.2, model1: 'MA105H2E', model3: 'MA304H4E', firmware: ['V1.06', 'V1.08', 'V1.11'] },
  { vendor: 'Sagemcom', share: 0.25, model1: 'XS210 ESMR5', model3: 'T210-D ESMR5', firmware: ['4.2.11', '4.3.2', '4.4.0'] },
  { vendor: 'Iskraemeco', share: 0.15, model1: 'AM550-ED1.11', model3: 'AM550-TD2.11', firmware: ['1.2.3', '1.3.0', '1.4.1'] },
  { vendor: 'Kamstrup', share: 0.15, model1: 'OMNIPOWER 1-phase', model3: 'OMNIPOWER 3-phase', firmware: ['5.01', '5.02', '6.00'] },
] as const;

/** How the head-end reaches the meter: DLMS/COSEM over TCP mostly, MQTT and CoAP for newer gateways. */
const PROTOCOLS = ['dlms', 'mqtt', 'coap'] as const;

export interface MeterInfo {
  readonly vendor: string;
  readonly model: string;
  readonly firmware: string;
  readonly protocol: string;
  readonly servicePoint: string;
}

/** An 18-digit EAN/GS1 connection code with its mod-10 check digit, as Dutch service points carry. */
export function eanCode(rng: Rng): string {
  let body = '871687';
  while (body.length < 17) body += String(rng.int(10));
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[16 - i]) * (i % 2 === 0 ? 3 : 1);
  return body + String((10 - (sum % 10)) % 10);
}

export function drawMeterInfo(rng: Rng, threePhase: boolean): MeterInfo {
  const v = VENDORS[rng.weighted(VENDORS.map((x) => x.share))]!;
  return {
    vendor: v.vendor,
    model: threePhase ? v.model3 : v.model1,
    // Most meters run the latest firmware; campaigns leave a tail on older versions.
    firmware: v.firmware[rng.weighted([0.1, 0.25, 0.65])]!,
    protocol: PROTOCOLS[rng.weighted([0.7, 0.2, 0.1])]!,
    servicePoint: eanCode(rng),
  };
}
