import { UnknownDeviceError } from '../errors';

export const DEVICE_NAMES = ['cpu', 'cpu-ort', 'xavier', 'fpga'] as const;
export type DeviceName = (typeof DEVICE_NAMES)[number];

export interface DeviceInfo {
  name: DeviceName;
  kind: 'measured' | 'simulated';
  description: string;
}

export const DEVICES: Readonly<Record<DeviceName, DeviceInfo>> = {
  cpu: {
    name: 'cpu',
    kind: 'measured',
    description: "this machine's CPU through the project's runtime (tfjs, the backend the engine chose; wasm by default)",
  },
  'cpu-ort': {
    name: 'cpu-ort',
    kind: 'measured',
    description: 'this machine\'s CPU through onnxruntime-node: float graphs above 8 bits, int8 QDQ graphs at 8 bits and below',
  },
  xavier: { name: 'xavier', kind: 'simulated', description: 'Xavier-like embedded GPU: roofline per layer (see devices/xavier/xavier-params.ts)' },
  fpga: { name: 'fpga', kind: 'simulated', description: 'bit-flexible LUT-multiplier accelerator (see devices/fpga/fpga-params.ts)' },
};

export function isDeviceName(name: string): name is DeviceName {
  return (DEVICE_NAMES as readonly string[]).includes(name);
}

export function deviceInfo(name: string): DeviceInfo {
  if (!isDeviceName(name)) throw new UnknownDeviceError(name, DEVICE_NAMES);
  return DEVICES[name];
}

/**
 * The precision a device actually computes a bit width at, so that layers
 * the device runs identically share one lookup key and one feature value:
 * cpu and cpu-ort run int8 kernels at <= 8 bits and float above, xavier runs
 * int8 at <= 8 bits and fp16 above, the fpga computes at the exact width.
 * Devices not listed here (samples of other hardware) keep the bits as given.
 */
export function effectiveBits(device: string, bits: number): number {
  switch (device) {
    case 'cpu':
    case 'cpu-ort':
      return bits <= 8 ? 8 : 32;
    case 'xavier':
      return bits <= 8 ? 8 : 16;
    default:
      return bits;
  }
}
