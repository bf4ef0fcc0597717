// Test fixture (not product code): a worker process a test spawns leaves no orphan: when the test process
// is gone (killed, timed out), the worker exits too.
export function exitWithParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(1);
    }
  }, 1000).unref();
}
