/** HTTP paths of the studio API (served by `@oqat/studio-server`'s `serveStudio`). */
export const API_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';
/** Server-sent event name carrying a RunEventDto. */
export const SSE_RUN_EVENT = 'run';
