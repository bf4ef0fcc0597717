import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeImage, writeTinyClassFolder } from '@oqat/data/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallerFiles } from './caller-files';
import { dataCacheDir, runDataFolder } from './data-folder';
import { createStudioService } from './create-studio-service';
import { toTrainConfig, validateRunConfig } from './run-config';
import { trainJobData } from './train-job-data';
import { DEFAULT_VALIDATION } from './validation-split';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oqat-data-folder-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const runConfig = (partial: Parameters<typeof validateRunConfig>[0]) => validateRunConfig(partial).config;

describe('runDataFolder', () => {
  it('fits the space to a class folder (channels, classes, resolutions) and decodes it into the work folder cache', async () => {
    await writeTinyClassFolder(join(dir, 'photos'), { classes: ['a', 'b', 'c'], perClass: 5, size: 16, channels: 3, formats: ['png', 'jpeg'] });
    const files = new CallerFiles(join(dir, 'work'), false);
    const folder = await runDataFolder(runConfig({ dataPath: join(dir, 'photos') }), files, join(dir, 'work'));
    expect(folder.task).toBe('classification');
    expect([folder.space.inputC, folder.space.numClasses, folder.space.resolutions]).toEqual([3, 3, [12, 16, 20]]);
    expect(await readdir(dataCacheDir(join(dir, 'work')))).toHaveLength(1);
    const train = toTrainConfig(runConfig({ dataPath: join(dir, 'photos'), skipBadFiles: true }), undefined, folder);
    expect(train.space).toEqual(folder.space);
    expect(train.data).toMatchObject({ folder: join(dir, 'photos'), skipBadFiles: true, resizeImages: false });
    const ofa = await runDataFolder(runConfig({ dataPath: join(dir, 'photos'), space: 'ofa-mbv3' }), files, join(dir, 'work'));
    expect([ofa.space.inputC, ofa.space.numClasses, ofa.space.resolutions[0]]).toEqual([3, 3, 128]);
    // A photo of another size: refused by name, or brought to the folder's size with resizeImages.
    const odd = join(dir, 'photos', 'a', 'wide.png');
    await writeFile(odd, encodeImage('png', 40, 20, 3, new Uint8Array(40 * 20 * 3).fill(7)));
    await expect(runDataFolder(runConfig({ dataPath: join(dir, 'photos') }), files, join(dir, 'work'))).rejects.toThrow(`${odd} is 40x20 but`);
    const resized = await runDataFolder(runConfig({ dataPath: join(dir, 'photos'), resizeImages: true }), files, join(dir, 'work'));
    expect(resized.space.resolutions).toEqual([12, 16, 20]);
    expect(toTrainConfig(runConfig({ dataPath: join(dir, 'photos'), resizeImages: true }), undefined, resized).data.resizeImages).toBe(true);
    expect(validateRunConfig({ resizeImages: 1 as never }).validation.errors.resizeImages).toMatch(/must be true or false/);
  });

  it('a segmentation folder trains segmentation, and needs train/, val/ and test/', async () => {
    for (const split of ['train', 'test']) {
      await mkdir(join(dir, 'seg', split, 'images'), { recursive: true });
      await mkdir(join(dir, 'seg', split, 'masks'), { recursive: true });
      await writeFile(join(dir, 'seg', split, 'images', 'a.png'), encodeImage('png', 32, 32, 3, new Uint8Array(32 * 32 * 3).fill(90)));
      await writeFile(join(dir, 'seg', split, 'masks', 'a.png'), encodeImage('png', 32, 32, 1, new Uint8Array(32 * 32).fill(2)));
    }
    const files = new CallerFiles(dir, false);
    await expect(runDataFolder(runConfig({ dataPath: join(dir, 'seg') }), files, dir)).rejects.toThrow(/is a segmentation folder without val\//);
    await mkdir(join(dir, 'seg', 'val'));
    for (const sub of ['images', 'masks']) {
      await mkdir(join(dir, 'seg', 'val', sub));
      await writeFile(join(dir, 'seg', 'val', sub, 'a.png'), await readFile(join(dir, 'seg', 'train', sub, 'a.png')));
    }
    const folder = await runDataFolder(runConfig({ dataPath: join(dir, 'seg') }), files, dir);
    expect([folder.task, folder.space.inputC, folder.space.numClasses, folder.space.resolutions]).toEqual(['segmentation', 3, 3, [24, 28, 32]]);
    expect(toTrainConfig(runConfig({ dataPath: join(dir, 'seg') }), undefined, folder)).toMatchObject({ task: 'segmentation', segmentation: { folder: join(dir, 'seg') } });
  });

  it('a segmentation folder: a bad pair refused by name or skipped with skipBadFiles, and its own mean/std for the checkpoint', async () => {
    const pixels = (v: number) => new Uint8Array(16 * 16 * 3).fill(v);
    const pair = async (split: string, name: string, image: Buffer, mask: Buffer) => {
      await mkdir(join(dir, 'seg', split, 'images'), { recursive: true });
      await mkdir(join(dir, 'seg', split, 'masks'), { recursive: true });
      await writeFile(join(dir, 'seg', split, 'images', `${name}.png`), image);
      await writeFile(join(dir, 'seg', split, 'masks', `${name}.png`), mask);
    };
    const mask = (v: number) => encodeImage('png', 16, 16, 1, new Uint8Array(16 * 16).fill(v));
    for (const split of ['train', 'val', 'test']) await pair(split, 'a', encodeImage('png', 16, 16, 3, pixels(51)), mask(1));
    await pair('train', 'b', encodeImage('png', 16, 16, 3, pixels(102)), mask(2));
    await pair('train', 'c', encodeImage('png', 16, 16, 3, pixels(0)), mask(3)); // outside classes.txt
    await writeFile(join(dir, 'seg', 'classes.txt'), 'background\nroad\ncar\n');
    const files = new CallerFiles(dir, false);
    const badMask = join(dir, 'seg', 'train', 'masks', 'c.png');
    await expect(runDataFolder(runConfig({ dataPath: join(dir, 'seg') }), files, dir)).rejects.toThrow(`mask ${badMask} holds value 3, but only 3 class names`);
    const request = runConfig({ dataPath: join(dir, 'seg'), skipBadFiles: true, limitTrainImages: 2 });
    const folder = await runDataFolder(request, files, dir);
    expect(folder.space.numClasses).toBe(3);
    const train = toTrainConfig(request, undefined, folder);
    expect(train.data.skipBadFiles).toBe(true);
    const { config, segmentation, warnings } = await trainJobData(train, dir, DEFAULT_VALIDATION);
    expect(segmentation!.train.count).toBe(2);
    expect(warnings).toEqual([expect.stringContaining(`skipped 1 bad image/mask pair(s) of ${join(dir, 'seg')}, the first: loadPngSegmentationFolder: mask ${badMask}`)]);
    // the two training images' pixels: 51 and 102 of 255, half each
    expect(config.data.normalization.mean).toBeCloseTo(0.3, 6);
    expect(config.data.normalization.std).toBeCloseTo(0.1, 6);
  });
});

describe('startRun with a data folder', () => {
  it('refuses a bad file, and a folder outside the work folder for a confined caller, before creating a run', async () => {
    const studio = await createStudioService({ path: join(dir, 'runs.db') });
    try {
      const photos = join(studio.workDir, 'photos');
      const files = await writeTinyClassFolder(photos, { classes: ['a', 'b'], perClass: 4, size: 8, channels: 3, formats: ['png'] });
      await writeFile(files[1]!, (await readFile(files[1]!)).subarray(0, 40));
      await expect(studio.startRun({ dataPath: photos })).rejects.toThrow(`cannot read ${files[1]} as PNG or JPEG`);
      await expect(studio.startRun({ dataPath: dir })).rejects.toThrow(/dataPath/);
      expect(validateRunConfig({ dataPath: 3 as never }).validation.errors.dataPath).toMatch(/must be a folder path/);
      expect(await studio.listRuns()).toEqual([]);
    } finally {
      await studio.close();
    }
  });
});
