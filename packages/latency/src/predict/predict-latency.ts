import { deviceInfo, type DeviceName } from '../devices/device-names';
import { simulateNetwork, type SimulatorParams } from '../devices/simulate-network';
import { DeviceMismatchError, PredictorRequiredError } from '../errors';
import type { LayerDesc } from '../ir/layer-desc';
import { validateLayers } from '../ir/validate-layers';
import type { CostModel } from './cost-model';

/**
 * Latency of a network on a device, in ms. With a predictor, its estimate
 * (the predictor must be fitted on that device); without one, the simulator
 * for xavier/fpga, and an error for the measured devices. Validates `layers`.
 */
export function predictLatency(device: DeviceName | string, layers: unknown, predictor?: CostModel, params?: SimulatorParams): number {
  const valid: LayerDesc[] = validateLayers(layers);
  if (predictor) {
    if (predictor.device !== device) throw new DeviceMismatchError(device, predictor.device);
    return predictor.estimateMs(valid);
  }
  const info = deviceInfo(device);
  if (info.kind === 'measured') throw new PredictorRequiredError(device);
  return simulateNetwork(info.name as 'xavier' | 'fpga', valid, params).latencyMs;
}
