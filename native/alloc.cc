/*
 * A caching allocator for large tensor storages (PyTorch's idea, on the host).
 *
 * Why: a fresh multi-megabyte ArrayBuffer costs page faults plus zeroing on
 * every allocation, several times the cost of the kernel that fills it. Here
 * freed blocks go back to a pool bucketed by rounded size and are handed out
 * again while their pages are still mapped (and usually still in cache).
 *
 * Why V8's C++ API and not Node-API: napi_create_external_arraybuffer defers
 * its finalizer to the event loop, so a synchronous training loop would never
 * get a block back. v8::ArrayBuffer::NewBackingStore's deleter runs when V8
 * frees the backing store (possibly on a GC background thread, hence the
 * mutex), and V8 counts those bytes as external memory, so growing allocation
 * pressure triggers GCs by itself. A block is reused only after V8 called its
 * deleter, i.e. after no ArrayBuffer can reach it any more.
 *
 * The functions are Node-API callbacks registered by addon.c; the ArrayBuffer
 * goes back to JS as a napi_value, which in Node is the address of the V8
 * handle (`reinterpret_cast<napi_value>(*local)`, as Node's own
 * v8impl::JsValueFromV8LocalValue does). test/native-alloc.test.ts checks it.
 */
#include <node_api.h>
#include <sys/mman.h>
#include <unistd.h>
#include <v8.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

constexpr size_t kAlign = 64;            // a cache line / an AVX-512 vector
constexpr size_t kMinClass = 4096;       // one page
constexpr size_t kHuge = size_t{2} << 20;  // a transparent huge page on x86-64 and arm64
constexpr size_t kMaxCap = size_t{1} << 30;  // cache at most 1 GiB ...
constexpr size_t kRamFraction = 8;       // ... and at most 1/8 of RAM

/* A cached block and when it was last handed out (a larger seq was written more recently). */
struct Block {
  void *p;
  uint64_t seq;
};

struct Pool {
  std::mutex mu;
  // size class -> blocks, ascending seq: V8 frees a GC's worth of buffers at
  // once, in no useful order; handing out the most recently written block
  // first gives the kernel an output that is likely still in cache.
  std::unordered_map<size_t, std::vector<Block>> free_blocks;
  uint64_t next_seq = 0;
  size_t cached_bytes = 0;  // bytes held in free_blocks (by size class)
  size_t live_bytes = 0;    // bytes of blocks handed to V8 and not yet returned (by size class)
  size_t cap = 0;
  uint64_t hits = 0, misses = 0, returns = 0, releases = 0;
  // torch.memory()'s count of the tensor storages asked to be tracked: exact
  // byte lengths, decremented when V8 frees the buffer (no FinalizationRegistry,
  // which would keep every tracked storage alive until a full GC)
  size_t tracked_bytes = 0, tracked_peak = 0;
  uint64_t tracked_blocks = 0;
};

// Never destroyed: V8 may free backing stores during isolate teardown, after
// static destructors would have run.
Pool *const pool = [] {
  Pool *p = new Pool();
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  size_t ram = pages > 0 && page > 0 ? (size_t)pages * (size_t)page : 0;
  p->cap = ram > 0 && ram / kRamFraction < kMaxCap ? ram / kRamFraction : kMaxCap;
  return p;
}();

/*
 * Size classes: four per power of two (at most 25% over the request, usually
 * far less), whole pages, so buffers of nearby sizes share blocks.
 */
size_t size_class(size_t n) {
  if (n <= kMinClass) return kMinClass;
  int k = 63 - __builtin_clzll((unsigned long long)(n - 1));  // 2^k < n <= 2^(k+1)
  size_t step = (size_t{1} << k) / 4;
  if (step < kMinClass) step = kMinClass;
  return (n + step - 1) / step * step;
}

/*
 * A fresh block of cls bytes (a multiple of the page size). Blocks of 2 MiB
 * and more start on a 2 MiB boundary and ask for transparent huge pages
 * (Linux's "madvise" mode, the usual default, gives them only on request):
 * an elementwise op on 1M floats touches 12 MiB, 3072 small pages, about
 * what the TLB holds. Measured with alternated builds on the 2-core dev VM:
 * the median 1M-float add 10-15% faster (noisy), n=1024 matmul and the MLP
 * training step of `npm run bench` 13% and 24%, the rest within noise.
 * Failing to get huge pages is harmless.
 */
void *new_block(size_t cls) {
  void *p = nullptr;
  if (cls < kHuge) return std::aligned_alloc(kAlign, cls);
  if (posix_memalign(&p, kHuge, cls) != 0) return nullptr;
#ifdef MADV_HUGEPAGE
  madvise(p, cls, MADV_HUGEPAGE);
#endif
  return p;
}

void *take_block(size_t cls, bool *hit, uint64_t *seq) {
  {
    std::lock_guard<std::mutex> lock(pool->mu);
    *seq = ++pool->next_seq;
    auto it = pool->free_blocks.find(cls);
    if (it != pool->free_blocks.end() && !it->second.empty()) {
      void *p = it->second.back().p;  // the most recently written block: the warmest
      it->second.pop_back();
      pool->cached_bytes -= cls;
      pool->live_bytes += cls;
      pool->hits++;
      *hit = true;
      return p;
    }
    pool->misses++;
  }
  *hit = false;
  void *p = new_block(cls);
  if (p) {
    std::lock_guard<std::mutex> lock(pool->mu);
    pool->live_bytes += cls;
  }
  return p;
}

/* Frees every cached block; returns the bytes released. */
size_t release_cached() {
  std::vector<void *> victims;
  size_t bytes;
  {
    std::lock_guard<std::mutex> lock(pool->mu);
    for (auto &entry : pool->free_blocks)
      for (const Block &b : entry.second) victims.push_back(b.p);
    pool->free_blocks.clear();
    bytes = pool->cached_bytes;
    pool->cached_bytes = 0;
    pool->releases += victims.size();
  }
  for (void *p : victims) std::free(p);
  return bytes;
}

/* V8's deleter: called once, when nothing can reach the buffer any more (any thread). */
void return_block(void *data, size_t length, void *deleter_data) {
  Pool *pl = pool;
  // deleter_data carries the block's seq and, in the low bit, whether memory() counts it; not a pointer
  const uint64_t tag = (uint64_t)reinterpret_cast<uintptr_t>(deleter_data);
  const uint64_t seq = tag >> 1;
  size_t cls = size_class(length);
  {
    std::lock_guard<std::mutex> lock(pl->mu);
    if (tag & 1) {
      pl->tracked_bytes -= length;
      pl->tracked_blocks--;
    }
    pl->live_bytes -= cls;
    pl->returns++;
    if (pl->cached_bytes + cls <= pl->cap) {
      std::vector<Block> &list = pl->free_blocks[cls];
      Block b{data, seq};
      list.insert(std::upper_bound(list.begin(), list.end(), b,
                                   [](const Block &x, const Block &y) { return x.seq < y.seq; }),
                  b);
      pl->cached_bytes += cls;
      return;
    }
    pl->releases++;
  }
  std::free(data);
}

/* argv gets `most` values (undefined past argc); false (with a TypeError thrown) when fewer than `least` came */
bool get_args(napi_env env, napi_callback_info info, size_t least, size_t most, napi_value *argv) {
  size_t argc = most;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return false;
  if (argc < least) {
    napi_throw_type_error(env, nullptr, "allocate: expected (byteLength, zeroFill[, tracked])");
    return false;
  }
  return true;
}

void set_number(napi_env env, napi_value obj, const char *name, double v) {
  napi_value x;
  napi_create_double(env, v, &x);
  napi_set_named_property(env, obj, name, x);
}

}  // namespace

/*
 * allocate(byteLength, zeroFill, tracked = false): an ArrayBuffer of exactly
 * byteLength bytes whose memory comes from the pool (64-byte aligned).
 * zeroFill false leaves the contents undefined: only for outputs a kernel
 * overwrites entirely. tracked: counted by memoryCounts() while alive.
 */
extern "C" napi_value tl_js_allocate(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!get_args(env, info, 2, 3, argv)) return nullptr;
  double len;
  bool zero;
  if (napi_get_value_double(env, argv[0], &len) != napi_ok) {
    napi_throw_type_error(env, nullptr, "allocate: byteLength must be a number");
    return nullptr;
  }
  if (napi_get_value_bool(env, argv[1], &zero) != napi_ok) {
    napi_throw_type_error(env, nullptr, "allocate: zeroFill must be a boolean");
    return nullptr;
  }
  bool tracked = false;
  napi_valuetype third;
  if (napi_typeof(env, argv[2], &third) != napi_ok ||
      (third != napi_undefined && napi_get_value_bool(env, argv[2], &tracked) != napi_ok)) {
    napi_throw_type_error(env, nullptr, "allocate: tracked must be a boolean");
    return nullptr;
  }
  // ArrayBuffers in Node 20 hold at most 2^53-1 bytes; far below that malloc fails first.
  if (!(len >= 1 && len <= 9007199254740991.0) || std::floor(len) != len) {
    napi_throw_range_error(env, nullptr, "allocate: byteLength must be a positive integer");
    return nullptr;
  }
  size_t n = (size_t)len, cls = size_class(n);
  bool hit;
  uint64_t seq;
  void *p = take_block(cls, &hit, &seq);
  if (!p && release_cached() > 0) p = take_block(cls, &hit, &seq);
  if (!p) {
    napi_throw_range_error(env, nullptr, "Array buffer allocation failed (allocate)");
    return nullptr;
  }
  if (zero) std::memset(p, 0, n);
  if (tracked) {
    std::lock_guard<std::mutex> lock(pool->mu);
    pool->tracked_bytes += n;
    pool->tracked_blocks++;
    if (pool->tracked_bytes > pool->tracked_peak) pool->tracked_peak = pool->tracked_bytes;
  }

  v8::Isolate *isolate = v8::Isolate::GetCurrent();
  const uintptr_t tag = (uintptr_t)(seq << 1 | (tracked ? 1 : 0));
  std::unique_ptr<v8::BackingStore> store = v8::ArrayBuffer::NewBackingStore(p, n, return_block, reinterpret_cast<void *>(tag));
  v8::Local<v8::ArrayBuffer> ab = v8::ArrayBuffer::New(isolate, std::move(store));
  // The napi callback runs inside a HandleScope; Node returns this handle as is.
  return reinterpret_cast<napi_value>(*ab);
}

/* allocStats(): the pool's counters, in bytes and block counts. */
extern "C" napi_value tl_js_alloc_stats(napi_env env, napi_callback_info info) {
  (void)info;
  size_t cached, live, cap, free_count = 0;
  uint64_t hits, misses, returns, releases;
  {
    std::lock_guard<std::mutex> lock(pool->mu);
    cached = pool->cached_bytes, live = pool->live_bytes, cap = pool->cap;
    hits = pool->hits, misses = pool->misses, returns = pool->returns, releases = pool->releases;
    for (auto &entry : pool->free_blocks) free_count += entry.second.size();
  }
  napi_value obj;
  napi_create_object(env, &obj);
  set_number(env, obj, "hits", (double)hits);
  set_number(env, obj, "misses", (double)misses);
  set_number(env, obj, "returns", (double)returns);
  set_number(env, obj, "releases", (double)releases);
  set_number(env, obj, "cachedBytes", (double)cached);
  set_number(env, obj, "cachedBlocks", (double)free_count);
  set_number(env, obj, "liveBytes", (double)live);
  set_number(env, obj, "capBytes", (double)cap);
  return obj;
}

/*
 * memoryCounts(resetPeak = false): [liveBytes, liveBlocks, peakBytes] of the
 * tracked buffers; resetPeak first restarts the peak at the live bytes.
 */
extern "C" napi_value tl_js_memory_counts(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  bool reset = false;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) return nullptr;
  if (argc >= 1 && napi_get_value_bool(env, argv[0], &reset) != napi_ok) {
    napi_throw_type_error(env, nullptr, "memoryCounts: resetPeak must be a boolean");
    return nullptr;
  }
  size_t bytes, peak;
  uint64_t blocks;
  {
    std::lock_guard<std::mutex> lock(pool->mu);
    if (reset) pool->tracked_peak = pool->tracked_bytes;
    bytes = pool->tracked_bytes, blocks = pool->tracked_blocks, peak = pool->tracked_peak;
  }
  napi_value arr, x;
  napi_create_array_with_length(env, 3, &arr);
  const double values[3] = {(double)bytes, (double)blocks, (double)peak};
  for (uint32_t i = 0; i < 3; i++) {
    napi_create_double(env, values[i], &x);
    napi_set_element(env, arr, i, x);
  }
  return arr;
}

/* emptyCache(): frees every cached block (like torch.cuda.empty_cache); returns the bytes freed. */
extern "C" napi_value tl_js_empty_cache(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
  napi_create_double(env, (double)release_cached(), &r);
  return r;
}
