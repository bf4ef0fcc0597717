import type { LayerDesc } from '../../ir/layer-desc';
import { layerFigures, layerParams } from '../../ir/layer-figures';
import { outputHeight, outputWidth, seHiddenChannels } from '../../ir/output-shape';
import { FPGA_PARAMS, type FpgaParams } from './fpga-params';

/** Significant bits of a layer's ESB operands (absent: uniform codes). */
export interface EsbOperands {
  weight?: number;
  input?: number;
}

/**
 * One multiplier operand as the array sees it: the width of what is
 * multiplied (uniform: all b bits; ESB: sign + k mantissa bits), the width of
 * its largest value (for the accumulator) and how many exponent shifts it
 * brings. The ESB grid is @oqat/quant's (esb-grid.ts): magnitude bits m,
 * m - k + 1 exponent bits, exponents 1..E with E = 2^(m-k+1) - 1 each a
 * shift, maxLevel = (2^k - 1)·2^(E-1). k = m is the uniform grid.
 */
function operand(bits: number, signed: boolean, k: number | undefined): { mult: number; range: number; shifts: number } {
  if (k === undefined) return { mult: bits, range: bits, shifts: 1 };
  const sign = signed ? 1 : 0;
  const m = bits - sign;
  const e = 2 ** (m - k + 1) - 1;
  const maxLevel = (2 ** k - 1) * 2 ** (e - 1);
  return { mult: sign + k, range: sign + Math.ceil(Math.log2(maxLevel + 1)), shifts: e };
}

/**
 * LUTs of one MAC unit at these bit widths (32 on either side = float):
 * uniform, lutsPerBitProduct·w·a plus a (w + a + extra)-bit accumulator; with
 * ESB operands the multiplier is the mantissas' (sign + k bits each), a shift
 * beyond esbFoldedShifts exponent values costs shifter stages, and the
 * accumulator spans the ESB range (fpga-params.ts).
 */
export function fpgaMacLuts(wBits: number, aBits: number, p: FpgaParams = FPGA_PARAMS, esb: EsbOperands = {}): number {
  if (wBits >= 32 || aBits >= 32) return p.floatMacLuts;
  const w = operand(wBits, true, esb.weight);
  const a = operand(aBits, false, esb.input);
  const stages = (shifts: number): number => (shifts <= p.esbFoldedShifts ? 0 : Math.ceil(Math.log2(shifts / p.esbFoldedShifts)));
  const shifter = p.esbShifterLutsPerBitStage * (w.mult + a.mult) * (stages(w.shifts) + stages(a.shifts));
  return p.lutsPerBitProduct * w.mult * a.mult + shifter + (w.range + a.range + p.accumulatorExtraBits);
}

/** MAC units that fit the LUT budget at these bit widths (32 on either side = float). */
export function fpgaMacUnits(wBits: number, aBits: number, p: FpgaParams = FPGA_PARAMS, esb: EsbOperands = {}): number {
  return Math.max(1, Math.floor(p.lutBudget / fpgaMacLuts(wBits, aBits, p, esb)));
}

/** Array shape at these bits: Tm output lanes x Tn input lanes x Tp pixel lanes. */
function arrayShape(units: number, p: FpgaParams): { tm: number; tn: number; tp: number } {
  const tm = Math.min(p.outputLanes, units);
  const tn = Math.max(1, Math.min(p.inputLanes, Math.floor(units / tm)));
  const tp = Math.max(1, Math.floor(units / (tm * tn)));
  return { tm, tn, tp };
}

/**
 * DDR traffic of a tiled layer: outputs once, and of the two loop orders the
 * cheaper: weights resident per tile (input re-streamed for each weight tile)
 * or input resident per tile (weights re-streamed for each input tile).
 */
function trafficBytes(inBytes: number, weightBytes: number, outBytes: number, p: FpgaParams): number {
  const weightTiles = Math.max(1, Math.ceil(weightBytes / p.weightBufferBytes));
  const inputTiles = Math.max(1, Math.ceil(inBytes / p.inputBufferBytes));
  return outBytes + Math.min(weightBytes + inBytes * weightTiles, inBytes + weightBytes * inputTiles);
}

function elementwiseCycles(elements: number, aBits: number, p: FpgaParams): number {
  const lanes = Math.max(1, Math.floor(p.vectorBitsPerCycle / Math.min(32, Math.max(aBits, 1))));
  return Math.ceil(elements / lanes);
}

/**
 * Simulated latency of one layer on the bit-flexible accelerator, in ms:
 * per-layer overhead + max(compute cycles, DDR time) (double-buffered tiles).
 * Lower bits give more MAC units (LUT budget / w*a) and fewer bytes.
 */
export function fpgaLayerMs(layer: LayerDesc, params: FpgaParams = FPGA_PARAMS): number {
  const p = params;
  const f = layerFigures(layer);
  const esb = { ...(layer.weightSignificantBits !== undefined ? { weight: layer.weightSignificantBits } : {}), ...(layer.inputSignificantBits !== undefined ? { input: layer.inputSignificantBits } : {}) };
  const { tm, tn, tp } = arrayShape(fpgaMacUnits(layer.wBits, layer.aBits, p, esb), p);
  const outHW = outputHeight(layer) * outputWidth(layer);
  const k2 = layer.kernel * layer.kernel;
  let cycles: number;
  switch (layer.op) {
    case 'conv': {
      const g = layer.groups;
      cycles = g * Math.ceil(layer.outC / g / tm) * Math.ceil(layer.inC / g / tn) * Math.ceil(outHW / tp) * k2;
      break;
    }
    case 'dwconv':
      // channels on the output lanes, kernel taps on the input lanes: poor use of Tn for small kernels
      cycles = Math.ceil(layer.outC / tm) * Math.ceil(k2 / tn) * Math.ceil(outHW / tp);
      break;
    case 'fc':
      cycles = Math.ceil(layer.outC / tm) * Math.ceil((layer.inH * layer.inW * layer.inC) / (tn * tp));
      break;
    case 'se': {
      const c = layer.inC;
      const mid = seHiddenChannels(c);
      const fc = Math.ceil(mid / tm) * Math.ceil(c / (tn * tp)) + Math.ceil(c / tm) * Math.ceil(mid / (tn * tp));
      cycles = fc + elementwiseCycles(f.elementOps, layer.aBits, p);
      break;
    }
    default:
      cycles = elementwiseCycles(f.elementOps, layer.aBits, p);
  }
  const { weights, biases } = layerParams(layer);
  const weightBytes = (weights * layer.wBits) / 8 + biases * 4;
  // se reads its input twice (pool, then scale) and writes the scaled map
  const inBytes = layer.op === 'se' ? 2 * f.inputBytes : f.inputBytes;
  const memS = trafficBytes(inBytes, weightBytes, f.outputBytes, p) / (p.ddrBytesPerS * p.ddrEfficiency);
  const s = p.layerOverheadS + Math.max(cycles / p.clockHz, memS);
  return s * 1e3;
}

export function fpgaNetworkOverheadMs(params: FpgaParams = FPGA_PARAMS): number {
  return params.networkOverheadS * 1e3;
}
