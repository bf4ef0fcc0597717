export { tf } from './tf';
export type * from './tf';
export { initEngine, engineInfo } from './init-engine';
export { BACKEND_REQUESTS } from './backend/select-backend';
export type { BackendRequest, EngineInfo, EngineOptions } from './backend/select-backend';
export { BackendUnavailableError, UnknownBackendError } from './errors';
// Fast training ops (see each file's comment for why it exists).
export { batchNormTrain } from './ops/batch-norm-train';
export type { BatchNormTrainOptions, BatchNormTrainResult } from './ops/batch-norm-train';
export { sgdMomentumUpdate } from './ops/sgd-momentum-update';
export type { SgdMomentumOptions } from './ops/sgd-momentum-update';
export { lsqFakeQuantize } from './ops/lsq-fake-quantize';
export type { LsqFakeQuantizeOptions } from './ops/lsq-fake-quantize';
export { hardActivation } from './ops/hard-activation';
export { BatchNormTrain, BatchNormTrainGrad, HardActivation, HardActivationGrad, LsqFakeQuantize, LsqFakeQuantizeGrad, SgdMomentumUpdate } from './kernel-names';
export type { HardActivationKind } from './kernel-names';
// The threaded wasm build (registered by initEngine({ backend: 'wasm', threads })).
export { threadedWasmStatus, wasmThreadsInUse } from './backend/wasm-threaded';
export type { ThreadedWasmStatus } from './backend/wasm-threaded';
// The reference net of the speed figure.
export { benchmarkReferenceNet } from './reference-net/benchmark-reference-net';
export type { ReferenceNetBenchmark, ReferenceNetBenchmarkOptions } from './reference-net/benchmark-reference-net';
export { createReferenceNet } from './reference-net/reference-net';
export type { ReferenceNet } from './reference-net/reference-net';
