export { SimCoapDevice, type SimCoapDeviceOptions } from './device.ts';
