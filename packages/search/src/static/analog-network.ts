import type { MatmulDevice } from './analog-layers';
import type { StaticConvBn } from './static-conv-bn';
import type { StaticConv2d } from './static-conv2d';
import type { StaticLinear } from './static-linear';
import type { StaticMobileNet } from './static-mobilenet';
import type { StaticSegmentationNet } from './static-segmentation-net';

/** Every conv and fully connected layer of a static network: the matrix products an analog device would run. */
export function matmulLayers(net: StaticMobileNet | StaticSegmentationNet): Array<StaticConv2d | StaticLinear> {
  const b = net.backbone;
  const conv = (cb: StaticConvBn | undefined): StaticConv2d[] => (cb ? [cb.conv] : []);
  const layers: Array<StaticConv2d | StaticLinear | undefined> = [
    b.stem.conv,
    ...b.blocks.flatMap((block) => [...conv(block.expand), block.dw.conv, block.se?.reduce, block.se?.expand, block.project.conv]),
    b.headExpand.conv,
  ];
  if ('classifier' in net) layers.push(net.mix, net.classifier);
  else layers.push(net.head.high.conv, net.head.gate, net.head.highClassifier, net.head.skipClassifier);
  return layers.filter((l): l is StaticConv2d | StaticLinear => l !== undefined);
}

/**
 * Runs every conv and linear of `net` on `device` (an AnalogRun: the analog
 * device, each layer's inputs and weights as its fake quantizers leave them;
 * or DNF's sampled noise), or back on tf's float kernels when undefined.
 */
export function setAnalogDevice(net: StaticMobileNet | StaticSegmentationNet, device: MatmulDevice | undefined): void {
  for (const layer of matmulLayers(net)) layer.device = device;
}
