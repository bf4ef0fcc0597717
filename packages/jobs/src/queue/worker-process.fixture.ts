// Test fixture (not product code): an `oqat worker` as its own process, with short locks so a lost worker's task
// comes back fast. argv: URL NAME HOLD_AT. With HOLD_AT > 0 the worker freezes as its HOLD_AT-th task starts (holding
// the task, its lock no longer renewed) and prints 'holding', so a test can kill it mid-task deterministically.
import { runQueueWorker } from './queue-worker';
import { exitWithParent } from './exit-with-parent.fixture';

const [url, name, holdAt] = process.argv.slice(2) as [string, string, string];
exitWithParent();
let started = 0;
await runQueueWorker({
  url, name, backend: 'wasm', lockMs: 1500, stalledMs: 500,
  onTask: (e) => {
    if (e.state !== 'started') return;
    started++;
    process.stdout.write(`started ${started}\n`);
    if (started === Number(holdAt)) {
      process.stdout.write('holding\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // blocks this process until it is killed
    }
  },
});
process.stdout.write('ready\n');
