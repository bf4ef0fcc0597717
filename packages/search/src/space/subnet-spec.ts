import { elasticLayerNames, type SearchSpace, type SubnetSpec } from '@oqat/latency';
import { InvalidSubnetError } from '../errors';
import { FieldReader } from '../json-fields';

const r = new FieldReader((field, problem) => new InvalidSubnetError(field, problem));

/**
 * Checks a SubnetSpec JSON value against a space and returns it typed.
 * Throws InvalidSubnetError naming the field and the allowed choices.
 */
export function parseSubnetSpec(space: SearchSpace, json: unknown): SubnetSpec {
  const o = r.object(json, 'subnet');
  r.keys(o, '', ['resolution', 'depths', 'kernels', 'expands', 'bits', 'bitsByLayer']);
  const resolution = r.oneOf(o.resolution, 'resolution', space.resolutions);
  const bits = r.oneOf(o.bits, 'bits', space.bits);
  const n = space.stages.length;
  const depthsIn = r.array(o.depths, 'depths');
  if (depthsIn.length !== n) throw r.error('depths', `must have one entry per stage (${n}), got ${depthsIn.length}`);
  const depths = depthsIn.map((d, i) => r.oneOf(d, `depths[${i}]`, space.stages[i]!.depths));
  const perBlock = (key: 'kernels' | 'expands'): number[][] => {
    const outer = r.array(o[key], key);
    if (outer.length !== n) throw r.error(key, `must have one list per stage (${n}), got ${outer.length}`);
    return outer.map((inner, i) => {
      const items = r.array(inner, `${key}[${i}]`);
      if (items.length !== depths[i]) {
        throw r.error(`${key}[${i}]`, `must have one entry per active block (depth ${depths[i]}), got ${items.length}`);
      }
      return items.map((x, j) => r.oneOf(x, `${key}[${i}][${j}]`, space.stages[i]![key]));
    });
  };
  const spec: SubnetSpec = { resolution, depths, kernels: perBlock('kernels'), expands: perBlock('expands'), bits };
  if (o.bitsByLayer === undefined) return spec;
  const bitsByLayer = parseBitsByLayer(space, spec, o.bitsByLayer);
  return Object.keys(bitsByLayer).length > 0 ? { ...spec, bitsByLayer } : spec;
}

/**
 * Per-layer bits: each key an elastic layer of the subnet's active blocks,
 * each value one of the space's quantized widths; none in a float subnet.
 * Entries equal to the subnet's bits are kept out (the canonical form).
 */
function parseBitsByLayer(space: SearchSpace, spec: SubnetSpec, json: unknown): Record<string, number> {
  const o = r.object(json, 'bitsByLayer');
  if (spec.bits === 32 && Object.keys(o).length > 0) throw r.error('bitsByLayer', 'must be absent in a float (32-bit) subnet');
  const names = elasticLayerNames(space, spec.depths);
  const widths = space.bits.filter((b) => b !== 32);
  const out: Record<string, number> = {};
  for (const name of names) {
    if (o[name] === undefined) continue;
    const b = r.oneOf(o[name], `bitsByLayer.${name}`, widths);
    if (b !== spec.bits) out[name] = b;
  }
  const unknown = Object.keys(o).find((k) => !names.includes(k));
  if (unknown !== undefined) {
    throw r.error(`bitsByLayer.${unknown}`, `is not an elastic layer of this subnet (its layers: ${names[0]}, ..., ${names[names.length - 1]})`);
  }
  return out;
}

/** Same as parseSubnetSpec, for specs built in code: throws on the first field that does not fit. */
export function assertSubnetSpec(space: SearchSpace, spec: SubnetSpec): SubnetSpec {
  return parseSubnetSpec(space, spec);
}

/** A stable string key (for caches, dedupe and logs). */
export function subnetKey(spec: SubnetSpec): string {
  const stages = spec.depths.map((d, i) =>
    Array.from({ length: d }, (_, j) => `k${spec.kernels[i]![j]}e${spec.expands[i]![j]}`).join('.'),
  );
  const perLayer = Object.entries(spec.bitsByLayer ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, b]) => `${name}:${b}`);
  return `r${spec.resolution}-b${spec.bits}-${stages.join('_')}${perLayer.length > 0 ? `-L${perLayer.join(',')}` : ''}`;
}
