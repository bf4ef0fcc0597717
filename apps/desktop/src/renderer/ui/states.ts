import { type Child, h } from './dom';

/** "Nothing here yet" with an optional call to action. */
export function emptyState(title: string, text: string, ...actions: Child[]): HTMLElement {
  return h('div', { class: 'state empty', role: 'status' }, h('h2', { text: title }), h('p', { text }),
    actions.length ? h('div', { class: 'actions' }, actions) : null);
}

/** A failed load, with the error's one-line message and a retry button. */
export function errorState(title: string, err: unknown, retry?: () => void): HTMLElement {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return h('div', { class: 'state error', role: 'alert' }, h('h2', { text: title }), h('p', { class: 'mono', text: message }),
    retry ? h('div', { class: 'actions' }, h('button', { text: 'Retry', onClick: retry })) : null);
}

export function loadingState(text = 'Loading…'): HTMLElement {
  return h('div', { class: 'state loading', role: 'status', 'aria-busy': 'true' }, h('p', { text }));
}

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge ${status}`, dataset: { status }, text: status });
}

export function stat(label: string, value: string, sub?: string, testId?: string): HTMLElement {
  return h('div', { class: 'panel stat', dataset: testId ? { testid: testId } : undefined },
    h('div', { class: 'label', text: label }), h('div', { class: 'value', text: value }),
    sub ? h('div', { class: 'sub', text: sub }) : null);
}
