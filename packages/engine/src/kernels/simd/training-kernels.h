// Shared by the training kernels (see conv-gradient-kernels.c for the rules
// that keep them safe inside the tfjs heap).
#ifndef TRAINING_KERNELS_H
#define TRAINING_KERNELS_H
#include <wasm_simd128.h>

typedef __SIZE_TYPE__ size_t;

enum { FLUSH_ROWS = 64 };

// total[i] += partial[i] (as doubles) and partial[i] = 0, for i < count.
// Float32 partial sums over a few dozen rows, float64 across blocks: the
// precision of a float64 accumulation at nearly float32 speed.
static inline void flush(float *partial, double *total, int count) {
  for (int i = 0; i < count; i++) {
    total[i] += partial[i];
    partial[i] = 0.f;
  }
}

static inline void zero(float *partial, double *total, int count) {
  for (int i = 0; i < count; i++) {
    partial[i] = 0.f;
    total[i] = 0.0;
  }
}

#endif
