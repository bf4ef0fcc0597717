export { serveStudio, type ServeStudioOptions, type StudioServer } from './serve-studio';
export {
  buildRenderer,
  ensureRendererBuilt,
  rendererIsStale,
  DEFAULT_RENDERER_DIR,
  type BuildRendererOptions,
} from './build-renderer';
export { isLoopbackHost } from './request-guard';
export * from '../errors';
