/**
 * Every parameter of the bit-flexible FPGA accelerator simulator, with where
 * it comes from.
 *
 * The design follows the bit-flexible accelerators of the literature: a MAC
 * array of LUT-based multipliers whose size in LUTs grows with wBits x aBits
 * (Bit Fusion: Sharma et al., ISCA 2018, bit-level fusible 2-bit "BitBricks";
 * BISMO: Umuroglu et al., FPL 2018, bit-serial matrix multiply at ~200 MHz;
 * ESB accelerator: Zhao et al., "Elastic Significant Bit Quantization and
 * Acceleration for Deep Neural Networks", IEEE TPDS 2022), so that a fixed
 * LUT budget holds more multipliers at lower precision; on-chip buffers with
 * loop tiling and double buffering (Zhang et al., "Optimizing FPGA-based
 * Accelerator Design for Deep CNNs", FPGA 2015: roofline of compute vs DDR).
 *
 * Platform figures: Xilinx Zynq UltraScale+ XCZU9EG on a ZCU102 board
 * (DS891 product table: 274,080 LUTs, 32.1 Mb block RAM; UG1182: PS DDR4
 * 64-bit at 2400 MT/s = 19.2 GB/s).
 * LUT cost of a w x a multiplier on 6-input LUT fabric is about w*a LUTs
 * (an 8x8 LogiCORE multiplier without DSPs is ~70 LUTs); an accumulator
 * costs about one LUT per bit of its width; a float32 multiply-add in fabric
 * (LogiCORE Floating-Point, no DSP) ~1,000 LUTs.
 *
 * ESB multipliers (Gong et al., IEEE TPDS 2022, whose accelerator reaches
 * 10.95 GOPS per 1k LUTs without DSPs on a ZCU102): a value with at most k
 * significant bits is a k-bit mantissa times 2^e, so a shift-add multiplier
 * needs only the mantissa's partial products, lutsPerBitProduct x (k+sign)
 * x (the other operand's width), then the product moves by the exponent.
 * Our model of that shift (not the paper's figure, which we do not have per
 * layer): a 6-input LUT that already computes a partial-product bit (2
 * inputs) or an accumulator bit (acc, addend) has room for a 3:1 mux
 * (3 data + 2 select inputs), so up to `esbFoldedShifts` exponent values per
 * operand cost nothing; more need `esbShifterLutsPerBitStage` LUTs per
 * product bit per extra 2:1 stage (a LUT6 is two stages of a 4:1 mux). The
 * accumulator widens to the ESB grid's range (maxLevel 12 at 4 bits, k = 2,
 * against 7 uniform). See docs/benchmarks-latency.md, "ESB on the fpga".
 */
export interface FpgaParams {
  clockHz: number;
  /** LUTs given to the MAC array (the rest: control, DMA, vector unit) */
  lutBudget: number;
  /** LUTs per multiplier = lutsPerBitProduct * wBits * aBits */
  lutsPerBitProduct: number;
  /** accumulator bits beyond wBits + aBits (headroom for the reduction) */
  accumulatorExtraBits: number;
  /** LUTs of one float32 MAC (a layer with 32-bit weights or activations) */
  floatMacLuts: number;
  /** ESB: exponent values per operand whose shift folds into LUTs the MAC already has (3:1 mux in a LUT6) */
  esbFoldedShifts: number;
  /** ESB: LUTs per product bit for each 2:1 shifter stage beyond the folded shifts */
  esbShifterLutsPerBitStage: number;
  /** output-channel lanes (Tm) and input-channel lanes (Tn) of the array; the rest parallelises pixels */
  outputLanes: number;
  inputLanes: number;
  /** on-chip buffers (block RAM), bytes */
  inputBufferBytes: number;
  weightBufferBytes: number;
  ddrBytesPerS: number;
  ddrEfficiency: number;
  /** element-wise unit: bits processed per cycle (more low-bit elements per cycle) */
  vectorBitsPerCycle: number;
  /** per layer: instruction fetch, configuration, pipeline fill */
  layerOverheadS: number;
  /** per network: DMA descriptors, input transfer start, completion interrupt */
  networkOverheadS: number;
}

export const FPGA_PARAMS: FpgaParams = {
  clockHz: 200e6, // BISMO / typical HLS accelerators on ZCU102
  lutBudget: 150_000, // of 274,080 on XCZU9EG (DS891)
  lutsPerBitProduct: 1.1,
  accumulatorExtraBits: 8,
  floatMacLuts: 1_000,
  esbFoldedShifts: 3, // LUT6: 2 select + 3 data inputs beside the bit it computes
  esbShifterLutsPerBitStage: 0.5, // a LUT6 is a 4:1 mux: two 2:1 stages
  outputLanes: 32,
  inputLanes: 16,
  inputBufferBytes: 1 << 20, // 4 MB of block RAM on XCZU9EG in total
  weightBufferBytes: 1 << 20,
  ddrBytesPerS: 19.2e9, // UG1182
  ddrEfficiency: 0.6,
  vectorBitsPerCycle: 1024,
  layerOverheadS: 4e-6,
  networkOverheadS: 30e-6,
};
