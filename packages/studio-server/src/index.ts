// Public API of @oqat/studio-server: the StudioService (packages/jobs) over
// HTTP on loopback, for `oqat serve` and the desktop app's browser preview, and
// an in-memory StudioService with simulated runs for UI work and tests.
export { serveStudio, type ServeStudioOptions, type StudioServer } from './serve-studio';
// The API's own errors reach clients by name and status (see error-status.ts); callers of serveStudio may meet this one.
export { NonLoopbackHostError } from './errors';
export { TestStudioService, type TestStudioServiceOptions } from './testing/test-studio-service';
