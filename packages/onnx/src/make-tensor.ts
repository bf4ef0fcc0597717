import { dataTypeCode, encodeRawData, type DataTypeName, type TensorValues } from './data-type';
import { TensorDataError } from './errors';
import type { OnnxTensor } from './model-types';

export interface TensorInit {
  dataType: DataTypeName;
  /** [] for a scalar */
  dims: readonly number[];
  values: TensorValues;
}

/** A TensorProto with its values as little-endian raw_data; checks dims against the value count. */
export function makeTensor(name: string, init: TensorInit): OnnxTensor {
  for (const d of init.dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new TensorDataError(name, `dims must be non-negative integers, got [${init.dims.join(', ')}]`);
  }
  const count = init.dims.reduce((a, b) => a * b, 1);
  if (count !== init.values.length) {
    throw new TensorDataError(name, `dims [${init.dims.join(', ')}] hold ${count} elements but ${init.values.length} values were given`);
  }
  return {
    name,
    dataType: dataTypeCode(init.dataType),
    dims: [...init.dims],
    rawData: encodeRawData(name, init.dataType, init.values),
  };
}
