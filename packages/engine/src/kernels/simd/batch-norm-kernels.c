// Batch-norm and optimizer passes (rules: see conv-gradient-kernels.c).
#include "training-kernels.h"

// Per-channel sums over the rows of a [pixels, c] tensor:
// sums[0..c) = sum x, sums[c..2c) = sum x*x (doubles); partial: 2*c floats.
void channel_sums(const float *x, double *sums, float *partial, int pixels, int c) {
  zero(partial, sums, 2 * c);
  const int c4 = c & ~3;
  for (int p = 0; p < pixels; p++) {
    const float *row = x + (size_t)p * c;
    int ch = 0;
    for (; ch < c4; ch += 4) {
      v128_t v = wasm_v128_load(row + ch);
      wasm_v128_store(partial + ch, wasm_f32x4_add(wasm_v128_load(partial + ch), v));
      wasm_v128_store(partial + c + ch, wasm_f32x4_add(wasm_v128_load(partial + c + ch), wasm_f32x4_mul(v, v)));
    }
    for (; ch < c; ch++) {
      partial[ch] += row[ch];
      partial[c + ch] += row[ch] * row[ch];
    }
    if (p % FLUSH_ROWS == FLUSH_ROWS - 1) flush(partial, sums, 2 * c);
  }
  flush(partial, sums, 2 * c);
}

// Batch-norm backward, pass 1: g = dy (times y > 0 when relu), written to
// gout (which may alias dy), and sums[0..c) = sum g, sums[c..2c) = sum g*x
// (doubles); partial: 2*c floats.
void bn_grad_sums(const float *dy, const float *y, const float *x, float *gout, double *sums, float *partial,
                  int pixels, int c, int relu) {
  zero(partial, sums, 2 * c);
  const int c4 = c & ~3;
  const v128_t zerov = wasm_f32x4_splat(0.f);
  for (int p = 0; p < pixels; p++) {
    const size_t base = (size_t)p * c;
    int ch = 0;
    for (; ch < c4; ch += 4) {
      v128_t g = wasm_v128_load(dy + base + ch);
      if (relu) g = wasm_v128_and(g, wasm_f32x4_gt(wasm_v128_load(y + base + ch), zerov));
      wasm_v128_store(gout + base + ch, g);
      wasm_v128_store(partial + ch, wasm_f32x4_add(wasm_v128_load(partial + ch), g));
      v128_t gx = wasm_f32x4_mul(g, wasm_v128_load(x + base + ch));
      wasm_v128_store(partial + c + ch, wasm_f32x4_add(wasm_v128_load(partial + c + ch), gx));
    }
    for (; ch < c; ch++) {
      float g = dy[base + ch];
      if (relu && !(y[base + ch] > 0.f)) g = 0.f;
      gout[base + ch] = g;
      partial[ch] += g;
      partial[c + ch] += g * x[base + ch];
    }
    if (p % FLUSH_ROWS == FLUSH_ROWS - 1) flush(partial, sums, 2 * c);
  }
  flush(partial, sums, 2 * c);
}
// Batch-norm backward, pass 2: dx = g*k1 + x*k2 + k3 per channel, where
// coef holds k1, k2, k3 (3*c floats).
void bn_grad_apply(const float *g, const float *x, const float *coef, float *dx, int pixels, int c) {
  const int c4 = c & ~3;
  for (int p = 0; p < pixels; p++) {
    const size_t base = (size_t)p * c;
    int ch = 0;
    for (; ch < c4; ch += 4) {
      v128_t v = wasm_f32x4_mul(wasm_v128_load(g + base + ch), wasm_v128_load(coef + ch));
      v = wasm_f32x4_add(v, wasm_f32x4_mul(wasm_v128_load(x + base + ch), wasm_v128_load(coef + c + ch)));
      wasm_v128_store(dx + base + ch, wasm_f32x4_add(v, wasm_v128_load(coef + 2 * c + ch)));
    }
    for (; ch < c; ch++) dx[base + ch] = g[base + ch] * coef[ch] + x[base + ch] * coef[c + ch] + coef[2 * c + ch];
  }
}

// y = x*coef[0..c) + coef[c..2c) per channel, then max(y, 0) when relu
// (batch-norm apply): one pass, where XNNPACK's 1x1 depthwise conv is slower.
void scale_shift(const float *x, const float *coef, float *y, int pixels, int c, int relu) {
  const int c4 = c & ~3;
  const v128_t zerov = wasm_f32x4_splat(0.f);
  for (int p = 0; p < pixels; p++) {
    const size_t base = (size_t)p * c;
    int ch = 0;
    for (; ch < c4; ch += 4) {
      v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(x + base + ch), wasm_v128_load(coef + ch)),
                                wasm_v128_load(coef + c + ch));
      if (relu) v = wasm_f32x4_max(v, zerov);
      wasm_v128_store(y + base + ch, v);
    }
    for (; ch < c; ch++) {
      float v = x[base + ch] * coef[ch] + coef[c + ch];
      y[base + ch] = relu && v < 0.f ? 0.f : v;
    }
  }
}

// SGD with momentum, PyTorch's form, into new buffers, in the order of
// SgdNesterov's tf ops (packages/search) so results match them bit for bit:
// g' = g*scale (scale != 1) + w*wd (wd != 0); v' = v*m + g';
// step = nesterov ? g' + v'*m : v'; w' = w - step*lr, then within
// [w/2, 2w] when bounded (positive parameters such as LSQ steps).
void sgd_momentum(const float *w, const float *v, const float *g, float *w_out, float *v_out, int count, float lr,
                  float m, float wd, float scale, int nesterov, int bounded) {
  const int c4 = count & ~3;
  const v128_t lrv = wasm_f32x4_splat(lr), mv = wasm_f32x4_splat(m), wdv = wasm_f32x4_splat(wd);
  const v128_t scalev = wasm_f32x4_splat(scale), half = wasm_f32x4_splat(0.5f), two = wasm_f32x4_splat(2.f);
  int i = 0;
  for (; i < c4; i += 4) {
    const v128_t wi = wasm_v128_load(w + i);
    v128_t gi = wasm_v128_load(g + i);
    if (scale != 1.f) gi = wasm_f32x4_mul(gi, scalev);
    if (wd != 0.f) gi = wasm_f32x4_add(gi, wasm_f32x4_mul(wi, wdv));
    const v128_t nv = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), mv), gi);
    wasm_v128_store(v_out + i, nv);
    const v128_t step = nesterov ? wasm_f32x4_add(gi, wasm_f32x4_mul(nv, mv)) : nv;
    v128_t next = wasm_f32x4_sub(wi, wasm_f32x4_mul(step, lrv));
    if (bounded) next = wasm_f32x4_min(wasm_f32x4_max(next, wasm_f32x4_mul(wi, half)), wasm_f32x4_mul(wi, two));
    wasm_v128_store(w_out + i, next);
  }
  for (; i < count; i++) {
    float gi = g[i];
    if (scale != 1.f) gi = gi * scale;
    if (wd != 0.f) gi = gi + w[i] * wd;
    const float nv = v[i] * m + gi;
    v_out[i] = nv;
    const float step = nesterov ? gi + nv * m : nv;
    float next = w[i] - step * lr;
    if (bounded) {
      const float lo = w[i] * 0.5f, hi = w[i] * 2.f;
      next = next < lo ? lo : next;
      next = next > hi ? hi : next;
    }
    w_out[i] = next;
  }
}
