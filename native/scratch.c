/*
 * Per-thread scratch buffers that outlive a call, so a kernel does not
 * page-fault fresh memory each time (on this kind of machine that costs more
 * than a small GEMM). One slot per user, because a conv2d may call the GEMM
 * while it holds its own scratch. A buffer above TL_SCRATCH_KEEP is freed
 * when its call ends.
 */
#include <stdlib.h>

#include "torchlet.h"

#define TL_SCRATCH_KEEP ((size_t)16 << 20)

static _Thread_local void *scratch[TL_SCRATCH_SLOTS];
static _Thread_local size_t scratch_cap[TL_SCRATCH_SLOTS];

void *tl_scratch(int slot, size_t bytes) {
  bytes += 64; /* never 0, so NULL always means out of memory */
  if (scratch_cap[slot] >= bytes) return scratch[slot];
  free(scratch[slot]);
  bytes = (bytes + 4095) & ~(size_t)4095;
  scratch[slot] = aligned_alloc(64, bytes);
  scratch_cap[slot] = scratch[slot] ? bytes : 0;
  return scratch[slot];
}

void tl_scratch_trim(int slot) {
  if (scratch_cap[slot] > TL_SCRATCH_KEEP) {
    free(scratch[slot]);
    scratch[slot] = NULL;
    scratch_cap[slot] = 0;
  }
}
