/**
 * Registers a multi-threaded 'wasm' backend for Node. Returns the number of
 * threads it will run with, or 1 when it could not (the caller then uses the
 * package's single-thread build).
 *
 * Placeholder until the threaded build lands (see ENGINE-NOTES): always 1.
 */
export function registerThreadedWasmBackend(_threads: number): number {
  return 1;
}
