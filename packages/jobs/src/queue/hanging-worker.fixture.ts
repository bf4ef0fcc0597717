// Test fixture (not product code): a queue worker process that takes one task and never finishes it,
// so a test can kill it (SIGKILL) while it holds the task. argv: URL QUEUE
import { serveTasks } from './task-queue';
import { exitWithParent } from './exit-with-parent.fixture';

const [url, queue] = process.argv.slice(2) as [string, string];
exitWithParent();
await serveTasks(url, { [queue]: () => new Promise<never>(() => process.stdout.write('holding\n')) }, { name: 'doomed', lockMs: 1000, stalledMs: 500 });
process.stdout.write('ready\n');
