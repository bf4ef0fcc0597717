import { AttributeValueError } from './errors';
import { ATTRIBUTE_TYPES, type OnnxAttribute, type OnnxTensor } from './model-types';

/**
 * An attribute value. Plain numbers are INT when integral and FLOAT
 * otherwise (arrays: INTS unless some element is fractional), strings are
 * STRING; wrap with `attr.float(1)` / `attr.floats([1, 2])` where a float
 * attribute holds an integral value.
 */
export type AttributeValue =
  | number
  | string
  | readonly number[]
  | readonly string[]
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'tensor'; readonly value: OnnxTensor };

export const attr = {
  float: (value: number) => ({ kind: 'float', value }) as const,
  floats: (value: readonly number[]) => ({ kind: 'floats', value }) as const,
  int: (value: number) => ({ kind: 'int', value }) as const,
  ints: (value: readonly number[]) => ({ kind: 'ints', value }) as const,
  tensor: (value: OnnxTensor) => ({ kind: 'tensor', value }) as const,
};

const utf8 = new TextEncoder();

function checkInts(node: string, name: string, values: readonly number[]): number[] {
  for (const v of values) {
    if (!Number.isSafeInteger(v)) throw new AttributeValueError(node, name, `must hold integers, got ${v}`);
  }
  return [...values];
}

export function toAttribute(node: string, name: string, value: AttributeValue): OnnxAttribute {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new AttributeValueError(node, name, `must be finite, got ${value}`);
    return Number.isInteger(value)
      ? { name, type: ATTRIBUTE_TYPES.int, i: value }
      : { name, type: ATTRIBUTE_TYPES.float, f: value };
  }
  if (typeof value === 'string') return { name, type: ATTRIBUTE_TYPES.string, s: utf8.encode(value) };
  if (Array.isArray(value)) {
    if (value.length === 0) throw new AttributeValueError(node, name, 'is an empty list; use attr.ints([]) or attr.floats([])');
    if (value.every((v) => typeof v === 'string')) {
      return { name, type: ATTRIBUTE_TYPES.strings, strings: (value as string[]).map((v) => utf8.encode(v)) };
    }
    const nums = value as number[];
    if (!nums.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new AttributeValueError(node, name, 'must be a list of finite numbers or of strings');
    }
    return nums.every((v) => Number.isInteger(v))
      ? { name, type: ATTRIBUTE_TYPES.ints, ints: [...nums] }
      : { name, type: ATTRIBUTE_TYPES.floats, floats: [...nums] };
  }
  const wrapped = value as Exclude<AttributeValue, number | string | readonly unknown[]>;
  switch (wrapped.kind) {
    case 'float':
      return { name, type: ATTRIBUTE_TYPES.float, f: wrapped.value };
    case 'floats':
      return { name, type: ATTRIBUTE_TYPES.floats, floats: [...wrapped.value] };
    case 'int':
      return { name, type: ATTRIBUTE_TYPES.int, i: checkInts(node, name, [wrapped.value])[0]! };
    case 'ints':
      return { name, type: ATTRIBUTE_TYPES.ints, ints: checkInts(node, name, wrapped.value) };
    case 'tensor':
      return { name, type: ATTRIBUTE_TYPES.tensor, t: wrapped.value };
    default:
      throw new AttributeValueError(node, name, `has an unsupported value ${JSON.stringify(value)}`);
  }
}
