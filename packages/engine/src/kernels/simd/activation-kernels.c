// Elementwise activation passes (rules: see conv-gradient-kernels.c):
// h-swish, h-sigmoid and ReLU6, forward and backward, one pass each where
// the tf-op composites take 3-4 ops forward and ~6 backward.
//
// Results must equal those composites bit for bit, so the arithmetic keeps
// their order: h = min(max(x + 3, 0), 6) / 6 (a true division), y = x * h;
// ReLU6's gradient mask is 0 < z <= 6 (tfjs: step(z) * (z <= 6)).
#include "training-kernels.h"

enum { HSWISH = 0, HSIGMOID = 1, RELU6 = 2 };

static inline v128_t relu6_4(v128_t z) {
  return wasm_f32x4_min(wasm_f32x4_max(z, wasm_f32x4_splat(0.f)), wasm_f32x4_splat(6.f));
}

static inline float relu6_1(float z) {
  const float r = z > 0.f ? z : 0.f;
  return r < 6.f ? r : 6.f;
}

static inline v128_t inside4(v128_t z) {
  return wasm_v128_and(wasm_f32x4_gt(z, wasm_f32x4_splat(0.f)), wasm_f32x4_le(z, wasm_f32x4_splat(6.f)));
}

static inline v128_t forward4(v128_t x, int kind) {
  if (kind == RELU6) return relu6_4(x);
  const v128_t h = wasm_f32x4_div(relu6_4(wasm_f32x4_add(x, wasm_f32x4_splat(3.f))), wasm_f32x4_splat(6.f));
  return kind == HSIGMOID ? h : wasm_f32x4_mul(x, h);
}

static inline float forward1(float x, int kind) {
  if (kind == RELU6) return relu6_1(x);
  const float h = relu6_1(x + 3.f) / 6.f;
  return kind == HSIGMOID ? h : x * h;
}

// h-swish: dx = dy*h + (dy*x/6)*[0 < x+3 <= 6]; h-sigmoid: dx = (dy/6)*[0 < x+3 <= 6];
// ReLU6: dx = dy*[0 < x <= 6].
static inline v128_t backward4(v128_t g, v128_t x, int kind) {
  if (kind == RELU6) return wasm_v128_and(g, inside4(x));
  const v128_t six = wasm_f32x4_splat(6.f);
  const v128_t z = wasm_f32x4_add(x, wasm_f32x4_splat(3.f));
  if (kind == HSIGMOID) return wasm_v128_and(wasm_f32x4_div(g, six), inside4(z));
  const v128_t h = wasm_f32x4_div(relu6_4(z), six);
  const v128_t through = wasm_v128_and(wasm_f32x4_div(wasm_f32x4_mul(g, x), six), inside4(z));
  return wasm_f32x4_add(wasm_f32x4_mul(g, h), through);
}

static inline float backward1(float g, float x, int kind) {
  if (kind == RELU6) return x > 0.f && x <= 6.f ? g : 0.f;
  const float z = x + 3.f;
  const int inside = z > 0.f && z <= 6.f;
  if (kind == HSIGMOID) return inside ? g / 6.f : 0.f;
  return g * (relu6_1(z) / 6.f) + (inside ? g * x / 6.f : 0.f);
}

void act_forward(const float *x, float *y, int count, int kind) {
  const int c4 = count & ~3;
  int i = 0;
  for (; i < c4; i += 4) wasm_v128_store(y + i, forward4(wasm_v128_load(x + i), kind));
  for (; i < count; i++) y[i] = forward1(x[i], kind);
}

void act_backward(const float *dy, const float *x, float *dx, int count, int kind) {
  const int c4 = count & ~3;
  int i = 0;
  for (; i < c4; i += 4) wasm_v128_store(dx + i, backward4(wasm_v128_load(dy + i), wasm_v128_load(x + i), kind));
  for (; i < count; i++) dx[i] = backward1(dy[i], x[i], kind);
}
