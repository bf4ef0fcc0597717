import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { craftCheckpoint, validCheckpointParts } from '../checkpoint/crafted-checkpoint.fixture';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../config/train-config';
import { CheckpointError } from '../errors';
import { readTrainCheckpoint } from './train-checkpoint';

/** A checkpoint file whose header's config.data is `data`, with the fixture's phases; and the config that resumes it. */
function checkpointWithData(data: Record<string, unknown>): { path: string; config: TrainConfig } {
  const { header, data: bytes } = validCheckpointParts();
  const config = header.meta.config as TrainConfig;
  header.meta.config = { ...config, data };
  const path = join(mkdtempSync(join(tmpdir(), 'oqat-train-ckpt-')), 'supernet.ckpt');
  writeFileSync(path, craftCheckpoint(JSON.stringify(header), bytes));
  return { path, config };
}

describe('readTrainCheckpoint', () => {
  it("resumes a checkpoint written before data's later fields (folder, skipBadFiles, resizeImages): absent means the default", () => {
    const { folder, skipBadFiles, resizeImages, ...older } = DEFAULT_TRAIN_CONFIG.data;
    void folder, void skipBadFiles, void resizeImages;
    const { path, config } = checkpointWithData(older);
    expect(() => readTrainCheckpoint(path, config)).not.toThrow();
  });

  it("still refuses a checkpoint whose data differs from the config's", () => {
    const { path, config } = checkpointWithData({ ...DEFAULT_TRAIN_CONFIG.data, resizeImages: true });
    expect(() => readTrainCheckpoint(path, config)).toThrow(CheckpointError);
    expect(() => readTrainCheckpoint(path, config)).toThrow(/was written by a run with a different 'data'/);
  });
});
