import type { ConfigField, NewRunConfig, RunSummary } from '@oqat/jobs';
import { h } from '../ui/dom';

export type ConfigDraft = Partial<NewRunConfig> & Record<string, unknown>;

/** Sets `a.b.c` in a nested object. */
export function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

export function getPath(source: Record<string, unknown>, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], source);
}

/** "4,3,2", "4 3 2" or "4→3→2" → [4,3,2]; undefined when a part is not a number. */
export function parseBitsChain(text: string): number[] | undefined {
  const parts = text.split(/[\s,→>-]+/).filter(Boolean);
  const bits = parts.map(Number);
  return parts.length === 0 || bits.some((b) => !Number.isFinite(b)) ? undefined : bits;
}

export interface RenderedField {
  field: ConfigField;
  el: HTMLElement;
  /** the value, or a local parse error */
  read(): { value: unknown } | { error: string };
  setMessage(message: string | undefined): void;
  focus(): void;
}

function fieldId(field: ConfigField): string {
  return `field-${field.key.replace(/\W/g, '-')}`;
}

/**
 * One form control for one schema field, with its help text and its
 * validation message. `chooseFolder`: the native folder dialog (Electron's
 * preload bridge), offered beside a folder field's text; a browser has none.
 */
export function renderField(
  field: ConfigField, initial: unknown, runs: RunSummary[], onChange: () => void, chooseFolder?: () => Promise<string | undefined>,
): RenderedField {
  const id = fieldId(field);
  const message = h('div', { class: 'message', id: `${id}-msg`, 'aria-live': 'polite' });
  const help = h('div', { class: 'help', id: `${id}-help`, text: field.help });
  const described = `${id}-help ${id}-msg`;
  let control: HTMLElement;
  let read: RenderedField['read'];
  let focusable: HTMLElement;
  let row: HTMLElement | undefined;

  if (field.type === 'multi-choice') {
    const chosen = new Set(Array.isArray(initial) ? (initial as string[]) : []);
    const boxes = (field.choices ?? []).map((choice) => h('input', {
      type: 'checkbox', value: choice, checked: chosen.has(choice), name: field.key, onChange,
    }));
    control = h('div', { class: 'choices' }, boxes.map((box) => h('label', null, box, ` ${box.value}`)));
    read = () => ({ value: boxes.filter((b) => b.checked).map((b) => b.value) });
    focusable = boxes[0] ?? control;
    const el = h('fieldset', { class: 'field', dataset: { field: field.key }, 'aria-describedby': described },
      h('legend', { text: field.label }), control, help, message);
    return { field, el, read, focus: () => focusable.focus(), setMessage: (m) => { message.textContent = m ?? ''; el.setAttribute('aria-invalid', String(!!m)); } };
  }

  if (field.type === 'choice' || field.type === 'run') {
    const options = field.type === 'run'
      ? [h('option', { value: '', text: runs.length ? '— choose a trained run —' : '— no finished training run yet —' }),
        ...runs.map((r) => h('option', { value: r.id, text: `${r.id} · ${r.kind} · ${r.bits.join('/')} bit · ${r.status}` }))]
      : (field.choices ?? []).map((c) => h('option', { value: c, text: c }));
    const select = h('select', { id, name: field.key, 'aria-describedby': described, onChange }, options);
    select.value = initial === undefined || initial === null ? '' : String(initial);
    control = select;
    read = () => ({ value: select.value === '' ? undefined : select.value });
  } else if (field.type === 'boolean') {
    const box = h('input', { id, name: field.key, type: 'checkbox', 'aria-describedby': described, checked: initial === true, onChange });
    control = box;
    read = () => ({ value: box.checked });
  } else if (field.type === 'folder') {
    const input = h('input', {
      id, name: field.key, type: 'text', class: 'mono', 'aria-describedby': described, onInput: onChange,
      placeholder: chooseFolder ? 'a folder path, or Choose…' : 'a folder path on the machine running the studio',
      value: typeof initial === 'string' ? initial : '',
    });
    const choose = chooseFolder ? h('button', { type: 'button', text: 'Choose…', onClick: async () => {
      const chosen = await chooseFolder();
      if (!chosen) return;
      input.value = chosen;
      onChange();
    } }) : null;
    control = input;
    // The text and its button on one row, the field across the form.
    row = h('div', { class: 'toolbar folder-row' }, input, choose);
    // Empty is no folder: the run keeps Fashion-MNIST (the dataset field).
    read = () => ({ value: input.value.trim() === '' ? undefined : input.value.trim() });
  } else {
    const isBits = field.type === 'bits-chain';
    // A number list (SQ's ratios): comma-separated numbers, empty = none.
    const isList = field.type === 'number-list';
    const input = h('input', {
      id, name: field.key, 'aria-describedby': described, onInput: onChange,
      type: isBits || isList ? 'text' : 'number', inputmode: isBits ? 'numeric' : isList ? 'decimal' : undefined,
      min: field.min, max: field.max, step: field.type === 'integer' ? 1 : 'any',
      placeholder: isBits ? 'e.g. 4,3,2' : isList ? 'e.g. 0.5,0.75,0.875,1 (empty: off)' : undefined,
      value: initial === undefined || initial === null ? '' : Array.isArray(initial) ? initial.join(',') : String(initial),
    });
    control = input;
    read = () => {
      const text = input.value.trim();
      if (isBits) {
        const bits = parseBitsChain(text);
        return bits ? { value: bits } : { error: `${field.label}: write the bit widths separated by commas, e.g. 4,3,2` };
      }
      if (isList) {
        if (text === '') return { value: [] };
        const values = parseBitsChain(text);
        return values ? { value: values } : { error: `${field.label}: write numbers separated by commas, e.g. 0.5,0.75,1` };
      }
      if (text === '') return { value: undefined };
      const n = Number(text);
      if (!Number.isFinite(n)) return { error: `${field.label}: must be a number` };
      if (field.type === 'integer' && !Number.isInteger(n)) return { error: `${field.label}: must be a whole number` };
      return { value: n };
    };
  }
  const el = h('div', { class: row ? 'field wide' : 'field', dataset: { field: field.key } }, h('label', { for: id, text: field.label }), row ?? control, help, message);
  return {
    field, el, read, focus: () => control.focus(),
    setMessage: (m) => {
      message.textContent = m ?? '';
      if (m) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    },
  };
}
