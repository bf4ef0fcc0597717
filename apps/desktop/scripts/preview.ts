/**
 * UI development only: serves the renderer over the in-memory test double
 * (simulated runs, no training happens) so screens can be looked at before
 * or without the real service.
 *   node --import tsx apps/desktop/scripts/preview.ts [--port 4180]
 */
import { parseArgs } from 'node:util';
import { TestStudioService, serveStudio } from '@oqat/studio-server';
import { ensureRendererBuilt } from '../src/build-renderer';

const { values } = parseArgs({ options: { port: { type: 'string', default: '4180' } } });
const service = new TestStudioService({ simulate: { tickMs: 150, stepsPerPhase: 16 } });
const studio = await serveStudio(service, { port: Number(values.port), staticDir: await ensureRendererBuilt() });
process.stdout.write(`OQAT Studio preview over the TEST DOUBLE (simulated runs): ${studio.appUrl}\n`);
