import { InvalidQuantOptionError } from '../errors';
import { abfpFormat } from './abfp';
import { esbFormat } from './esb';
import { FORMAT_NAMES, type FormatName, type NumberFormat } from './number-format';
import { pow2Format } from './pow2';
import { uniformFormat } from './uniform';

/** The only name -> format table. */
const FORMATS: Record<FormatName, NumberFormat> = {
  uniform: uniformFormat,
  pow2: pow2Format,
  esb: esbFormat,
  abfp: abfpFormat,
};

export function getFormat(name: string): NumberFormat {
  const f = FORMATS[name as FormatName];
  if (!f) throw new InvalidQuantOptionError('quant', 'format', name, FORMAT_NAMES.join(', '));
  return f;
}
