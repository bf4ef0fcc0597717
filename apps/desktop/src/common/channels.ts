import type { ServiceMethod } from '@oqat/studio-protocol';

/** Every IPC channel starts with this; preload and main both reject anything else. */
export const CHANNEL_PREFIX = 'oqat:';

/** `oqat:service:<method>`: one invoke channel per StudioService method. */
export function serviceChannel(method: ServiceMethod): string {
  return `${CHANNEL_PREFIX}service:${method}`;
}

/** Main → renderer: every RunEventDto of every run (StudioService.onRunEvent). */
export const RUN_EVENT_CHANNEL = 'oqat:event:run';

/** Main → renderer: a menu item asked the renderer to go to a route (payload: the hash route). */
export const NAVIGATE_CHANNEL = 'oqat:menu:navigate';

/** Main → renderer: the View menu toggled the theme. */
export const TOGGLE_THEME_CHANNEL = 'oqat:menu:toggle-theme';

/** Renderer → main (invoke): native folder dialog; resolves to the chosen path or null. */
export const CHOOSE_FOLDER_CHANNEL = 'oqat:host:choose-folder';

/** Channels main may send to the renderer; the preload lets the renderer listen to these only. */
export const EVENT_CHANNELS = [RUN_EVENT_CHANNEL, NAVIGATE_CHANNEL, TOGGLE_THEME_CHANNEL] as const;

export function isOqatChannel(channel: unknown): channel is string {
  return typeof channel === 'string' && channel.startsWith(CHANNEL_PREFIX) && channel.length > CHANNEL_PREFIX.length;
}
