import type { QuantizeRunRequest } from '@oqat/jobs';
import type { ScreenContext } from '../app/screen';
import { h, replaceChildren } from '../ui/dom';
import { startAndOpen } from './start-and-open';

const select = (id: string, label: string, choices: Array<[string, string]>, help: string): { el: HTMLElement; input: HTMLSelectElement } => {
  const input = h('select', { id }, choices.map(([value, text], i) => h('option', { value, text, selected: i === 0 })));
  return { input, el: h('div', { class: 'field' }, h('label', { for: id, text: label }), input, h('div', { class: 'help', text: help })) };
};

/**
 * MMSE post-training quantization of a training run's subnet (what `oqat
 * quantize` starts): the subnet, INT8 or INT4, per tensor or per channel,
 * the calibration of the result and the multi-tensor approximation. Starts a
 * quantize run and opens it; its answer is exported from the Export screen.
 */
export function quantizeForm(runId: string, { client, navigate, announcer }: Pick<ScreenContext, 'client' | 'navigate' | 'announcer'>): HTMLElement {
  const subnet = select('ptq-subnet', 'Subnet', [['largest', 'largest'], ['middle', 'middle'], ['smallest', 'smallest']], 'its float weights (the run\'s float phase) are quantized');
  const bits = select('ptq-bits', 'Bits', [['8', 'INT8'], ['4', 'INT4']], 'weights and inputs of the elastic layers; stem, SE and classifier keep the run\'s fixed bits');
  const granularity = select('ptq-granularity', 'Weight steps', [['tensor', 'per tensor'], ['channel', 'per output channel']], 'inputs: one step per tensor');
  const calibration = select('ptq-calibration', 'Calibration', [['mse', 'MSE-optimal (MMSE)'], ['percentile', 'percentile 99.99'], ['min-max', 'min-max']],
    'the result\'s ranges; the three are measured side by side');
  const images = h('input', { id: 'ptq-images', type: 'number', min: '1', max: '60000', value: '256' });
  const multi = h('input', { type: 'checkbox', id: 'ptq-multi' });
  const message = h('div', { role: 'alert' });
  const submit = h('button', { class: 'primary', type: 'submit', text: 'Quantize', dataset: { testid: 'quantize-submit' } });
  const form = h('form', { novalidate: true, 'aria-label': 'Post-training quantization' },
    h('div', { class: 'form' }, subnet.el, bits.el, granularity.el, calibration.el,
      h('div', { class: 'field' }, h('label', { for: 'ptq-images', text: 'Calibration images' }), images,
        h('div', { class: 'help', text: 'unlabelled training images the activations are calibrated on' })),
      h('div', { class: 'field' }, h('label', null, multi, ' Multi-tensor layers'),
        h('div', { class: 'help', text: 'layers twice as badly fitted as the median get their weights as a sum of two low-precision tensors (tfjs export only)' }))),
    message, h('div', { class: 'toolbar' }, submit));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = Number(images.value);
    if (!Number.isInteger(n) || n < 1 || n > 60000) {
      replaceChildren(message, h('div', { class: 'alert', text: 'Calibration images: a whole number from 1 to 60000.' }));
      return;
    }
    replaceChildren(message);
    const request: QuantizeRunRequest = {
      runId, subnet: subnet.input.value, bits: Number(bits.input.value), granularity: granularity.input.value as QuantizeRunRequest['granularity'],
      calibration: calibration.input.value as QuantizeRunRequest['calibration'], percentile: 99.99,
      ...(multi.checked ? { multiTensor: { terms: 2, factor: 2 } } : {}),
      calibrationImages: n, testImages: 0, bnImages: 1000, seed: 1, backend: 'auto',
    };
    startAndOpen(() => client.startQuantize(request), submit, message, { navigate, announcer });
  });
  return form;
}
