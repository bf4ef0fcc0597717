import type { CandidateDto, CompressRunRequest, RunSummary } from '@oqat/jobs';
import type { ScreenContext } from '../app/screen';
import { h, replaceChildren } from '../ui/dom';
import { startAndOpen } from './start-and-open';

const number = (id: string, label: string, value: string, help: string, attrs: Record<string, string> = {}): { el: HTMLElement; input: HTMLInputElement } => {
  const input = h('input', { id, type: 'number', value, ...attrs });
  return { input, el: h('div', { class: 'field' }, h('label', { for: id, text: label }), input, h('div', { class: 'help', text: help })) };
};

/**
 * Compression of the chosen candidate's float weights beyond uniform levels
 * (what `oqat compress` starts): ALQ with its average-bit target and bases
 * per group, or VQ with its block sizes, codebook size, calibration images
 * and finetuning steps (the other settings: the papers' defaults, see `oqat
 * compress --help`). Starts a compress run, which writes model.oqatc and
 * model.onnx into the folder, and opens it.
 */
export function compressPanel(run: RunSummary, candidate: () => CandidateDto | undefined, { client, navigate, announcer }: Pick<ScreenContext, 'client' | 'navigate' | 'announcer'>): HTMLElement {
  const method = h('select', { id: 'compress-method', dataset: { testid: 'compress-method' } }, [
    h('option', { value: 'alq', text: 'ALQ: multi-bit binary bases, loss-aware (Qu et al. 2020)' }),
    h('option', { value: 'vq', text: 'VQ: codebooks fitted to layer outputs (And the bit goes down, Stock et al. 2020)' }),
  ]);
  const averageBits = number('compress-average-bits', 'Average bits', '1', 'ALQ: sign bits per weight over the compressed layers (coefficients counted in the bytes)', { min: '0.1', max: '8', step: '0.1' });
  const maxBases = number('compress-max-bases', 'Bases per group', '6', 'ALQ: binary bases per group at the start, then pruned (the paper\'s 6)', { min: '1', max: '8' });
  const blocks = h('select', { id: 'compress-blocks' }, [h('option', { value: 'large', text: 'large blocks (d = 8, two 3x3 kernels)' }), h('option', { value: 'small', text: 'small blocks (d = 4, one 3x3 kernel)' })]);
  const codewords = number('compress-codewords', 'Codebook size', '256', 'VQ: codewords per layer at most (one-byte indices; the paper\'s 256)', { min: '2', max: '65536' });
  const calibration = number('compress-calibration', 'Calibration images', '256', 'VQ: unlabelled training images defining each layer\'s output objective (labels unused)', { min: '1' });
  const finetune = number('compress-finetune', 'Finetuning steps', '200', 'VQ: distillation of the codewords from the float subnet, unlabelled images (0: none)', { min: '0' });
  const alqFields = h('div', { class: 'form' }, averageBits.el, maxBases.el);
  const vqFields = h('div', { class: 'form', hidden: true },
    h('div', { class: 'field' }, h('label', { for: 'compress-blocks', text: 'Sub-vectors' }), blocks), codewords.el, calibration.el, finetune.el);
  method.addEventListener('change', () => {
    alqFields.hidden = method.value !== 'alq';
    vqFields.hidden = method.value !== 'vq';
  });
  const folder = h('input', { id: 'compress-folder', type: 'text', class: 'mono', value: `exports/${run.id}-compressed`, dataset: { testid: 'compress-folder' } });
  const message = h('div', { role: 'alert' });
  const submit = h('button', { class: 'primary', type: 'submit', text: 'Compress', dataset: { testid: 'compress-submit' } });
  const form = h('form', { class: 'panel', novalidate: true, 'aria-label': 'Compress the candidate', dataset: { testid: 'compress-panel' } },
    h('h2', { text: 'Compress beyond uniform levels' }),
    h('p', { class: 'help', text: 'The selected candidate\'s float weights (activations stay float), compressed as a run that writes model.oqatc (the compressed container) and model.onnx into the folder.' }),
    h('div', { class: 'form' }, h('div', { class: 'field' }, h('label', { for: 'compress-method', text: 'Method' }), method)),
    alqFields, vqFields,
    h('div', { class: 'form' }, h('div', { class: 'field wide' }, h('label', { for: 'compress-folder', text: 'Folder' }), folder)),
    message, h('div', { class: 'toolbar' }, submit));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = candidate();
    const values = method.value === 'alq' ? [averageBits, maxBases] : [codewords, calibration, finetune];
    const bad = values.find((v) => v.input.value.trim() === '' || !Number.isFinite(Number(v.input.value)));
    const problem = !chosen ? 'Choose a candidate.' : bad ? `${bad.el.querySelector('label')!.textContent}: a number.` : folder.value.trim() ? '' : 'Give a folder to write to.';
    if (problem) {
      replaceChildren(message, h('div', { class: 'alert', text: problem }));
      return;
    }
    replaceChildren(message);
    // A search's candidate by id; a demo run (a training run with its own search) by the candidate's subnet.
    const source = run.kind === 'search' ? { runId: run.id, candidateId: chosen!.id } : { runId: run.id, subnet: chosen!.spec };
    const request: CompressRunRequest = {
      ...source,
      method: method.value as CompressRunRequest['method'],
      ...(method.value === 'alq'
        ? { alq: { averageBits: Number(averageBits.input.value), maxBases: Number(maxBases.input.value) } }
        : { vq: { ...(blocks.value === 'small' ? { pointwiseBlockSize: 4, kernelsPerBlock: 1 } : {}), codewords: Number(codewords.input.value), calibrationImages: Number(calibration.input.value), finetuneSteps: Number(finetune.input.value) } }),
      validationImages: 500, testImages: 0, bnImages: 1000, seed: 1, backend: 'auto', outDir: folder.value.trim(), overwrite: true,
    };
    startAndOpen(() => client.startCompress(request), submit, message, { navigate, announcer });
  });
  return form;
}
