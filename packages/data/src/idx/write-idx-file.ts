import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from './encode-idx';

/**
 * Writes an IDX ubyte file, gzip-compressed when `gzip` is true (the default).
 * zlib writes no timestamp or file name in the gzip header, so the same data
 * always gives the same bytes — the shipped subset is reproducible byte for byte.
 */
export async function writeIdxFile(
  file: string,
  dims: readonly number[],
  data: Uint8Array,
  options: { gzip?: boolean } = {},
): Promise<void> {
  const raw = encodeIdx(dims, data);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, options.gzip === false ? raw : gzipSync(raw, { level: 9 }));
}
