import { errorOf } from '../../common/run-events';
import type { StudioClient } from '../client/studio-client';
import { Announcer } from '../ui/announcer';
import { h, replaceChildren } from '../ui/dom';
import { ThemeController } from '../ui/theme';
import { type Route, type ScreenName, formatRoute, parseRoute } from './route';
import type { Screen, ScreenContext } from './screen';

export interface NavItem {
  name: ScreenName;
  label: string;
  route: Route;
}

export const NAV: NavItem[] = [
  { name: 'runs', label: 'Runs', route: { name: 'runs' } },
  { name: 'new', label: 'New run', route: { name: 'new' } },
  { name: 'search', label: 'Search', route: { name: 'search' } },
  { name: 'compare', label: 'Compare', route: { name: 'compare', runIds: [] } },
  { name: 'export', label: 'Export', route: { name: 'export' } },
];

/** The window: sidebar, the current screen, a status bar; routes live in the URL hash. */
export class StudioApp {
  private readonly main = h('main', { id: 'main', class: 'main', tabIndex: -1 });
  private readonly links = new Map<ScreenName, HTMLAnchorElement>();
  private readonly connection = h('span', { dataset: { testid: 'connection' } });
  private readonly themeButton = h('button', { type: 'button', 'aria-label': 'Toggle dark and light theme' });
  private dispose: (() => void) | undefined;
  readonly context: ScreenContext;

  constructor(
    private readonly root: HTMLElement,
    client: StudioClient,
    private readonly screens: Record<ScreenName, Screen<never>>,
  ) {
    const theme = new ThemeController();
    const announcer = new Announcer();
    this.context = {
      client, theme, announcer,
      navigate: (route, options) => {
        const hash = formatRoute(route);
        if (options?.replace || location.hash === hash) {
          history.replaceState(null, '', hash);
          this.render();
        } else location.hash = hash;
      },
    };
    const nav = h('nav', { class: 'sidebar', 'aria-label': 'Screens' },
      h('div', { class: 'brand' }, 'OQAT Studio', h('small', { text: 'quantized supernets' })),
      NAV.map((item, i) => {
        const link = h('a', { class: 'nav-link', href: formatRoute(item.route), dataset: { nav: item.name } },
          item.label, h('kbd', { text: `Alt+${i + 1}` }));
        this.links.set(item.name, link);
        return link;
      }));
    const transport = client.transportKind === 'ipc' ? 'Electron IPC' : 'HTTP · server-sent events';
    const status = h('footer', { class: 'statusbar' }, this.connection, h('span', { text: transport }),
      h('span', { class: 'spacer' }), this.themeButton);
    this.themeButton.addEventListener('click', () => theme.toggle());
    const paintTheme = (): void => { this.themeButton.textContent = theme.theme === 'dark' ? '☀ Light theme' : '☾ Dark theme'; };
    theme.onChange(paintTheme);
    paintTheme();
    let previous: string | undefined;
    client.connection$.subscribe((state) => {
      // Events may have been missed while the stream was down: reload the screen once it is back.
      if (previous === 'reconnecting' && state === 'live') this.render();
      previous = state;
      this.connection.textContent = state === 'live' ? '● live' : state === 'reconnecting' ? '○ reconnecting…' : '○ connecting…';
      this.connection.dataset.state = state;
    });
    // One app-wide subscription keeps the live connection open on every screen and reports run endings.
    client.runEvents$.subscribe((e) => {
      if (e.kind === 'finished' || e.kind === 'cancelled') announcer.say(`${e.runId} ${e.kind}`);
      else if (e.kind === 'failed') announcer.say(`${e.runId} failed${errorOf(e) ? `: ${errorOf(e)}` : ''}`, 'error');
    });
    replaceChildren(root, nav, this.main, status, announcer.el);
    window.addEventListener('hashchange', () => this.render());
    window.addEventListener('keydown', (e) => this.onKey(e));
  }

  start(): void {
    this.render();
  }

  private onKey(e: KeyboardEvent): void {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    const index = Number(e.key) - 1;
    const item = NAV[index];
    if (!item) return;
    e.preventDefault();
    this.context.navigate(item.route);
  }

  private render(): void {
    const route = parseRoute(location.hash);
    this.dispose?.();
    this.dispose = undefined;
    const active = route.name === 'run' ? 'runs' : route.name;
    for (const [name, link] of this.links) {
      if (name === active) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    this.main.replaceChildren();
    this.main.dataset.screen = route.name;
    document.title = `OQAT Studio · ${NAV.find((n) => n.name === active)?.label ?? 'Run'}`;
    const screen = this.screens[route.name] as Screen;
    this.dispose = screen(this.main, this.context, route);
  }
}
