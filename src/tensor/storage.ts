import { countedByAllocator, type DType, type TypedArray, dtypeOfArray } from "./dtype.js";
import { trackStorage } from "./memory.js";

let storagesCreated = 0;

/** How many storages were created so far: a storage with `serial >= storagesCreatedSoFar()` is newer than the call. */
export function storagesCreatedSoFar(): number {
  return storagesCreated;
}

/**
 * One buffer of elements shared by a tensor and all of its views, with the
 * version counter that every in-place write bumps (API rule 9). `detach()`
 * shares the storage, and so the counter, too.
 */
export class Storage {
  readonly data: TypedArray;
  readonly dtype: DType;
  /** Bumped by every in-place op on any view of this storage. */
  version = 0;
  /** Creation order (the autograd engine uses it to tell gradients it computed itself). */
  readonly serial = storagesCreated++;

  /** `fromAllocate`: data is a fresh array from tensor/dtype.ts allocate(), which may count it already. */
  constructor(data: TypedArray, fromAllocate = false) {
    this.data = data;
    this.dtype = dtypeOfArray(data);
    if (!fromAllocate || !countedByAllocator(data.byteLength)) trackStorage(this, data.byteLength);
  }
}
