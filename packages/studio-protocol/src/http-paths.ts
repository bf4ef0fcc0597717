/** HTTP paths of the studio API (served by `@oqat/studio-server`'s `serveStudio`). */
export const API_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';
/** Server-sent event name carrying a RunEventDto. */
export const SSE_RUN_EVENT = 'run';
/**
 * The per-launch API token: the page's URL carries it as `?token=` (the URL
 * `oqat serve` prints); the renderer sends it on each call as
 * `authorization: Bearer <token>` and on the event stream as `?token=`
 * (EventSource cannot set headers).
 */
export const TOKEN_PARAM = 'token';
