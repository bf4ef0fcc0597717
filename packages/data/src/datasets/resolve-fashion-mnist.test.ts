import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetNotFoundError, InvalidDataOptionError } from '../errors';
import { resolveFashionMnist, SUBSET_DATASET_DIR, type DatasetRequest } from './resolve-fashion-mnist';

let root: string;
let complete: string;
let partial: string;
const nowhere = '/nonexistent/oqat-test';
const isolated = { systemDir: nowhere, fetchDir: nowhere, env: {} };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'oqat-resolve-'));
  complete = join(root, 'complete');
  partial = join(root, 'partial');
  await cp(SUBSET_DATASET_DIR, complete, { recursive: true });
  await mkdir(partial);
  await cp(join(SUBSET_DATASET_DIR, 'train-images-idx3-ubyte.gz'), join(partial, 'train-images-idx3-ubyte.gz'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('resolveFashionMnist', () => {
  it('prefers $OQAT_DATA, then the system copy, then a fetched copy, then the subset', () => {
    expect(resolveFashionMnist({ ...isolated, env: { OQAT_DATA: complete }, systemDir: complete }).kind).toBe('env');
    expect(resolveFashionMnist({ ...isolated, systemDir: complete }).kind).toBe('system');
    expect(resolveFashionMnist({ ...isolated, fetchDir: complete }).kind).toBe('fetched');
    const fallback = resolveFashionMnist(isolated);
    expect(fallback.kind).toBe('subset');
    expect(fallback.files.train.images).toBe(join(SUBSET_DATASET_DIR, 'train-images-idx3-ubyte.gz'));
  });

  it('honours explicit requests', () => {
    expect(resolveFashionMnist({ ...isolated, systemDir: complete, source: 'subset' }).kind).toBe('subset');
    expect(resolveFashionMnist({ ...isolated, systemDir: complete, source: 'full' }).kind).toBe('system');
    expect(() => resolveFashionMnist({ ...isolated, source: 'full' })).toThrow(DatasetNotFoundError);
    expect(() => resolveFashionMnist({ ...isolated, source: 'full' })).toThrow(/run `oqat data fetch`/);
    expect(() => resolveFashionMnist({ ...isolated, source: 'big' as DatasetRequest })).toThrow(InvalidDataOptionError);
  });

  it('fails loudly on an incomplete $OQAT_DATA instead of falling back', () => {
    const attempt = () => resolveFashionMnist({ ...isolated, env: { OQAT_DATA: partial } });
    expect(attempt).toThrow(DatasetNotFoundError);
    expect(attempt).toThrow(`OQAT_DATA=${partial} lacks train-labels-idx1-ubyte(.gz)`);
  });

  it('ignores a partial system folder', () => {
    expect(resolveFashionMnist({ ...isolated, systemDir: partial }).kind).toBe('subset');
  });
});
