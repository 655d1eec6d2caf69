import { type DType, type TypedArray, dtypeOfArray } from "./dtype.js";
import { trackStorage } from "./memory.js";

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

  constructor(data: TypedArray) {
    this.data = data;
    this.dtype = dtypeOfArray(data);
    trackStorage(this, data.byteLength);
  }
}
