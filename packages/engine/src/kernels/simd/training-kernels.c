// SIMD kernels that tfjs-backend-wasm lacks or runs slowly, compiled to a
// tiny wasm module that imports the tfjs module's own memory, so it reads and
// writes tensors in place (pointers are byte offsets into that heap).
//
// Rules that keep this safe inside someone else's memory: no stack arrays,
// no globals, no static data, no libc, no allocation. Every buffer is
// allocated by tfjs and passed in. Build: build-training-kernels.sh.
#include <wasm_simd128.h>

typedef __SIZE_TYPE__ size_t;

enum { FLUSH_ROWS = 64 };

// total[i] += partial[i] (as doubles) and partial[i] = 0, for i < count.
// Float32 partial sums over a few dozen rows, float64 across blocks: the
// precision of a float64 accumulation at nearly float32 speed.
static void flush(float *partial, double *total, int count) {
  for (int i = 0; i < count; i++) {
    total[i] += partial[i];
    partial[i] = 0.f;
  }
}

static void zero(float *partial, double *total, int count) {
  for (int i = 0; i < count; i++) {
    partial[i] = 0.f;
    total[i] = 0.0;
  }
}

// dW[t, c] = sum over n, oy, ox of x[n, iy, ix, c] * dy[n, oy, ox, c]
// (depthwise filter gradient, channel multiplier 1; t = ky*kw + kx,
// iy = oy*sh + ky - pt, ix = ox*sw + kx - pl). `out` gets kh*kw*c floats;
// `partial` (kh*kw*c floats) and `total` (kh*kw*c doubles) are scratch.
// Channels are the contiguous axis in NHWC: the inner loop is 4-wide SIMD.
void dw_filter_grad(const float *x, const float *dy, float *out, float *partial, double *total, int n, int h, int w,
                    int c, int ho, int wo, int kh, int kw, int sh, int sw, int pt, int pl) {
  const int count = kh * kw * c;
  zero(partial, total, count);
  const int c4 = c & ~3;
  for (int b = 0; b < n; b++) {
    for (int oy = 0; oy < ho; oy++) {
      for (int ky = 0; ky < kh; ky++) {
        const int iy = oy * sh + ky - pt;
        if (iy < 0 || iy >= h) continue;
        for (int ox = 0; ox < wo; ox++) {
          const float *g = dy + (((size_t)b * ho + oy) * wo + ox) * c;
          for (int kx = 0; kx < kw; kx++) {
            const int ix = ox * sw + kx - pl;
            if (ix < 0 || ix >= w) continue;
            const float *xv = x + (((size_t)b * h + iy) * w + ix) * c;
            float *acc = partial + (size_t)(ky * kw + kx) * c;
            int ch = 0;
            for (; ch < c4; ch += 4) {
              v128_t a = wasm_v128_load(acc + ch);
              a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(xv + ch), wasm_v128_load(g + ch)));
              wasm_v128_store(acc + ch, a);
            }
            for (; ch < c; ch++) acc[ch] += xv[ch] * g[ch];
          }
        }
      }
      if ((oy & 15) == 15) flush(partial, total, count);
    }
    flush(partial, total, count);
  }
  for (int i = 0; i < count; i++) out[i] = (float)total[i];
}

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
