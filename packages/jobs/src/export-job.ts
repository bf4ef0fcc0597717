import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initEngine, type BackendRequest } from '@oqat/engine';
import type { JobContext } from '@oqat/runs';
import {
  evaluateSubnet,
  exportSubnet,
  INPUT_NORMALIZATION,
  loadSupernet,
  onnxAccuracy,
  parseSubnetSpec,
  type ExportFormat,
} from '@oqat/search';
import { loadCheckpointEvalData } from './eval-data';
import { JobConfigError } from './errors';
import type { ExportReport } from './studio-service';

export interface ExportJobInput {
  checkpoint: string;
  /** a SubnetSpec of the checkpoint's space */
  spec: unknown;
  formats: ExportFormat[];
  outDir: string;
  backend: BackendRequest;
  /** test images for the two accuracy figures; 0 = all */
  testImages: number;
  bnImages: number;
  seed: number;
  /** the search run and candidate this export came from, if any */
  sourceRunId?: string;
  candidateId?: number;
}

export const EXPORT_REPORT_FILE = 'export-report.json';

/**
 * Exports one subnet of a trained supernet and measures it twice on the test
 * split: with the app's own evaluation and with onnxruntime on the exported
 * ONNX file, so the report shows whether the export kept the accuracy.
 */
export async function exportJob(input: ExportJobInput, ctx: JobContext): Promise<ExportReport> {
  await initEngine({ backend: input.backend });
  const loaded = loadSupernet(input.checkpoint);
  if (loaded.task !== 'classification') {
    loaded.net.dispose();
    throw new JobConfigError('checkpoint', `${input.checkpoint} holds a ${loaded.task} supernet; export covers classification subnets only in this version`);
  }
  const { net, config } = loaded;
  const spec = parseSubnetSpec(net.space, input.spec);
  const { test, bn } = await loadCheckpointEvalData(config, input.testImages, input.bnImages, input.seed);
  const outDir = resolve(input.outDir);
  try {
    ctx.progress(0, 3, 'measuring the subnet in the app');
    const app = evaluateSubnet(net, spec, { bn, test, batchSize: 500 });
    ctx.progress(1, 3, `writing ${input.formats.join(', ')}`);
    // evaluateSubnet just re-estimated BN for this spec, so the export uses the same statistics.
    const manifest = await exportSubnet({ net, spec, formats: input.formats, outDir });
    let onnxTop1: number | undefined;
    const onnxFile = manifest.files.find((f) => f.path.endsWith('.onnx'));
    if (onnxFile) {
      ctx.progress(2, 3, 'measuring the ONNX model with onnxruntime');
      onnxTop1 = (await onnxAccuracy(onnxFile.path, test, INPUT_NORMALIZATION)).top1;
    }
    const report: ExportReport = {
      runId: ctx.runId,
      outDir,
      artifacts: manifest.files.map((f) => ({ path: f.path, kind: f.kind, sizeBytes: f.sizeBytes, sha256: f.sha256 })),
      appAccuracy: app.top1,
      onnxAccuracy: onnxTop1,
      floatBytes: manifest.figures.floatBytes,
      packedBytes: input.formats.includes('packed') ? manifest.figures.packedWeightsBytes + manifest.figures.packedSpecBytes : undefined,
    };
    const reportPath = join(outDir, EXPORT_REPORT_FILE);
    writeFileSync(reportPath, `${JSON.stringify({ ...report, subnet: spec, testImages: test.count }, null, 2)}\n`);
    for (const file of [...manifest.files.map((f) => ({ path: f.path, kind: f.kind })), { path: reportPath, kind: 'report' }]) await ctx.artifact(file);
    ctx.progress(3, 3, `exported: app ${(app.top1 * 100).toFixed(2)} %, onnxruntime ${onnxTop1 === undefined ? '-' : (onnxTop1 * 100).toFixed(2) + ' %'}`);
    ctx.log('info', `exported to ${outDir}`);
    return report;
  } finally {
    for (const t of bn) t.dispose();
    net.dispose();
  }
}
