/** Spins until this process has used `ms` of CPU time (immune to preemption on a loaded machine). For tests. */
export function busyCpu(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const d = process.cpuUsage(start);
    if ((d.user + d.system) / 1e3 >= ms) return;
  }
}
