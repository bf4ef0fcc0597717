// Worker threads do not inherit the parent's tsx loader: register it here,
// then load the TypeScript worker (as engine's replica-worker-bootstrap.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./batch-prefetch-worker.ts');
