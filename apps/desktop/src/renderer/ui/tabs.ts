import { h } from './dom';

/** A tablist (arrow keys / Home / End move between tabs, roving tabindex); calls `onSelect` with the tab id. */
export function tabs(label: string, items: Array<{ id: string; label: string }>, selected: string,
  onSelect: (id: string) => void): HTMLElement {
  const buttons = items.map((item) => h('button', {
    type: 'button', role: 'tab', id: `tab-${item.id}`, 'aria-selected': String(item.id === selected),
    tabIndex: item.id === selected ? 0 : -1, dataset: { tab: item.id }, text: item.label,
    onClick: () => onSelect(item.id),
  }));
  const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': label }, buttons);
  list.addEventListener('keydown', (e) => {
    const i = buttons.indexOf(e.target as HTMLButtonElement);
    if (i < 0) return;
    const next = e.key === 'ArrowRight' ? (i + 1) % buttons.length
      : e.key === 'ArrowLeft' ? (i - 1 + buttons.length) % buttons.length
      : e.key === 'Home' ? 0 : e.key === 'End' ? buttons.length - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    buttons[next]!.focus();
    onSelect(items[next]!.id);
  });
  return list;
}
