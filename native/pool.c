/*
 * A small persistent thread pool. The calling thread is worker 0; the others
 * spin briefly after each job (so back-to-back kernels start fast) and then
 * sleep on a condition variable (so an idle process costs nothing).
 * One job at a time: a second caller (another JS thread) that finds the pool
 * busy simply runs its job on its own thread.
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
#define SPIN_NS 200000 /* how long an idle worker spins before sleeping */

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
static int started = 0;     /* worker threads running */
static atomic_int sleeping;
static atomic_long generation;
static atomic_int pending;

static long start_gen[POOL_MAX]; /* the generation current when worker i was created */
static tl_task job_fn;
static void *job_ctx;
static int job_n;

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void *worker(void *arg) {
  int id = (int)(intptr_t)arg; /* 1 .. */
  long seen = start_gen[id];
  for (;;) {
    /* wait for a new generation: spin, then sleep */
    int64_t t0 = now_ns();
    int spins = 0;
    while (atomic_load(&generation) == seen) {
      CPU_RELAX();
      if (++spins % 256 == 0 && now_ns() - t0 > SPIN_NS) {
        pthread_mutex_lock(&sleep_lock);
        atomic_fetch_add(&sleeping, 1);
        while (atomic_load(&generation) == seen) pthread_cond_wait(&wake, &sleep_lock);
        atomic_fetch_sub(&sleeping, 1);
        pthread_mutex_unlock(&sleep_lock);
      }
    }
    seen = atomic_load(&generation);
    /* Every worker acknowledges every job, so none can lag into the next one. */
    if (id < job_n) job_fn(job_ctx, id, job_n);
    atomic_fetch_sub(&pending, 1);
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

static void start_workers(int n) {
  /* called with submit_lock held */
  while (started < n - 1) {
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    start_gen[started + 1] = atomic_load(&generation);
    int ok = pthread_create(&th, &attr, worker, (void *)(intptr_t)(started + 1)) == 0;
    pthread_attr_destroy(&attr);
    if (!ok) break;
    started++;
  }
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

int tl_threads_for(double work) {
  /* ~64k element-ops per extra thread pays for waking it */
  int n = tl_max_threads();
  double per = 65536.0;
  if (work < 2 * per) return 1;
  int k = (int)(work / per);
  return k < n ? k : n;
}

void tl_parallel(tl_task fn, void *ctx, int wanted) {
  pthread_once(&once, init_pool);
  int n = wanted < max_threads ? wanted : max_threads;
  if (n <= 1 || pthread_mutex_trylock(&submit_lock) != 0) {
    /* single thread, or the pool is busy with another JS thread's job */
    fn(ctx, 0, 1);
    return;
  }
  start_workers(n);
  if (n > started + 1) n = started + 1;
  if (n <= 1) {
    pthread_mutex_unlock(&submit_lock);
    fn(ctx, 0, 1);
    return;
  }
  job_fn = fn;
  job_ctx = ctx;
  job_n = n;
  atomic_store(&pending, started);
  atomic_fetch_add(&generation, 1); /* publishes the job (seq_cst) */
  if (atomic_load(&sleeping) > 0) {
    pthread_mutex_lock(&sleep_lock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&sleep_lock);
  }
  fn(ctx, 0, n);
  int spins = 0;
  while (atomic_load(&pending) > 0) {
    CPU_RELAX();
    if (++spins > 4096) sched_yield();
  }
  pthread_mutex_unlock(&submit_lock);
}

void tl_barrier_init(tl_barrier *b, int n) {
  b->count = 0;
  b->phase = 0;
  b->n = n;
}

void tl_barrier_wait(tl_barrier *b) {
  if (b->n <= 1) return;
  int phase = __atomic_load_n(&b->phase, __ATOMIC_ACQUIRE);
  if (__atomic_add_fetch(&b->count, 1, __ATOMIC_ACQ_REL) == b->n) {
    __atomic_store_n(&b->count, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&b->phase, phase + 1, __ATOMIC_RELEASE);
    return;
  }
  int spins = 0;
  while (__atomic_load_n(&b->phase, __ATOMIC_ACQUIRE) == phase) {
    CPU_RELAX();
    if (++spins > 4096) sched_yield();
  }
}
