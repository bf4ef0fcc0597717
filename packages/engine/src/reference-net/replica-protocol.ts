// Messages between the main thread and a reference-net replica worker
// (data-parallel training: each replica trains on its share of the batch,
// the main thread averages the gradients, every replica applies the same
// average, so all replicas keep identical weights).

export interface ReplicaInit {
  seed: number;
  learningRate: number;
  momentum: number;
}

export type ToReplica =
  | { kind: 'step'; images: Float32Array; labels: Float32Array; batch: number; applyGradients?: Float32Array }
  | { kind: 'apply'; gradients: Float32Array };

export type FromReplica =
  | { kind: 'ready'; parameters: number }
  | { kind: 'gradients'; loss: number; gradients: Float32Array }
  | { kind: 'applied' }
  | { kind: 'error'; message: string };
