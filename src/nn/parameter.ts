import { Tensor } from "../tensor/tensor.js";

/**
 * A tensor that is a module's learnable weight: a leaf that requires grad
 * (also when made inside `noGrad`, API rule 2), sharing `data`'s storage.
 * Assigning one as a module field registers it under the field's name.
 *
 * @example
 * const w = new nn.Parameter(torch.zeros([2, 3])); // w.requiresGrad === true, w.isLeaf === true
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, data.strides, data.offset);
    this._inference = data._inference;
    if (requiresGrad) this.requiresGrad = true;
  }
}
