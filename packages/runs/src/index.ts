export * from './errors.ts';
export type * from './store/records.ts';
export { RunStore, type RecordMetricsOptions } from './store/run-store.ts';
export { openRunStore, resolveStorePath, type RunStoreOptions } from './store/open-run-store.ts';
export { RUN_TRANSITIONS } from './store/runs-table.ts';
export type * from './events/run-event.ts';
export { isTerminalEvent } from './events/run-event.ts';
export { watchRunEvents, type RunEventSource, type WatchOptions } from './events/watch-run-events.ts';
