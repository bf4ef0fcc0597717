// Worker threads do not inherit the parent's tsx loader: register it here,
// then load the TypeScript replica (the same way apps/cli/bin/oqat.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./replica-worker.ts');
