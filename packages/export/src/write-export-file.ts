import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What an export writes, per file. */
export type ExportFileKind = 'tfjs-model' | 'tfjs-weights' | 'onnx-model' | 'packed-spec' | 'packed-weights';

export interface ExportedFile {
  format: 'tfjs' | 'onnx' | 'packed';
  kind: ExportFileKind;
  /** file name inside the export directory */
  name: string;
  /** absolute path */
  path: string;
  sizeBytes: number;
  /** hex SHA-256 of the file's bytes */
  sha256: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes one file of an export and describes it. */
export function writeExportFile(outDir: string, name: string, bytes: Uint8Array, format: ExportedFile['format'], kind: ExportFileKind): ExportedFile {
  const path = resolve(join(outDir, name));
  writeFileSync(path, bytes);
  return { format, kind, name, path, sizeBytes: bytes.length, sha256: sha256Hex(bytes) };
}

export const utf8Bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
