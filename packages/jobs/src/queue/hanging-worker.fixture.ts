// Test fixture (not product code): a queue worker process that takes one task and never finishes it,
// so a test can kill it (SIGKILL) while it holds the task. argv: URL QUEUE
import { serveTasks } from './task-queue';

const [url, queue] = process.argv.slice(2) as [string, string];
const parent = process.ppid; // no orphans: gone with the test process
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    process.exit(1);
  }
}, 1000).unref();
await serveTasks(url, { [queue]: () => new Promise<never>(() => process.stdout.write('holding\n')) }, { name: 'doomed', lockMs: 1000, stalledMs: 500 });
process.stdout.write('ready\n');
