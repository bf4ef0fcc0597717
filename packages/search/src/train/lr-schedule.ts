/**
 * Learning rate at a step of a phase: linear warm-up from lr/warmupSteps to
 * lr over warmupSteps, then cosine decay to 0 at totalSteps (OFA's
 * cosine schedule with warm-up, per step).
 */
export function cosineLr(lr: number, step: number, totalSteps: number, warmupSteps: number): number {
  if (step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
  const span = Math.max(1, totalSteps - warmupSteps);
  const t = Math.min(1, (step - warmupSteps) / span);
  return 0.5 * lr * (1 + Math.cos(Math.PI * t));
}
