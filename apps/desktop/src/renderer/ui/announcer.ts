import { h } from './dom';

/** Toasts for the sighted, an aria-live region for screen readers. */
export class Announcer {
  readonly el: HTMLElement;
  private readonly live = h('div', { class: 'visually-hidden', 'aria-live': 'polite' });

  constructor() {
    this.el = h('div', { class: 'toast-region' });
    document.body.append(this.live);
  }

  say(message: string, kind: 'info' | 'error' = 'info', ms = 4_000): void {
    this.live.textContent = message;
    const toast = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status', text: message });
    this.el.append(toast);
    setTimeout(() => toast.remove(), kind === 'error' ? ms * 2 : ms);
  }

  error(prefix: string, err: unknown): void {
    this.say(`${prefix}: ${err instanceof Error ? err.message : String(err)}`, 'error');
  }
}
