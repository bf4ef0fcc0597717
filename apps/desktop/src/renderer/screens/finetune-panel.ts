import type { CandidateDto, ConfigField, FinetuneRunRequest, RunSummary } from '@oqat/jobs';
import type { ScreenContext } from '../app/screen';
import { h, replaceChildren } from '../ui/dom';
import { errorState, loadingState } from '../ui/states';
import { startAndOpen } from './start-and-open';

interface FieldInput {
  field: ConfigField & { key: keyof FinetuneRunRequest; device?: boolean };
  input: HTMLInputElement;
  el: HTMLElement;
}

const fieldInput = (field: FieldInput['field']): FieldInput => {
  const id = `finetune-${field.key}`;
  const input = h('input', {
    id, type: 'number', value: String(field.default), min: String(field.min), max: String(field.max),
    step: field.type === 'integer' ? '1' : 'any', dataset: { testid: id },
  });
  return { field, input, el: h('div', { class: 'field' }, h('label', { for: id, text: field.label }), input, h('div', { class: 'help', text: field.help })) };
};

/**
 * Finetuning of the chosen candidate for the ABFP paper's analog device
 * (what `oqat finetune` starts): DNF or plain finetuning, its steps and
 * noise measurement, and the device's parameters. The fields, their bounds
 * and defaults are the service's (finetuneFields: @oqat/jobs' FINETUNE_FIELDS,
 * the CLI's too); only the values changed from their defaults are sent, so
 * an abfp run's own tile width and gain stay the device's. Starts a
 * finetune run (top-1 digital and on the device before and after, the
 * finetuned subnet written in its folder) and opens it.
 */
export function finetunePanel(run: RunSummary, candidate: () => CandidateDto | undefined, { client, navigate, announcer }: Pick<ScreenContext, 'client' | 'navigate' | 'announcer'>): HTMLElement {
  const method = h('select', { id: 'finetune-method', dataset: { testid: 'finetune-method' } }, [
    h('option', { value: 'dnf', text: 'DNF: float products plus the device\'s measured differential noise (ABFP paper)' }),
    h('option', { value: 'plain', text: 'Plain: the same steps through the subnet\'s frozen quantizers (the comparison point)' }),
  ]);
  const fields = h('div', null, loadingState('Loading the finetuning settings…'));
  const message = h('div', { role: 'alert' });
  const submit = h('button', { class: 'primary', type: 'submit', text: 'Finetune', dataset: { testid: 'finetune-submit' } });
  const form = h('form', { class: 'panel', novalidate: true, 'aria-label': 'Finetune the candidate for the analog device', dataset: { testid: 'finetune-panel' } },
    h('h2', { text: 'Finetune for the analog device (DNF)' }),
    h('p', { class: 'help', text: 'The selected candidate measured on the ABFP analog device (DAC, weight and ADC bits, gain, noise) before and after finetuning, as a run that writes the finetuned subnet into its folder.' }),
    h('div', { class: 'form' }, h('div', { class: 'field' }, h('label', { for: 'finetune-method', text: 'Method' }), method)),
    fields, message, h('div', { class: 'toolbar' }, submit));
  let inputs: FieldInput[] = [];
  const load = (): void => {
    client.finetuneFields().then((list) => {
      inputs = list.map((f) => fieldInput(f as FieldInput['field']));
      replaceChildren(fields,
        h('div', { class: 'form' }, inputs.filter((i) => !i.field.device).map((i) => i.el)),
        h('h3', { text: 'Analog device' }),
        h('div', { class: 'form' }, inputs.filter((i) => i.field.device).map((i) => i.el)));
    }, (err) => replaceChildren(fields, errorState('Could not load the finetuning settings', err, load)));
  };
  load();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const chosen = candidate();
    const bad = inputs.find(({ input, field }) => {
      const n = Number(input.value);
      return input.value.trim() === '' || !Number.isFinite(n) || (field.type === 'integer' && !Number.isInteger(n)) || n < field.min! || n > field.max!;
    });
    const problem = !chosen ? 'Choose a candidate.' : bad ? `${bad.field.label}: ${bad.field.type === 'integer' ? 'a whole number' : 'a number'} from ${bad.field.min} to ${bad.field.max}.` : '';
    if (problem) {
      replaceChildren(message, h('div', { class: 'alert', text: problem }));
      return;
    }
    replaceChildren(message);
    const changed = Object.fromEntries(inputs.filter(({ input, field }) => Number(input.value) !== field.default).map(({ input, field }) => [field.key, Number(input.value)]));
    // A search's candidate by id; a demo run (a training run with its own search) by the candidate's subnet.
    const source = run.kind === 'search' ? { runId: run.id, candidateId: chosen!.id } : { runId: run.id, subnet: chosen!.spec };
    const request: FinetuneRunRequest = { ...source, ...changed, method: method.value as FinetuneRunRequest['method'], seed: 1, backend: 'auto' };
    startAndOpen(() => client.startFinetune(request), submit, message, { navigate, announcer });
  });
  return form;
}
