// LSQ fake-quantizer passes (rules: see conv-gradient-kernels.c). Tensors
// are rows of c channels with one step per channel; a per-tensor step comes
// as c copies of it (see kernels/wasm/lsq-fake-quantize.ts).
//
// Levels must match tf.div + tf.round + tf.clipByValue bit for bit, ties
// included: a true division (no reciprocal multiply) and f32x4.nearest /
// nearbyintf, which round half to even as tf.round does.
#include "training-kernels.h"

static inline v128_t level4(v128_t v, v128_t lo, v128_t hi) {
  return wasm_f32x4_min(wasm_f32x4_max(wasm_f32x4_nearest(v), lo), hi);
}

static inline float level1(float v, float lo, float hi) {
  const float r = __builtin_nearbyintf(v);
  return r > hi ? hi : r < lo ? lo : r;
}

// q = clamp(round(x/s), lo, hi)*s, s = step[channel].
void lsq_forward(const float *x, const float *step, float *q, int rows, int c, float lo, float hi) {
  const int c4 = c & ~3;
  const v128_t lov = wasm_f32x4_splat(lo), hiv = wasm_f32x4_splat(hi);
  for (int p = 0; p < rows; p++) {
    const size_t base = (size_t)p * c;
    int ch = 0;
    for (; ch < c4; ch += 4) {
      const v128_t s = wasm_v128_load(step + ch);
      const v128_t level = level4(wasm_f32x4_div(wasm_v128_load(x + base + ch), s), lov, hiv);
      wasm_v128_store(q + base + ch, wasm_f32x4_mul(level, s));
    }
    for (; ch < c; ch++) q[base + ch] = level1(x[base + ch] / step[ch], lo, hi) * step[ch];
  }
}

// LSQ backward with v = x/s: dx = dy where lo <= v <= hi, else 0;
// sums[ch] (doubles) = sum of dy*(level - v) inside the range, dy*level
// outside it (the step gradient before its scale); partial: c floats.
void lsq_backward(const float *dy, const float *x, const float *step, float *dx, double *sums, float *partial,
                  int rows, int c, float lo, float hi) {
  zero(partial, sums, c);
  const int c4 = c & ~3;
  const v128_t lov = wasm_f32x4_splat(lo), hiv = wasm_f32x4_splat(hi);
  for (int p = 0; p < rows; p++) {
    const size_t base = (size_t)p * c;
    int ch = 0;
    for (; ch < c4; ch += 4) {
      const v128_t v = wasm_f32x4_div(wasm_v128_load(x + base + ch), wasm_v128_load(step + ch));
      const v128_t inside = wasm_v128_and(wasm_f32x4_ge(v, lov), wasm_f32x4_le(v, hiv));
      const v128_t g = wasm_v128_load(dy + base + ch);
      wasm_v128_store(dx + base + ch, wasm_v128_and(g, inside));
      const v128_t local = wasm_f32x4_sub(level4(v, lov, hiv), wasm_v128_and(v, inside));
      wasm_v128_store(partial + ch, wasm_f32x4_add(wasm_v128_load(partial + ch), wasm_f32x4_mul(g, local)));
    }
    for (; ch < c; ch++) {
      const float v = x[base + ch] / step[ch];
      const int inside = v >= lo && v <= hi;
      const float g = dy[base + ch];
      dx[base + ch] = inside ? g : 0.f;
      partial[ch] += g * (level1(v, lo, hi) - (inside ? v : 0.f));
    }
    if (p % FLUSH_ROWS == FLUSH_ROWS - 1) flush(partial, sums, c);
  }
  flush(partial, sums, c);
}
