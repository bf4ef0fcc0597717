// SIMD kernels that tfjs-backend-wasm lacks or runs slowly, compiled to a
// tiny wasm module that imports the tfjs module's own memory, so it reads and
// writes tensors in place (pointers are byte offsets into that heap).
//
// Rules that keep these safe inside someone else's memory: no stack arrays,
// no globals, no static data, no libc, no allocation. Every buffer is
// allocated by tfjs and passed in. Build: build-training-kernels.sh.

#include "training-kernels.h"

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

enum { PIXEL_CHUNK = 256 };

// dW[ky, kx, i, o] = sum over n, oy, ox of x[n, iy, ix, i] * dy[n, oy, ox, o]
// with iy = oy*sh + ky - pt, ix = ox*sw + kx - pl (regular conv2d filter
// gradient, NHWC, filter [kh, kw, ci, co]). `out` (kh*kw*ci*co floats) is
// overwritten; `rows` is scratch for PIXEL_CHUNK ints. Why our own: XNNPACK
// packs the second operand of every matMul/conv, and for a weight gradient
// that operand is an activation-sized tensor (~50 ms per call), while this
// streams x and dy once per 4x8 register tile, 256 pixels at a time.
void conv_filter_grad(const float *x, const float *dy, float *out, int *rows, int n, int h, int w, int ci, int ho,
                      int wo, int co, int kh, int kw, int sh, int sw, int pt, int pl) {
  const int taps = kh * kw;
  for (int i = 0; i < taps * ci * co; i++) out[i] = 0.f;
  const int pixels = n * ho * wo;
  for (int start = 0; start < pixels; start += PIXEL_CHUNK) {
    const int end = start + PIXEL_CHUNK < pixels ? start + PIXEL_CHUNK : pixels;
    for (int ky = 0; ky < kh; ky++) {
      for (int kx = 0; kx < kw; kx++) {
        // rows[j]: input pixel read by output pixel start+j for this tap, or -1.
        int count = 0;
        for (int q = start; q < end; q++) {
          const int ox = q % wo;
          const int oy = (q / wo) % ho;
          const int b = q / (wo * ho);
          const int iy = oy * sh + ky - pt;
          const int ix = ox * sw + kx - pl;
          rows[q - start] = (iy < 0 || iy >= h || ix < 0 || ix >= w) ? -1 : (b * h + iy) * w + ix;
          count++;
        }
        float *tap = out + (size_t)(ky * kw + kx) * ci * co;
        int o = 0;
        for (; o + 8 <= co; o += 8) {
          int i = 0;
          for (; i + 4 <= ci; i += 4) {
            v128_t a00 = wasm_f32x4_splat(0.f), a01 = a00, a10 = a00, a11 = a00;
            v128_t a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            for (int j = 0; j < count; j++) {
              const int r = rows[j];
              if (r < 0) continue;
              const float *xr = x + (size_t)r * ci + i;
              const float *gr = dy + (size_t)(start + j) * co + o;
              const v128_t g0 = wasm_v128_load(gr), g1 = wasm_v128_load(gr + 4);
              v128_t v = wasm_f32x4_splat(xr[0]);
              a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(v, g0));
              a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(v, g1));
              v = wasm_f32x4_splat(xr[1]);
              a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(v, g0));
              a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(v, g1));
              v = wasm_f32x4_splat(xr[2]);
              a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(v, g0));
              a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(v, g1));
              v = wasm_f32x4_splat(xr[3]);
              a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(v, g0));
              a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(v, g1));
            }
            float *t = tap + (size_t)i * co + o;
            wasm_v128_store(t, wasm_f32x4_add(wasm_v128_load(t), a00));
            wasm_v128_store(t + 4, wasm_f32x4_add(wasm_v128_load(t + 4), a01));
            t += co;
            wasm_v128_store(t, wasm_f32x4_add(wasm_v128_load(t), a10));
            wasm_v128_store(t + 4, wasm_f32x4_add(wasm_v128_load(t + 4), a11));
            t += co;
            wasm_v128_store(t, wasm_f32x4_add(wasm_v128_load(t), a20));
            wasm_v128_store(t + 4, wasm_f32x4_add(wasm_v128_load(t + 4), a21));
            t += co;
            wasm_v128_store(t, wasm_f32x4_add(wasm_v128_load(t), a30));
            wasm_v128_store(t + 4, wasm_f32x4_add(wasm_v128_load(t + 4), a31));
          }
          for (; i < ci; i++) {
            v128_t a0 = wasm_f32x4_splat(0.f), a1 = a0;
            for (int j = 0; j < count; j++) {
              const int r = rows[j];
              if (r < 0) continue;
              const v128_t v = wasm_f32x4_splat(x[(size_t)r * ci + i]);
              const float *gr = dy + (size_t)(start + j) * co + o;
              a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(v, wasm_v128_load(gr)));
              a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(v, wasm_v128_load(gr + 4)));
            }
            float *t = tap + (size_t)i * co + o;
            wasm_v128_store(t, wasm_f32x4_add(wasm_v128_load(t), a0));
            wasm_v128_store(t + 4, wasm_f32x4_add(wasm_v128_load(t + 4), a1));
          }
        }
        // Remaining output channels (co not a multiple of 8): scalar.
        for (; o < co; o++) {
          for (int i = 0; i < ci; i++) {
            float a = 0.f;
            for (int j = 0; j < count; j++) {
              const int r = rows[j];
              if (r >= 0) a += x[(size_t)r * ci + i] * dy[(size_t)(start + j) * co + o];
            }
            tap[(size_t)i * co + o] += a;
          }
        }
      }
    }
  }
}

// dx[n, iy, ix, c] = sum over taps with iy = oy*sh + ky - pt and
// ix = ox*sw + kx - pl of filter[ky, kx, c] * dy[n, oy, ox, c]
// (depthwise input gradient, multiplier 1, gathered per input pixel). For
// strided layers this skips the zeros that the dilate-then-convolve form
// multiplies (3/4 of its work at stride 2).
void dw_input_grad(const float *dy, const float *filter, float *dx, int n, int h, int w, int c, int ho, int wo, int kh,
                   int kw, int sh, int sw, int pt, int pl) {
  const int c4 = c & ~3;
  for (int b = 0; b < n; b++) {
    for (int iy = 0; iy < h; iy++) {
      for (int ix = 0; ix < w; ix++) {
        float *out = dx + (((size_t)b * h + iy) * w + ix) * c;
        for (int ch = 0; ch < c; ch++) out[ch] = 0.f;
        for (int ky = 0; ky < kh; ky++) {
          const int ty = iy + pt - ky;
          if (ty < 0 || ty % sh) continue;
          const int oy = ty / sh;
          if (oy >= ho) continue;
          for (int kx = 0; kx < kw; kx++) {
            const int tx = ix + pl - kx;
            if (tx < 0 || tx % sw) continue;
            const int ox = tx / sw;
            if (ox >= wo) continue;
            const float *g = dy + (((size_t)b * ho + oy) * wo + ox) * c;
            const float *f = filter + (size_t)(ky * kw + kx) * c;
            int ch = 0;
            for (; ch < c4; ch += 4) {
              v128_t v = wasm_f32x4_mul(wasm_v128_load(g + ch), wasm_v128_load(f + ch));
              wasm_v128_store(out + ch, wasm_f32x4_add(wasm_v128_load(out + ch), v));
            }
            for (; ch < c; ch++) out[ch] += g[ch] * f[ch];
          }
        }
      }
    }
  }
}
