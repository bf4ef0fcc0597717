export type { AlqTensor } from './alq-tensor';
export {
  ALQ_MAX_BASES,
  alqBytes,
  alqAverageBits,
  decodeAlq,
  assertAlqTensor,
  alqGroupCount,
  alqGroupLength,
} from './alq-tensor';
