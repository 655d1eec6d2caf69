/*
 * A small persistent thread pool with dynamic chunking. The calling thread
 * works too; the others spin briefly after each job (so back-to-back kernels
 * start fast) and then sleep on a condition variable (an idle process costs
 * nothing). Work is handed out in chunks claimed with one CAS on a word that
 * holds (job generation, chunk count, next chunk): a worker that wakes late,
 * or is descheduled on a busy machine, simply finds no chunk left, and the
 * caller never waits for a thread that has not started a chunk.
 * One job at a time: a second caller (another JS thread) that finds the pool
 * busy runs its job alone.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "torchlet.h"

#define POOL_MAX 64
#define SPIN_NS 100000 /* how long an idle worker spins before sleeping */
#define MAX_CHUNKS 65535

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t submit_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;

static int max_threads = 1; /* including the caller */
static int started = 0;     /* worker threads running (ids 1..started) */
static atomic_int sleeping;
static atomic_long wakeups; /* bumped per job so that spinning/sleeping workers look */

/* the job: written by the submitter before it publishes `claim` */
static _Atomic(tl_range_fn) job_fn;
static _Atomic(void *) job_ctx;
static atomic_llong job_n, job_grain;
static atomic_int job_threads;
/* generation << 32 | chunks << 16 | next chunk */
static _Atomic uint64_t claim;
static atomic_llong done; /* chunks finished in the current job */
static uint32_t generation;

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* claims and runs chunks until none is left; returns how many it ran */
static void work(int tid) {
  for (;;) {
    uint64_t v = atomic_load_explicit(&claim, memory_order_acquire);
    const uint64_t chunks = (v >> 16) & 0xffff, next = v & 0xffff;
    if (next >= chunks) return;
    /* read the job before claiming: if the claim succeeds, these belong to it
     * (the submitter rewrites them only after every chunk was claimed) */
    tl_range_fn fn = atomic_load_explicit(&job_fn, memory_order_relaxed);
    void *ctx = atomic_load_explicit(&job_ctx, memory_order_relaxed);
    const int64_t n = atomic_load_explicit(&job_n, memory_order_relaxed);
    const int64_t grain = atomic_load_explicit(&job_grain, memory_order_relaxed);
    const int threads = atomic_load_explicit(&job_threads, memory_order_relaxed);
    if (tid >= threads) return;
    if (!atomic_compare_exchange_weak_explicit(&claim, &v, v + 1, memory_order_acq_rel, memory_order_acquire))
      continue;
    const int64_t b = (int64_t)next * grain;
    const int64_t e = b + grain < n ? b + grain : n;
    fn(ctx, b, e, tid);
    atomic_fetch_add_explicit(&done, 1, memory_order_release);
  }
}

static void *worker(void *arg) {
  const int id = (int)(intptr_t)arg;
  long seen = atomic_load(&wakeups);
  for (;;) {
    int64_t t0 = now_ns();
    int spins = 0;
    while (atomic_load(&wakeups) == seen) {
      CPU_RELAX();
      if (++spins % 256 == 0 && now_ns() - t0 > SPIN_NS) {
        pthread_mutex_lock(&sleep_lock);
        atomic_fetch_add(&sleeping, 1);
        while (atomic_load(&wakeups) == seen) pthread_cond_wait(&wake, &sleep_lock);
        atomic_fetch_sub(&sleeping, 1);
        pthread_mutex_unlock(&sleep_lock);
      }
    }
    seen = atomic_load(&wakeups);
    work(id);
  }
  return NULL;
}

static void init_pool(void) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  const char *env = getenv("TORCHLET_NUM_THREADS");
  if (env && atoi(env) > 0) cpus = atoi(env);
  if (cpus < 1) cpus = 1;
  if (cpus > POOL_MAX) cpus = POOL_MAX;
  max_threads = (int)cpus;
}

int tl_max_threads(void) {
  pthread_once(&once, init_pool);
  return max_threads;
}

void tl_set_max_threads(int n) {
  pthread_once(&once, init_pool);
  if (n < 1) n = 1;
  if (n > POOL_MAX) n = POOL_MAX;
  max_threads = n;
}

int tl_threads_for(double work_units) {
  /* ~32k element-ops per extra thread pays for waking it */
  const double per = 32768.0;
  int n = tl_max_threads();
  if (work_units < 2 * per) return 1;
  double k = work_units / per;
  return k < n ? (int)k : n;
}

void tl_parallel_for(int64_t n, int64_t grain, int threads, tl_range_fn fn, void *ctx) {
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  pthread_once(&once, init_pool);
  if (threads > max_threads) threads = max_threads;
  int64_t chunks = (n + grain - 1) / grain;
  if (chunks > MAX_CHUNKS) {
    grain = (n + MAX_CHUNKS - 1) / MAX_CHUNKS;
    chunks = (n + grain - 1) / grain;
  }
  if (threads <= 1 || chunks <= 1 || pthread_mutex_trylock(&submit_lock) != 0) {
    fn(ctx, 0, n, 0);
    return;
  }
  while (started < threads - 1 && started < POOL_MAX - 1) {
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    const int ok = pthread_create(&th, &attr, worker, (void *)(intptr_t)(started + 1)) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) break;
    started++;
  }
  atomic_store_explicit(&job_fn, fn, memory_order_relaxed);
  atomic_store_explicit(&job_ctx, ctx, memory_order_relaxed);
  atomic_store_explicit(&job_n, n, memory_order_relaxed);
  atomic_store_explicit(&job_grain, grain, memory_order_relaxed);
  atomic_store_explicit(&job_threads, threads, memory_order_relaxed);
  atomic_store_explicit(&done, 0, memory_order_relaxed);
  generation++;
  atomic_store_explicit(&claim, (uint64_t)generation << 32 | (uint64_t)chunks << 16, memory_order_release);
  atomic_fetch_add(&wakeups, 1);
  if (atomic_load(&sleeping) > 0) {
    pthread_mutex_lock(&sleep_lock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&sleep_lock);
  }
  work(0);
  /* every chunk is claimed; wait for the ones still running elsewhere */
  int spins = 0;
  while (atomic_load_explicit(&done, memory_order_acquire) < chunks) {
    CPU_RELAX();
    if (++spins > 2048) sched_yield();
  }
  pthread_mutex_unlock(&submit_lock);
}
