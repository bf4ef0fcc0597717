import type { ExportReport } from '@oqat/jobs';
import { DataTable } from '../ui/data-table';
import { h } from '../ui/dom';
import { formatBytes, formatPercent } from '../ui/format';
import { stat } from '../ui/states';

/** What an export wrote and how the exported model scores: files, accuracy (mIoU for segmentation) in the app vs onnxruntime, sizes. */
export function exportReportView(report: ExportReport): HTMLElement {
  const files = new DataTable<ExportReport['artifacts'][number]>({
    caption: 'Exported files', rowKey: (a) => a.path, initialSort: { key: 'kind', dir: 'ascending' },
    columns: [
      { key: 'kind', label: 'Format', value: (a) => a.kind },
      { key: 'path', label: 'File', value: (a) => a.path, render: (a) => h('span', { class: 'mono', text: a.path }) },
      { key: 'size', label: 'Size', numeric: true, value: (a) => a.sizeBytes, render: (a) => formatBytes(a.sizeBytes) },
      { key: 'sha', label: 'SHA-256', value: (a) => a.sha256, render: (a) => h('span', { class: 'mono', title: a.sha256, text: a.sha256.slice(0, 12) }) },
    ],
  });
  files.setRows(report.artifacts);
  const ratio = report.packedBytes ? report.floatBytes / report.packedBytes : undefined;
  const gap = report.onnxAccuracy !== undefined ? (report.onnxAccuracy - report.appAccuracy) * 100 : undefined;
  const [score, split] = report.metric === 'mIoU' ? ['mIoU', 'test scenes'] : ['Accuracy', 'test split'];
  return h('section', { class: 'panel', dataset: { testid: 'export-report' }, 'aria-label': 'Export report' },
    h('h2', { text: 'Export report' }),
    h('p', null, 'Written to ', h('span', { class: 'mono', dataset: { testid: 'export-dir' }, text: report.outDir })),
    h('div', { class: 'grid stats' },
      stat(`${score} in the app`, formatPercent(report.appAccuracy, 2), split),
      stat(`${score} in onnxruntime`, formatPercent(report.onnxAccuracy, 2),
        gap === undefined ? 'no ONNX model exported' : `${gap >= 0 ? '+' : ''}${gap.toFixed(2)} points vs the app`),
      stat('Float model', formatBytes(report.floatBytes)),
      stat('Packed model', formatBytes(report.packedBytes), ratio ? `${ratio.toFixed(1)}× smaller` : 'not exported')),
    h('div', { style: 'margin-top:12px' }, files.el));
}
