/* Same-process A/B of two libdilate builds (see tools/ab.sh).
 *
 *   ab_harness LIB_A LIB_B OP K D BYTES [INNER [ROUNDS]]
 *
 * OP: expand, contract (dilate_expand / dilate_contract), plan-expand or
 * plan-contract (a dilate_plan made once per library, then
 * dilate_plan_expand / _contract per call).
 *
 * dlopens both libraries, checks that they produce the same bytes, then
 * times, round after round on the same buffers, the limit (memset of dst
 * for expand, memcpy of the expanded bytes for contract), A and B, with A
 * and B in alternating order; prints the medians, each build's ratio to the
 * limit and B / A. f32 (or the dtype in $AB_DTYPE: u8, u16, f32, f64), rank 2
 * (or $AB_RANK: 1, 2 or 3), K x ... x K kernels, dilation D on every axis,
 * `inner` elements per tap (1: OIHW, 64: HWIO-like), N chosen so the
 * expanded tensor is about BYTES. One thread. The ratios are this loop's own (single
 * calls, not the benchmark suite's batches): compare B / A, not its ratios
 * with the suite's. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include <dilate/dilate.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef dilate_status (*call_fn)(const dilate_desc*, const void*, size_t, void*, size_t,
                                 const dilate_options*);
typedef dilate_status (*plan_create_fn)(const dilate_desc*, uint32_t, dilate_plan**);
typedef dilate_status (*plan_call_fn)(const dilate_plan*, const void*, size_t, void*, size_t,
                                      const dilate_options*);

/* One library's entry point for the measured operation. */
typedef struct {
  call_fn call;       /* one-shot, or NULL */
  plan_call_fn plan_call;
  dilate_plan* plan;
} side;

static dilate_status run(const side* s, const dilate_desc* desc, const void* in, size_t in_bytes,
                         void* out, size_t out_bytes) {
  if (s->call != NULL) return s->call(desc, in, in_bytes, out, out_bytes, NULL);
  return s->plan_call(s->plan, in, in_bytes, out, out_bytes, NULL);
}

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int by_value(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static double median(double* v, int n) {
  qsort(v, (size_t)n, sizeof(double), by_value);
  return v[n / 2];
}

static void* alloc_or_die(size_t bytes) {
  void* p = aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (p == NULL) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  memset(p, 0, (bytes + 63) / 64 * 64);
  return p;
}

static void* symbol_or_die(void* lib, const char* path, const char* symbol) {
  void* f = dlsym(lib, symbol);
  if (f == NULL) {
    fprintf(stderr, "%s: no %s\n", path, symbol);
    exit(1);
  }
  return f;
}

/* Loads `path` and its entry point for `op` (a plan for desc, if a plan op). */
static side load(const char* path, int contract, int plan, const dilate_desc* desc,
                 const char* target) {
  void* lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "%s\n", dlerror());
    exit(1);
  }
  if (target != NULL && target[0] != '\0') {
    typedef dilate_status (*set_target_fn)(const char*);
    const set_target_fn set = (set_target_fn)symbol_or_die(lib, path, "dilate_set_target");
    if (set(target) != DILATE_OK) {
      fprintf(stderr, "%s: cannot use target %s\n", path, target);
      exit(1);
    }
  }
  side s = {NULL, NULL, NULL};
  if (!plan) {
    s.call = (call_fn)symbol_or_die(lib, path, contract ? "dilate_contract" : "dilate_expand");
    return s;
  }
  const plan_create_fn create = (plan_create_fn)symbol_or_die(lib, path, "dilate_plan_create");
  s.plan_call = (plan_call_fn)symbol_or_die(
      lib, path, contract ? "dilate_plan_contract" : "dilate_plan_expand");
  if (create(desc, 0, &s.plan) != DILATE_OK) {
    fprintf(stderr, "%s: dilate_plan_create failed\n", path);
    exit(1);
  }
  return s;
}

int main(int argc, char** argv) {
  if (argc < 7) {
    fprintf(stderr, "usage: %s LIB_A LIB_B OP K D BYTES [INNER [ROUNDS]]\n", argv[0]);
    return 2;
  }
  const char* op = argv[3];
  const int plan = strncmp(op, "plan-", 5) == 0;
  const char* base_op = plan ? op + 5 : op;
  const int contract = strcmp(base_op, "contract") == 0;
  if (!contract && strcmp(base_op, "expand") != 0) {
    fprintf(stderr, "OP must be expand, contract, plan-expand or plan-contract\n");
    return 2;
  }
  const unsigned long k = strtoul(argv[4], NULL, 10), d = strtoul(argv[5], NULL, 10);
  const unsigned long bytes = strtoul(argv[6], NULL, 10);
  const unsigned long inner = argc > 7 ? strtoul(argv[7], NULL, 10) : 1;
  const int rounds = argc > 8 ? atoi(argv[8]) : 3000;
  if (k == 0 || d == 0 || inner == 0 || rounds < 1) {
    fprintf(stderr, "K, D, INNER and ROUNDS must be positive\n");
    return 2;
  }
  const unsigned long l = k + (k - 1) * (d - 1);
  /* Element type: $AB_DTYPE (u8, u16, f32 or f64), f32 by default. */
  const char* dtype_name = getenv("AB_DTYPE") ? getenv("AB_DTYPE") : "f32";
  uint32_t dtype = DILATE_DTYPE_F32;
  unsigned long esize = 4;
  if (strcmp(dtype_name, "u8") == 0) {
    dtype = DILATE_DTYPE_U8;
    esize = 1;
  } else if (strcmp(dtype_name, "u16") == 0) {
    dtype = DILATE_DTYPE_U16;
    esize = 2;
  } else if (strcmp(dtype_name, "f64") == 0) {
    dtype = DILATE_DTYPE_F64;
    esize = 8;
  } else if (strcmp(dtype_name, "f32") != 0) {
    fprintf(stderr, "AB_DTYPE must be u8, u16, f32 or f64\n");
    return 2;
  }
  /* Rank: $AB_RANK (1, 2 or 3), 2 by default. */
  const int rank = getenv("AB_RANK") ? atoi(getenv("AB_RANK")) : 2;
  if (rank < 1 || rank > 3) {
    fprintf(stderr, "AB_RANK must be 1, 2 or 3\n");
    return 2;
  }
  unsigned long kk = 1, ll = 1; /* K^rank, L^rank */
  for (int i = 0; i < rank; ++i) kk *= k, ll *= l;
  unsigned long n = bytes / (ll * inner * esize);
  if (n == 0) n = 1;

  dilate_desc desc;
  memset(&desc, 0, sizeof desc);
  desc.struct_size = sizeof desc;
  desc.dtype = dtype;
  desc.rank = (uint32_t)rank;
  desc.outer = n;
  desc.inner = inner;
  for (int i = 0; i < rank; ++i) {
    desc.src_dims[i] = k;
    desc.dilation[i] = d;
  }
  /* $AB_FILL: a non-zero fill, every byte of the element that value
   * (0-255); zero fill by default. */
  if (getenv("AB_FILL")) memset(desc.fill, atoi(getenv("AB_FILL")) & 0xFF, esize);
  /* $AB_TARGET_A / $AB_TARGET_B: a target forced on that side (dilate_set_target). */
  const side sa = load(argv[1], contract, plan, &desc, getenv("AB_TARGET_A"));
  const side sb = load(argv[2], contract, plan, &desc, getenv("AB_TARGET_B"));
  const size_t src_bytes = n * kk * inner * esize, dst_bytes = n * ll * inner * esize;
  const size_t in_bytes = contract ? dst_bytes : src_bytes;
  const size_t out_bytes = contract ? src_bytes : dst_bytes;
  unsigned char* in = alloc_or_die(in_bytes);
  unsigned char* out = alloc_or_die(out_bytes);
  unsigned char* ref = alloc_or_die(out_bytes);
  unsigned char* scratch = alloc_or_die(dst_bytes);
  for (size_t i = 0; i < in_bytes; ++i) in[i] = (unsigned char)(i * 2654435761u >> 13);

  if (run(&sa, &desc, in, in_bytes, ref, out_bytes) != DILATE_OK ||
      run(&sb, &desc, in, in_bytes, out, out_bytes) != DILATE_OK) {
    fprintf(stderr, "a call failed\n");
    return 1;
  }
  if (memcmp(ref, out, out_bytes) != 0) {
    printf("MISMATCH: A and B write different bytes\n");
    // AB_ALLOW_MISMATCH=1: time them anyway (a deliberately wrong build
    // that bounds what a change could gain).
    const char* allow = getenv("AB_ALLOW_MISMATCH");
    if (allow == NULL || strcmp(allow, "1") != 0) return 1;
  }
  double* t_limit = malloc(sizeof(double) * (size_t)rounds);
  double* t_a = malloc(sizeof(double) * (size_t)rounds);
  double* t_b = malloc(sizeof(double) * (size_t)rounds);
  if (t_limit == NULL || t_a == NULL || t_b == NULL) return 1;
  // AB_REPS calls per timed sample (default 1): small calls take a few
  // clock ticks of this VM (10 ns steps), so time them in batches.
  const int reps = getenv("AB_REPS") ? atoi(getenv("AB_REPS")) : 1;
  if (reps < 1) return 2;
  for (int r = 0; r < rounds; ++r) {
    const double t0 = now_ns();
    for (int i = 0; i < reps; ++i) {
      if (contract) {
        memcpy(scratch, in, dst_bytes);
      } else {
        memset(out, 0, dst_bytes);
      }
    }
    const double t1 = now_ns();
    const side* first = (r & 1) ? &sa : &sb;
    const side* second = (r & 1) ? &sb : &sa;
    for (int i = 0; i < reps; ++i) run(first, &desc, in, in_bytes, out, out_bytes);
    const double t2 = now_ns();
    for (int i = 0; i < reps; ++i) run(second, &desc, in, in_bytes, out, out_bytes);
    const double t3 = now_ns();
    t_limit[r] = (t1 - t0) / reps;
    t_a[r] = ((r & 1) ? t2 - t1 : t3 - t2) / reps;
    t_b[r] = ((r & 1) ? t3 - t2 : t2 - t1) / reps;
  }
  const double ml = median(t_limit, rounds), ma = median(t_a, rounds), mb = median(t_b, rounds);
  printf(
      "%s %s %d-D K%lu D%lu inner %lu N %lu, %zu bytes expanded: %s %.0f ns, A %.0f ns (%.2fx), "
      "B %.0f ns (%.2fx), B/A %.3f\n",
      op, dtype_name, rank, k, d, inner, n, dst_bytes, contract ? "memcpy" : "memset", ml, ma,
      ml / ma, mb, ml / mb, mb / ma);
  free(t_limit);
  free(t_a);
  free(t_b);
  free(in);
  free(out);
  free(ref);
  free(scratch);
  return 0;
}
