import { InvalidLayerError, InvalidNetworkError } from '../errors';
import { ACTIVATIONS, OPS, type LayerDesc } from './layer-desc';

const INT_FIELDS = ['inH', 'inW', 'inC', 'outC', 'kernel', 'stride', 'groups'] as const;
const SAME_CHANNEL_OPS = new Set(['avgpool', 'maxpool', 'add', 'mul', 'upsample', 'se', 'activation']);

/** Bit widths accepted: integer 1-16 (fixed point) or 32 (float). */
export function isValidBits(bits: unknown): boolean {
  return typeof bits === 'number' && Number.isInteger(bits) && ((bits >= 1 && bits <= 16) || bits === 32);
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

/**
 * Checks one layer against the IR schema (docs/architecture.md) and returns it
 * typed. Throws InvalidLayerError naming the layer index, op and field.
 */
export function validateLayer(value: unknown, index: number): LayerDesc {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidLayerError(index, 'layer', `must be an object, got ${show(value)}`);
  }
  const l = value as Record<string, unknown>;
  const op = l.op;
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
    throw new InvalidLayerError(index, 'op', `must be one of ${OPS.join(', ')}, got ${show(op)}`);
  }
  const fail = (field: string, detail: string): never => {
    throw new InvalidLayerError(index, field, detail, op);
  };
  for (const f of INT_FIELDS) {
    if (!isPositiveInt(l[f])) fail(f, `must be a positive integer, got ${show(l[f])}`);
  }
  for (const f of ['outH', 'outW'] as const) {
    if (l[f] !== undefined && !isPositiveInt(l[f])) fail(f, `must be a positive integer when given, got ${show(l[f])}`);
  }
  for (const f of ['wBits', 'aBits'] as const) {
    if (!isValidBits(l[f])) fail(f, `must be an integer 1-16 or 32 (float), got ${show(l[f])}`);
  }
  for (const [f, bits, signed] of [['weightSignificantBits', l.wBits, true], ['inputSignificantBits', l.aBits, false]] as const) {
    const magnitude = (bits as number) - (signed ? 1 : 0);
    if (l[f] !== undefined && (!isPositiveInt(l[f]) || (l[f] as number) > magnitude)) fail(f, `must be an integer 1-${magnitude} (the magnitude bits) when given, got ${show(l[f])}`);
  }
  if (l.act !== undefined && !(ACTIVATIONS as readonly string[]).includes(l.act as string)) {
    fail('act', `must be one of ${ACTIVATIONS.join(', ')}, got ${show(l.act)}`);
  }
  const layer = l as unknown as LayerDesc;
  const { inC, outC, groups, kernel, stride } = layer;
  switch (op) {
    case 'conv':
      if (inC % groups !== 0) fail('groups', `must divide inC (${inC}), got ${groups}`);
      if (outC % groups !== 0) fail('groups', `must divide outC (${outC}), got ${groups}`);
      break;
    case 'dwconv':
      if (groups !== inC) fail('groups', `must equal inC (${inC}) for a depthwise conv, got ${groups}`);
      if (outC % inC !== 0) fail('outC', `must be a multiple of inC (${inC}) for a depthwise conv, got ${outC}`);
      break;
    case 'fc':
      if (kernel !== 1 || stride !== 1 || groups !== 1) {
        fail('kernel/stride/groups', `must be 1 for fc, got ${kernel}/${stride}/${groups}`);
      }
      break;
    case 'concat':
      if (outC <= inC) fail('outC', `must exceed inC (${inC}) for concat (outC = inC + the second input's channels), got ${outC}`);
      break;
    default:
      if (SAME_CHANNEL_OPS.has(op) && outC !== inC) fail('outC', `must equal inC (${inC}) for ${op}, got ${outC}`);
  }
  return layer;
}

/** Checks a whole network (a non-empty list of layers); returns it typed. */
export function validateLayers(value: unknown): LayerDesc[] {
  if (!Array.isArray(value)) throw new InvalidNetworkError(`layers must be an array of LayerDesc, got ${show(typeof value)}`);
  if (value.length === 0) throw new InvalidNetworkError('layers is empty; a network needs at least one layer');
  return value.map((l, i) => validateLayer(l, i));
}
