import type { Tensor } from '@oqat/engine';
import type { SubnetSpec } from '@oqat/latency';
import { StepNotInitialisedError } from '@oqat/quant';
import { SubnetNotReadyError } from '../errors';
import { subnetKey } from '../space/subnet-spec';
import type { StaticMobileNet } from '../static/static-mobilenet';
import type { StaticSegmentationNet } from '../static/static-segmentation-net';
import { extractSubnet, type StaticNetwork } from './extract-subnet';
import type { MobileNetV3Supernet } from './networks/mobilenet-v3';
import type { SegmentationSupernet } from './networks/segmentation-supernet';
import { reestimateBn } from './reestimate-bn';
import { subnetWidths } from './subnet-widths';

export interface StaticSubnetOptions {
  /**
   * Normalized training batches to re-estimate the supernet's BN statistics
   * for this subnet first (as evaluateSubnet does). Without them the
   * supernet's current running statistics are used: right only just after
   * evaluating this spec.
   */
  bnImages?: readonly Tensor[];
}

/**
 * A trained subnet as the static network an export takes: activates `spec`,
 * re-estimates BN on `bnImages` if given and extracts it with its weights.
 * The caller disposes the result.
 */
export function staticSubnet(net: MobileNetV3Supernet, spec: SubnetSpec, options?: StaticSubnetOptions): StaticMobileNet;
export function staticSubnet(net: SegmentationSupernet, spec: SubnetSpec, options?: StaticSubnetOptions): StaticSegmentationNet;
export function staticSubnet(net: MobileNetV3Supernet | SegmentationSupernet, spec: SubnetSpec, options?: StaticSubnetOptions): StaticNetwork;
export function staticSubnet(net: MobileNetV3Supernet | SegmentationSupernet, spec: SubnetSpec, options: StaticSubnetOptions = {}): StaticNetwork {
  net.setActive(spec);
  if (options.bnImages?.length) reestimateBn(net, options.bnImages);
  try {
    return extractSubnet(net, { preserveWeights: true });
  } catch (err) {
    if (err instanceof StepNotInitialisedError) throw new SubnetNotReadyError(subnetKey(spec), `has no ${subnetWidths(spec).join('/')}-bit step sizes`);
    throw err;
  }
}
