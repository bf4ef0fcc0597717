import { type Child, h, replaceChildren } from './dom';

export interface Column<T> {
  key: string;
  label: string;
  /** the value sorted on (and shown, unless `render` is given) */
  value: (row: T) => string | number | undefined;
  render?: (row: T) => Child;
  numeric?: boolean;
}

export interface DataTableOptions<T> {
  caption: string;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  /** Enter / click on a row */
  onActivate?: (row: T) => void;
  initialSort?: { key: string; dir: 'ascending' | 'descending' };
  /** a leading checkbox column (e.g. "compare these runs") */
  selection?: { label: (row: T) => string; isSelected: (row: T) => boolean; toggle: (row: T) => void };
  rowClass?: (row: T) => string | undefined;
  /** shown in the body when there are no rows */
  emptyText?: string;
}

function compare(a: string | number | undefined, b: string | number | undefined): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

/** A sortable, keyboard-navigable table (headers are buttons; rows take focus, arrows move, Enter opens). */
export class DataTable<T> {
  readonly el: HTMLElement;
  private readonly tbody = h('tbody');
  private readonly thead = h('thead');
  private rows: T[] = [];
  private sort: { key: string; dir: 'ascending' | 'descending' } | undefined;

  constructor(private readonly options: DataTableOptions<T>) {
    this.sort = options.initialSort;
    this.el = h('div', { class: 'table-wrap' },
      h('table', { class: 'data' }, h('caption', { class: 'visually-hidden', text: options.caption }), this.thead, this.tbody));
    this.renderHead();
  }

  setRows(rows: T[]): void {
    this.rows = rows;
    this.renderBody();
  }

  private toggleSort(key: string): void {
    const dir = this.sort?.key === key && this.sort.dir === 'ascending' ? 'descending' : 'ascending';
    this.sort = { key, dir };
    this.renderHead();
    this.renderBody();
  }

  private renderHead(): void {
    const o = this.options;
    replaceChildren(this.thead, h('tr', null,
      o.selection ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden', text: 'Select' })) : null,
      o.columns.map((c) => {
        const dir = this.sort?.key === c.key ? this.sort.dir : undefined;
        return h('th', { scope: 'col', class: c.numeric ? 'num' : undefined, 'aria-sort': dir ?? 'none' },
          h('button', { type: 'button', onClick: () => this.toggleSort(c.key), dataset: { sort: c.key } },
            c.label, dir ? (dir === 'ascending' ? ' ▲' : ' ▼') : ''));
      })));
  }

  private sorted(): T[] {
    const s = this.sort;
    const column = s && this.options.columns.find((c) => c.key === s.key);
    if (!s || !column) return this.rows;
    const sign = s.dir === 'ascending' ? 1 : -1;
    return [...this.rows].sort((a, b) => sign * compare(column.value(a), column.value(b)));
  }

  private renderBody(): void {
    const o = this.options;
    // Re-rendering must not steal keyboard focus: remember the focused row (or its checkbox) and restore it.
    const active = document.activeElement as HTMLElement | null;
    const focusedKey = active && this.tbody.contains(active) ? active.closest('tr')?.dataset.key : undefined;
    const onCheckbox = active instanceof HTMLInputElement;
    this.fillBody();
    if (focusedKey === undefined) return;
    const tr = [...this.tbody.rows].find((r) => r.dataset.key === focusedKey);
    (onCheckbox ? tr?.querySelector('input') : tr)?.focus();
  }

  private fillBody(): void {
    const o = this.options;
    if (this.rows.length === 0) {
      const span = o.columns.length + (o.selection ? 1 : 0);
      replaceChildren(this.tbody, h('tr', null, h('td', { colspan: span, class: 'muted', text: o.emptyText ?? 'None.' })));
      return;
    }
    replaceChildren(this.tbody, this.sorted().map((row) => {
      const activate = o.onActivate;
      const tr = h('tr', {
        class: [activate ? 'clickable' : '', o.rowClass?.(row) ?? ''].join(' ').trim() || undefined,
        tabIndex: activate ? 0 : undefined,
        dataset: { key: o.rowKey(row) },
        onClick: activate ? (e: Event) => { if (!(e.target as HTMLElement).closest('input')) activate(row); } : undefined,
        onKeydown: (e: KeyboardEvent) => this.onRowKey(e, row),
      },
      o.selection ? h('td', null, h('input', {
        type: 'checkbox', checked: o.selection.isSelected(row), 'aria-label': o.selection.label(row),
        onChange: () => o.selection!.toggle(row),
      })) : null,
      o.columns.map((c) => h('td', { class: c.numeric ? 'num' : undefined, dataset: { col: c.key } },
        c.render ? c.render(row) : String(c.value(row) ?? '—'))));
      return tr;
    }));
  }

  private onRowKey(e: KeyboardEvent, row: T): void {
    const tr = e.currentTarget as HTMLTableRowElement;
    if (e.target !== tr) return;
    if (e.key === 'Enter' && this.options.onActivate) this.options.onActivate(row);
    else if (e.key === ' ' && this.options.selection) {
      e.preventDefault();
      this.options.selection.toggle(row);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (e.key === 'ArrowDown' ? tr.nextElementSibling : tr.previousElementSibling) as HTMLElement | null;
      next?.focus();
    }
  }
}
