import type { CandidateDto, ExportFormat, ExportOnnxMode, RunSummary } from '@oqat/jobs';
import type { Route } from '../app/route';
import type { Screen } from '../app/screen';
import { frontOf } from '../model/pareto';
import { h, replaceChildren } from '../ui/dom';
import { formatCandidateBits, formatMs, formatPercent } from '../ui/format';
import { emptyState, errorState, loadingState } from '../ui/states';
import { CandidateDiagrams } from './block-diagram';
import { candidateCard } from './candidate-card';
import { compressPanel } from './compress-panel';
import { exportReportView } from './export-report-view';
import { finetunePanel } from './finetune-panel';

const FORMATS: Array<{ id: ExportFormat; label: string }> = [
  { id: 'tfjs', label: 'TensorFlow.js model' },
  { id: 'onnx', label: 'ONNX (QuantizeLinear / DequantizeLinear)' },
  { id: 'packed', label: 'Bit-packed weights + JSON spec' },
];

const ONNX_MODES: Array<{ id: ExportOnnxMode; label: string }> = [
  { id: 'qdq', label: 'QDQ, int8 containers: exactly the app\'s arithmetic (float kernels in onnxruntime)' },
  { id: 'qdq-int4', label: 'QDQ, INT4/UINT4 containers (opset 21)' },
  { id: 'integer', label: 'Integer graph for onnxruntime: QLinearConv, int32 biases, 8-bit requantization (its own accuracy figure)' },
];

/** Choose a searched candidate, formats and a folder; export; show the report. */
export const exportScreen: Screen<Extract<Route, { name: 'export' }>> = (root, ctx, route) => {
  const { client, navigate, announcer } = ctx;
  let disposed = false;
  const body = h('div', null, loadingState());
  const result = h('div', { style: 'margin-top:14px', 'aria-live': 'polite' });
  root.append(h('div', { class: 'screen-header' }, h('h1', { text: 'Export' })), body, result);

  async function load(): Promise<void> {
    try {
      // A search's front, or a quantize run's answer (oqat quantize: its one candidate, exported with its calibration).
      const runs = (await client.listRuns()).filter((r) => (r.kind === 'search' || r.kind === 'demo' || r.kind === 'quantize') && r.status === 'finished');
      if (disposed) return;
      if (runs.length === 0) {
        replaceChildren(body, emptyState('Nothing to export yet', 'Export takes a candidate of a finished search, or a finished quantize run (oqat quantize).',
          h('button', { class: 'primary', type: 'button', text: 'New search', onClick: () => navigate({ name: 'new', kind: 'search' }) })));
        return;
      }
      const runId = route.runId && runs.some((r) => r.id === route.runId) ? route.runId : runs.sort((a, b) => b.createdAt - a.createdAt)[0]!.id;
      build(runs, runId, await client.candidates(runId));
    } catch (err) {
      replaceChildren(body, errorState('Could not load the searches', err, () => void load()));
    }
  }

  function build(runs: RunSummary[], runId: string, candidates: CandidateDto[]): void {
    const front = [...new Set(candidates.map((c) => c.device))].flatMap((d) => frontOf(candidates.filter((c) => c.device === d)));
    const choices = front.length ? front : candidates;
    const runSelect = h('select', { id: 'export-run', onChange: () => navigate({ name: 'export', runId: runSelect.value }, { replace: true }) },
      runs.map((r) => h('option', { value: r.id, selected: r.id === runId, text: `${r.id} · ${r.kind === 'quantize' ? 'post-training quantized' : 'best'} ${formatPercent(r.bestAccuracy)}` })));
    const candidateSelect = h('select', { id: 'export-candidate', dataset: { testid: 'export-candidate' } }, choices.map((c) => h('option', {
      value: String(c.id), selected: c.id === route.candidateId,
      text: `#${c.id} · ${c.device} · ${formatPercent(c.accuracy)} · ${formatMs(c.latencyMs)} · ${formatCandidateBits(c.bits, c.spec)}`,
    })));
    const card = h('div');
    const diagrams = new CandidateDiagrams(client, runId);
    const showCard = (): void => {
      const chosen = choices.find((c) => String(c.id) === candidateSelect.value);
      replaceChildren(card, candidateCard(chosen), chosen ? h('div', { style: 'margin-top:12px', dataset: { testid: 'candidate-diagram' } }, diagrams.element(chosen.id, chosen.spec)) : null);
    };
    candidateSelect.addEventListener('change', showCard);
    const boxes = FORMATS.map((f) => h('input', { type: 'checkbox', value: f.id, checked: true, name: 'format' }));
    const onnxSelect = h('select', { id: 'export-onnx', dataset: { testid: 'export-onnx' } }, ONNX_MODES.map((m) => h('option', { value: m.id, text: m.label })));
    const folder = h('input', { id: 'export-folder', type: 'text', class: 'mono', value: `exports/${runId}`, dataset: { testid: 'export-folder' },
      'aria-describedby': 'export-folder-help', required: true });
    const choose = client.chooseFolder ? h('button', { type: 'button', text: 'Choose…', onClick: async () => {
      const chosen = await client.chooseFolder!();
      if (chosen) folder.value = chosen;
    } }) : null;
    const overwrite = h('input', { type: 'checkbox', id: 'export-overwrite', dataset: { testid: 'export-overwrite' } });
    const message = h('div', { role: 'alert' });
    const submit = h('button', { class: 'primary', type: 'submit', dataset: { testid: 'export-submit' }, text: 'Export' });
    const form = h('form', { class: 'panel', novalidate: true, 'aria-label': 'Export a candidate' },
      h('div', { class: 'form' },
        h('div', { class: 'field' }, h('label', { for: 'export-run', text: 'Search or quantize run' }), runSelect),
        h('div', { class: 'field' }, h('label', { for: 'export-candidate', text: 'Candidate (Pareto front)' }), candidateSelect),
        h('fieldset', { class: 'field' }, h('legend', { text: 'Formats' }),
          h('div', { class: 'choices' }, boxes.map((b, i) => h('label', null, b, ` ${FORMATS[i]!.label}`)))),
        h('div', { class: 'field' }, h('label', { for: 'export-onnx', text: 'ONNX file' }), onnxSelect),
        h('div', { class: 'field wide' }, h('label', { for: 'export-folder', text: 'Folder' }), h('div', { class: 'toolbar folder-row' }, folder, choose),
          h('div', { class: 'help', id: 'export-folder-help', text: client.chooseFolder
            ? 'Under the work folder\'s exports/, or a folder you choose; created if missing.'
            : 'Under the work folder\'s exports/ on the machine running oqat serve; created if missing.' }),
          h('label', null, overwrite, ' Replace files already in the folder'))),
      h('div', { class: 'panel inset' }, h('h2', { text: 'Selected candidate' }), card), message, h('div', { class: 'toolbar', style: 'margin-top:12px' }, submit));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const formats = boxes.filter((b) => b.checked).map((b) => b.value as ExportFormat);
      const problems = [formats.length === 0 ? 'Choose at least one format.' : '', folder.value.trim() ? '' : 'Give a folder to write to.'].filter(Boolean);
      if (problems.length) {
        replaceChildren(message, h('div', { class: 'alert', text: problems.join(' ') }));
        return;
      }
      replaceChildren(message);
      submit.disabled = true;
      submit.textContent = 'Exporting…';
      replaceChildren(result, loadingState('Exporting: building the subnet, writing the files, checking the ONNX model…'));
      client.exportCandidate({
        runId, candidateId: Number(candidateSelect.value), formats, outDir: folder.value.trim(), overwrite: overwrite.checked, onnxMode: onnxSelect.value as ExportOnnxMode,
      }).then((report) => {
        if (disposed) return;
        replaceChildren(result, exportReportView(report));
        announcer.say(`Exported ${report.artifacts.length} file(s) to ${report.outDir}`);
      }, (err) => {
        if (!disposed) replaceChildren(result, errorState('Export failed', err));
      }).finally(() => {
        submit.disabled = false;
        submit.textContent = 'Export';
      });
    });
    // ALQ / VQ compression of the same candidate's float weights (oqat compress): a search's candidates, a demo's.
    const run = runs.find((r) => r.id === runId)!;
    const compress = choices.length && (run.kind === 'search' || run.kind === 'demo')
      ? compressPanel(run, () => choices.find((c) => String(c.id) === candidateSelect.value), ctx) : null;
    // DNF finetuning of the same candidate for the analog device (oqat finetune): a search's candidates, a demo's.
    const finetune = choices.length && (run.kind === 'search' || run.kind === 'demo')
      ? finetunePanel(run, () => choices.find((c) => String(c.id) === candidateSelect.value), ctx) : null;
    replaceChildren(body, choices.length ? form : emptyState('No candidates', `${runId} has no candidate to export.`), compress, finetune);
    showCard();
  }

  void load();
  return () => {
    disposed = true;
  };
};
