import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tf } from '@oqat/engine';
import { ExportFileError } from './errors';
import type { TfjsModelJson } from './tfjs-graph-model';

/**
 * A tf.io handler that reads an exported model.json and its weight files
 * from disk (the union tfjs package has no file:// loader without tfjs-node):
 * `await tf.loadGraphModel(tfjsFileHandler('out/model.json'))`.
 */
export function tfjsFileHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    load: async (): Promise<tf.io.ModelArtifacts> => {
      let json: TfjsModelJson;
      try {
        json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as TfjsModelJson;
      } catch (err) {
        const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
        throw new ExportFileError(modelJsonPath, `cannot be read as JSON (${why})`, 'pass the model.json written by oqat export --format tfjs');
      }
      if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
        throw new ExportFileError(modelJsonPath, 'is not a tfjs graph model', 'pass the model.json written by oqat export --format tfjs');
      }
      const parts = json.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(dirname(modelJsonPath), p))));
      const total = parts.reduce((a, p) => a + p.length, 0);
      const weightData = new Uint8Array(total);
      let at = 0;
      for (const p of parts) {
        weightData.set(p, at);
        at += p.length;
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        weightData: weightData.buffer,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata as Record<string, object>,
      };
    },
  };
}
