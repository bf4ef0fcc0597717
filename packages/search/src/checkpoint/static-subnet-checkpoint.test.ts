import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '@oqat/engine';
import { DEFAULT_TRAIN_CONFIG, oqatPhases, type TrainConfig } from '../config/train-config';
import type { StaticMobileNet } from '../static/static-mobilenet';
import { staticSubnet } from '../supernet/static-subnet';
import { prepareSubnet, TINY_SPECS, tinyExportFixture, type TinyExportFixture } from '../supernet/tiny-export.fixture';
import { TINY_SPACE } from '../supernet/tiny-space';
import { readCheckpointFile, writeCheckpointFile } from './checkpoint-file';
import { isStaticSubnetFile, loadStaticSubnet, writeStaticSubnet, type StaticSubnetMeta } from './static-subnet-checkpoint';
import { writeWidthsCheckpoint } from './widths-checkpoint.fixture';

describe('static subnet file', () => {
  let f: TinyExportFixture;
  let stat: StaticMobileNet;
  const dir = mkdtempSync(join(tmpdir(), 'oqat-static-ckpt-'));
  const path = join(dir, 'subnet.ckpt');
  const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, phases: oqatPhases([4], { float: 0, first: 1, inherited: 0 }) };
  beforeAll(async () => {
    await initEngine({ backend: 'cpu' });
    f = tinyExportFixture();
    prepareSubnet(f, TINY_SPECS.large4!);
    stat = staticSubnet(f.net, TINY_SPECS.large4!);
    writeStaticSubnet(path, stat, config, { method: 'dnf', steps: 3 });
  });
  afterAll(() => {
    stat.dispose();
    f.dispose();
  });

  it('reads back as the same network: config, BN statistics, frozen steps, logits', () => {
    expect(isStaticSubnetFile(path)).toBe(true);
    const loaded = loadStaticSubnet(path);
    try {
      expect(loaded.net.config).toEqual(stat.config);
      expect(loaded.provenance).toEqual({ method: 'dnf', steps: 3 });
      expect(loaded.config).toEqual(config);
      const [a, b] = tf.tidy(() => [stat.forward(f.images).dataSync(), loaded.net.forward(f.images).dataSync()]);
      expect(Array.from(b!)).toEqual(Array.from(a!));
    } finally {
      loaded.net.dispose();
    }
  });

  it('refuses a file that lacks one of its tensors, and a supernet checkpoint, in one line', () => {
    const file = readCheckpointFile<StaticSubnetMeta>(path);
    const name = [...file.tensors.keys()].find((k) => k.endsWith('.runningVar'))!;
    file.tensors.delete(name);
    const damaged = join(dir, 'damaged.ckpt');
    writeCheckpointFile(damaged, file);
    expect(() => loadStaticSubnet(damaged)).toThrow(`checkpoint ${damaged}: has no tensor ${name}; pass a subnet file written by oqat finetune`);
    const supernet = join(dir, 'supernet.ckpt');
    writeWidthsCheckpoint(supernet, TINY_SPACE, 1, [4]).dispose();
    expect(isStaticSubnetFile(supernet)).toBe(false);
    expect(() => loadStaticSubnet(supernet)).toThrow(/is not a static subnet file; pass a subnet file written by oqat finetune$/);
  });
});
