// Electron's main entry: the sources are TypeScript run through tsx (like the oqat CLI), so no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/electron-entry.ts');
