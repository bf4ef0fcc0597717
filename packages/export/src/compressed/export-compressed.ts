import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Normalization } from '@oqat/data';
import { encodeModel } from '@oqat/onnx';
import type { CompressedTensor } from '@oqat/quant';
import type { StaticMobileNet } from '@oqat/search';
import { ONNX_MODEL_FILE } from '../onnx-model';
import { sha256Hex } from '../write-export-file';
import { COMPRESSED_MODEL_FILE, writeCompressedModel } from './compressed-container';
import { compressedOnnxModel } from './compressed-onnx';

/** The files of a compressed export: the container, which the tfjs runner reads, and ONNX with the decode in the graph. */
export type CompressedExportFormat = 'compressed' | 'onnx';
export const COMPRESSED_EXPORT_FORMATS: readonly CompressedExportFormat[] = ['compressed', 'onnx'];

export interface CompressedExportFile {
  format: CompressedExportFormat;
  kind: 'compressed-model' | 'onnx-model';
  name: string;
  path: string;
  sizeBytes: number;
  sha256: string;
}

export interface CompressedExportOptions {
  /** the float static subnet the layers were compressed from (BN re-estimated) */
  net: StaticMobileNet;
  layers: Readonly<Record<string, CompressedTensor>>;
  floatWeights?: Readonly<Record<string, Float32Array>>;
  normalization: Normalization;
  formats: readonly CompressedExportFormat[];
  /** created if missing; files of the same names are overwritten */
  outDir: string;
  /** recorded in the container's header and the ONNX metadata (method, settings, run) */
  provenance?: Record<string, unknown>;
}

/** Writes a compressed subnet as model.oqatc and/or model.onnx into outDir; returns the files written. */
export function exportCompressed(options: CompressedExportOptions): CompressedExportFile[] {
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const files: CompressedExportFile[] = [];
  const write = (name: string, bytes: Uint8Array, format: CompressedExportFormat, kind: CompressedExportFile['kind']): void => {
    const path = join(outDir, name);
    writeFileSync(path, bytes);
    files.push({ format, kind, name, path, sizeBytes: bytes.length, sha256: sha256Hex(bytes) });
  };
  const { net, layers, normalization } = options;
  const floatWeights = options.floatWeights ?? {};
  if (options.formats.includes('compressed')) {
    write(COMPRESSED_MODEL_FILE, writeCompressedModel({ net, layers, floatWeights, normalization, ...(options.provenance ? { provenance: options.provenance } : {}) }), 'compressed', 'compressed-model');
  }
  if (options.formats.includes('onnx')) {
    const config = net.config;
    const metadata: Record<string, string> = {
      normalization: JSON.stringify({ mean: normalization.mean, std: normalization.std }),
      input_layout: 'NCHW',
      ...(config.subnet ? { subnet: JSON.stringify(config.subnet) } : {}),
      ...(config.spaceName ? { space: config.spaceName } : {}),
      ...(options.provenance ? { provenance: JSON.stringify(options.provenance) } : {}),
    };
    write(ONNX_MODEL_FILE, encodeModel(compressedOnnxModel(net, layers, floatWeights, metadata)), 'onnx', 'onnx-model');
  }
  return files;
}
