import type { SearchSpace, SubnetSpec } from '@oqat/latency';
import { InvalidSubnetError } from '../errors';
import { FieldReader } from '../json-fields';

const r = new FieldReader((field, problem) => new InvalidSubnetError(field, problem));

/**
 * Checks a SubnetSpec JSON value against a space and returns it typed.
 * Throws InvalidSubnetError naming the field and the allowed choices.
 */
export function parseSubnetSpec(space: SearchSpace, json: unknown): SubnetSpec {
  const o = r.object(json, 'subnet');
  r.keys(o, '', ['resolution', 'depths', 'kernels', 'expands', 'bits']);
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
  return { resolution, depths, kernels: perBlock('kernels'), expands: perBlock('expands'), bits };
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
  return `r${spec.resolution}-b${spec.bits}-${stages.join('_')}`;
}
