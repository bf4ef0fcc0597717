import { InvalidQuantOptionError } from '../errors';

/** Copies the values of each channel (element i is channel i % channels) into its own array. */
export function splitChannels(operation: string, x: ArrayLike<number>, channels: number): Float32Array[] {
  if (!Number.isInteger(channels) || channels < 1 || x.length % channels !== 0) {
    throw new InvalidQuantOptionError(operation, 'channels', channels, `a positive divisor of the element count ${x.length}`);
  }
  const per = x.length / channels;
  const out = Array.from({ length: channels }, () => new Float32Array(per));
  for (let i = 0; i < x.length; i++) out[i % channels]![Math.floor(i / channels)] = x[i]!;
  return out;
}
