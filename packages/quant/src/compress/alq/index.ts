export type { AlqTensor } from './alq-tensor';
export {
  ALQ_MAX_BASES,
  alqBytes,
  alqAverageBits,
  decodeAlq,
  decodeAlqGrouped,
  assertAlqTensor,
  alqGroupCount,
  alqGroupLength,
  alqToGrouped,
  alqFromGrouped,
} from './alq-tensor';
