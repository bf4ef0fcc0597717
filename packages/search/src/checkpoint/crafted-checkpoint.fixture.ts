import { crc32 } from 'node:zlib';
import { DEFAULT_TRAIN_CONFIG, oqatPhases } from '../config/train-config';
import { FASHION_MNIST_SPACE } from '../space/fashion-mnist-space';
import { CHECKPOINT_MAGIC, CHECKPOINT_VERSION, encodeCheckpoint, type TensorEntry } from './checkpoint-format';

// Test fixture (not product code): supernet checkpoints whose checksum is
// right whatever their header says, for the tests of every reader of one.

export interface CheckpointHeader {
  meta: Record<string, unknown>;
  tensors: TensorEntry[];
  dataBytes: number;
}

/** A small, valid supernet checkpoint (4 then 3 bits, in the 3-bit phase): its header (to mutate) and data section. */
export function validCheckpointParts(): { header: CheckpointHeader; data: Buffer } {
  const meta = {
    kind: 'oqat-supernet-training',
    config: { ...DEFAULT_TRAIN_CONFIG, phases: oqatPhases([4, 3], { float: 0, first: 1, inherited: 1 }) },
    space: FASHION_MNIST_SPACE,
    position: { phaseIndex: 1, phaseStep: 3, globalStep: 10 },
    sampler: { seed: 0, stream: 'sandwich', phaseIndex: 1, phaseStep: 3 },
    keptWidths: [4],
  };
  const tensors = new Map([
    ['a', { shape: [2, 3], values: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
    ['width4/b', { shape: [2], values: Float32Array.from([7, 8]) }],
  ]);
  const bytes = encodeCheckpoint({ meta, tensors });
  const headerBytes = bytes.readUInt32LE(12);
  return {
    header: JSON.parse(bytes.toString('utf8', 16, 16 + headerBytes)) as CheckpointHeader,
    data: bytes.subarray(16 + headerBytes, bytes.length - 8),
  };
}

/** A checkpoint file of this header text (anything) and data, with a valid checksum and end marker. */
export function craftCheckpoint(headerText: string, data: Uint8Array): Buffer {
  const h = Buffer.from(headerText, 'utf8');
  const body = Buffer.concat([Buffer.from(CHECKPOINT_MAGIC, 'latin1'), Buffer.alloc(8), h, data]);
  body.writeUInt32LE(CHECKPOINT_VERSION, 8);
  body.writeUInt32LE(h.length, 12);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(body), 0);
  trailer.write('END.', 4, 'latin1');
  return Buffer.concat([body, trailer]);
}
