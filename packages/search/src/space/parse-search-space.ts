import type { FirstBlockSpace, HeadSpace, SearchSpace, SegmentationHeadSpace, SpaceActivation, StageSpace, StemSpace } from '@oqat/latency';
import { QUANT_BITS } from '@oqat/quant';
import { InvalidSpaceError } from '../errors';
import { FieldReader } from '../json-fields';

const ACTIVATIONS: readonly SpaceActivation[] = ['relu', 'relu6', 'hswish'];

const r = new FieldReader((field, problem) => new InvalidSpaceError(field, problem));

const odd = (k: number): string | undefined => (k % 2 === 1 ? undefined : 'must be odd (centre-cropped kernels)');

function readStem(v: unknown): StemSpace {
  const o = r.object(v, 'stem');
  r.keys(o, 'stem', ['outC', 'kernel', 'stride', 'act']);
  return {
    outC: r.int(o.outC, 'stem.outC', 1),
    kernel: r.intChoices([o.kernel], 'stem.kernel', 1, 11, odd)[0]!,
    stride: r.int(o.stride, 'stem.stride', 1, 4),
    act: r.oneOf(o.act, 'stem.act', ACTIVATIONS),
  };
}

function readFirstBlock(v: unknown): FirstBlockSpace {
  const o = r.object(v, 'firstBlock');
  r.keys(o, 'firstBlock', ['outC', 'kernel', 'act', 'se']);
  return {
    outC: r.int(o.outC, 'firstBlock.outC', 1),
    kernel: r.intChoices([o.kernel], 'firstBlock.kernel', 1, 11, odd)[0]!,
    act: r.oneOf(o.act, 'firstBlock.act', ACTIVATIONS),
    se: r.bool(o.se, 'firstBlock.se'),
  };
}

function readStage(v: unknown, i: number): StageSpace {
  const f = `stages[${i}]`;
  const o = r.object(v, f);
  r.keys(o, f, ['outC', 'stride', 'depths', 'kernels', 'expands', 'se', 'act']);
  const kernels = r.intChoices(o.kernels, `${f}.kernels`, 1, 7, odd);
  // OFA's learned kernel transforms go 7->5->3: each smaller kernel is a centre crop of the next larger one.
  return {
    outC: r.int(o.outC, `${f}.outC`, 1),
    stride: r.int(o.stride, `${f}.stride`, 1, 2),
    depths: r.intChoices(o.depths, `${f}.depths`, 1, 16),
    kernels,
    expands: r.numChoices(o.expands, `${f}.expands`, 1, 16),
    se: r.bool(o.se, `${f}.se`),
    act: r.oneOf(o.act, `${f}.act`, ACTIVATIONS),
  };
}

function readHead(v: unknown): HeadSpace {
  const o = r.object(v, 'head');
  r.keys(o, 'head', ['finalExpandC', 'featureC', 'act', 'dropout']);
  return {
    finalExpandC: r.int(o.finalExpandC, 'head.finalExpandC', 1),
    featureC: r.int(o.featureC, 'head.featureC', 0),
    act: r.oneOf(o.act, 'head.act', ACTIVATIONS),
    dropout: r.num(o.dropout ?? 0, 'head.dropout', 0, 0.9),
  };
}

function readSegmentationHead(v: unknown, stages: number): SegmentationHeadSpace {
  const o = r.object(v, 'segmentationHead');
  r.keys(o, 'segmentationHead', ['skipStage', 'channels']);
  return {
    skipStage: r.int(o.skipStage, 'segmentationHead.skipStage', -1, stages - 1),
    channels: r.int(o.channels, 'segmentationHead.channels', 1),
  };
}

/**
 * Validates a search-space JSON value and returns it typed, with choice lists
 * sorted ascending. Throws InvalidSpaceError naming the first bad field.
 */
export function parseSearchSpace(json: unknown): SearchSpace {
  const o = r.object(json, 'space');
  r.keys(o, '', ['name', 'inputC', 'numClasses', 'resolutions', 'bits', 'stem', 'firstBlock', 'stages', 'head', 'segmentationHead']);
  const stages = r.array(o.stages, 'stages', 1).map(readStage);
  const space: SearchSpace = {
    name: r.str(o.name, 'name'),
    inputC: r.int(o.inputC, 'inputC', 1, 64),
    numClasses: r.int(o.numClasses, 'numClasses', 2),
    resolutions: r.intChoices(o.resolutions, 'resolutions', 8, 1024),
    bits: r.intChoices(o.bits, 'bits', 2, 32, (b) =>
      (QUANT_BITS as readonly number[]).includes(b) ? undefined : `must be one of ${QUANT_BITS.join(', ')}`,
    ),
    stem: readStem(o.stem),
    stages,
    head: readHead(o.head),
  };
  if (o.firstBlock !== undefined) space.firstBlock = readFirstBlock(o.firstBlock);
  if (o.segmentationHead !== undefined) space.segmentationHead = readSegmentationHead(o.segmentationHead, stages.length);
  return space;
}
