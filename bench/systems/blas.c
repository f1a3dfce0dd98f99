/*
 * The BLAS rate from C, for `npm run bench`: OpenBLAS's cblas_sgemm called directly (no framework),
 * the ceiling a framework linking the same library can approach.
 *
 *   gcc -O2 bench/systems/blas.c -o blas-bench -lopenblas && ./blas-bench THREADS SECONDS
 *
 * Prints JSON: GFLOP/s for square n×n·n×n products (n = 256, 1024; median of runs of >= 0.2 s
 * each), and the time of the five GEMMs of one W1 training step at batch 128 (Keras layout
 * x[128,784]·W1[784,512] …), which bounds W1 throughput from above for any framework on this BLAS.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static float *randm(size_t n) {
  float *p = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++) p[i] = (float)rand() / RAND_MAX - 0.5f;
  return p;
}

/* C[m,n] = op(A)·op(B), row-major, as a framework's matmul(a, b, transposeA, transposeB) calls it. */
static void gemm(int ta, int tb, int m, int n, int k, const float *a, const float *b, float *c) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k,
              1.0f, a, ta ? m : k, b, tb ? k : n, 0.0f, c, n);
}

/* One W1 training step's GEMMs: forward h = x·W1, z = h·W2; backward dW2 = hᵀ·dz,
 * dh = dz·W2ᵀ, dW1 = xᵀ·dh (no dx for the input layer). */
static float *x, *w1, *w2, *h, *z, *dz, *dw2, *dh, *dw1;
static void w1_step(void) {
  gemm(0, 0, 128, 512, 784, x, w1, h);
  gemm(0, 0, 128, 10, 512, h, w2, z);
  gemm(1, 0, 512, 10, 128, h, dz, dw2);
  gemm(0, 1, 128, 512, 10, dz, w2, dh);
  gemm(1, 0, 784, 512, 128, x, dh, dw1);
}

static double median_rate(void (*fn)(void *), void *arg, double flops, double seconds) {
  for (int i = 0; i < 3; i++) fn(arg);
  double t0 = now();
  fn(arg);
  double one = now() - t0;
  int per = one > 0.2 ? 1 : (int)(0.2 / (one > 1e-7 ? one : 1e-7)) + 1;
  double rates[4096];
  int runs = 0;
  double start = now();
  while (runs < 3 || (now() - start < seconds && runs < 4096)) {
    double t = now();
    for (int i = 0; i < per; i++) fn(arg);
    rates[runs++] = flops * per / ((now() - t) * 1e9);
  }
  qsort(rates, runs, sizeof(double), cmp);
  return runs % 2 ? rates[runs / 2] : (rates[runs / 2 - 1] + rates[runs / 2]) / 2;
}

struct sq { int n; float *a, *b, *c; };
static void sq_call(void *p) {
  struct sq *s = p;
  gemm(0, 0, s->n, s->n, s->n, s->a, s->b, s->c);
}
static void w1_call(void *p) { (void)p; w1_step(); }

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 2;
  double seconds = argc > 2 ? atof(argv[2]) : 2.0;
  openblas_set_num_threads(threads);
  printf("{\"system\": \"openblas-c\", \"threads\": %d, \"config\": \"%s\", \"matmul\": {", threads,
         openblas_get_config());
  int sizes[] = {256, 1024};
  for (int i = 0; i < 2; i++) {
    int n = sizes[i];
    struct sq s = {n, randm((size_t)n * n), randm((size_t)n * n), randm((size_t)n * n)};
    double r = median_rate(sq_call, &s, 2.0 * n * n * n, seconds);
    fprintf(stderr, "openblas-c sgemm %d: %.1f GFLOP/s\n", n, r);
    printf("%s\"%d\": {\"gflops\": %.3f}", i ? ", " : "", n, r);
    free(s.a), free(s.b), free(s.c);
  }
  x = randm(128 * 784), w1 = randm(784 * 512), w2 = randm(512 * 10), h = randm(128 * 512);
  z = randm(128 * 10), dz = randm(128 * 10), dw2 = randm(512 * 10), dh = randm(128 * 512);
  dw1 = randm(784 * 512);
  double flops = 2.0 * 128 * (784 * 512 + 512 * 10) + 2.0 * 784 * 512 * 128 + 2.0 * 2 * 512 * 10 * 128;
  double r = median_rate(w1_call, NULL, flops, seconds);
  fprintf(stderr, "openblas-c W1 step GEMMs: %.1f GFLOP/s = %.0f samples/s\n", r, r * 1e9 / flops * 128);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("}, \"w1Gemms\": {\"gflops\": %.3f, \"samplesPerSec\": %.1f}, \"cpuSeconds\": %.3f}\n", r,
         r * 1e9 / flops * 128,
         ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1e-6 * (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec));
  return 0;
}
