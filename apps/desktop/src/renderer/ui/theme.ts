export type ThemeName = 'dark' | 'light';

const KEY = 'oqat-theme';

/** Dark/light theme on <html data-theme>, remembered, defaulting to the system preference. */
export class ThemeController {
  private readonly listeners = new Set<(theme: ThemeName) => void>();
  private current: ThemeName;

  constructor() {
    const stored = safeStorage()?.getItem(KEY);
    this.current = stored === 'light' || stored === 'dark' ? stored
      : matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
    document.documentElement.dataset.theme = this.current;
  }

  get theme(): ThemeName {
    return this.current;
  }

  set(theme: ThemeName): void {
    if (theme === this.current) return;
    this.current = theme;
    document.documentElement.dataset.theme = theme;
    safeStorage()?.setItem(KEY, theme);
    for (const l of this.listeners) l(theme);
  }

  toggle(): void {
    this.set(this.current === 'dark' ? 'light' : 'dark');
  }

  onChange(listener: (theme: ThemeName) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
