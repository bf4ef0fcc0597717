/**
 * The search benchmarks' stand-in task, until a trained supernet exists:
 * the real Fashion-MNIST search space and the latency package's Xavier/FPGA
 * simulators as the efficiency objectives, but a SYNTHETIC accuracy (a smooth
 * function of MACs and bits plus a fixed per-spec jitter). Every figure these
 * benchmarks print is labelled synthetic; the search code does not know.
 */
import { derive } from '@oqat/core';
import { simulateNetwork, type SimulatedDevice } from '@oqat/latency';
import { FASHION_MNIST_SPACE, largestSubnet, lowerSubnet, subnetCosts, subnetKey, type SubnetSpec } from '@oqat/search';

export const space = FASHION_MNIST_SPACE;
export const trainedBits = [2, 3, 4];

const BITS_PENALTY: Record<number, number> = { 2: 0.05, 3: 0.015, 4: 0.005 };

/** Synthetic validation accuracy: capacity helps with diminishing returns, fewer bits hurt, ±0.003 jitter per spec. */
export function syntheticAccuracy(spec: SubnetSpec): number {
  const { macs } = subnetCosts(lowerSubnet(space, spec));
  const bigKernelsLate = spec.kernels.slice(2).flat().filter((k) => k === 7).length;
  const jitter = (derive(1, subnetKey(spec)) / 0x1_0000_0000 - 0.5) * 0.006;
  return 0.93 - 0.1 * Math.exp(-macs / 3e6) - (BITS_PENALTY[spec.bits] ?? 0) + 0.003 * bigKernelsLate + jitter;
}

export function deviceLatencyMs(device: SimulatedDevice, spec: SubnetSpec): number {
  return simulateNetwork(device, lowerSubnet(space, spec)).latencyMs;
}

/** Hypervolume reference: 0.80 accuracy and 1.05x the largest 4-bit subnet's latency on the device. */
export function reference(device: SimulatedDevice): { accuracy: number; cost: number } {
  return { accuracy: 0.8, cost: 1.05 * deviceLatencyMs(device, largestSubnet(space, 4)) };
}
