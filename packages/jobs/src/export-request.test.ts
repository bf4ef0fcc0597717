import { describe, expect, it } from 'vitest';
import { checkExportRequest } from './export-request';

describe('checkExportRequest', () => {
  const request = { runId: 'r1', candidateId: 3, formats: ['onnx'], outDir: 'exports/x' };

  it('takes the ONNX modes the export writes, and none other, in one line', () => {
    for (const onnxMode of [undefined, 'qdq', 'qdq-int4', 'integer']) expect(() => checkExportRequest({ ...request, onnxMode })).not.toThrow();
    expect(() => checkExportRequest({ ...request, onnxMode: 'int8' })).toThrow('onnxMode must be one of qdq, qdq-int4, integer, got "int8"');
  });
});
