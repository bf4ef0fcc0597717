import type { StudioClient } from '../client/studio-client';
import type { Announcer } from '../ui/announcer';
import type { ThemeController } from '../ui/theme';
import type { Route } from './route';

export interface ScreenContext {
  readonly client: StudioClient;
  readonly theme: ThemeController;
  readonly announcer: Announcer;
  navigate(route: Route, options?: { replace?: boolean }): void;
}

/** Renders a screen into `root`; returns its teardown (subscriptions, charts, timers). */
export type Screen<R extends Route = Route> = (root: HTMLElement, context: ScreenContext, route: R) => () => void;
