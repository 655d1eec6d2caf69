/** `torch.data` (PyTorch's `torch.utils.data`): datasets, samplers and the DataLoader. */
export { Dataset, TensorDataset, Subset, ConcatDataset, StackDataset, IterableDataset, ChainDataset, randomSplit } from "./dataset.js";
export {
  Sampler,
  SequentialSampler,
  RandomSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
  BatchSampler,
  type Sized,
  type RandomSamplerOptions,
} from "./sampler.js";
export { DataLoader, defaultCollate, type DataLoaderOptions } from "./dataloader.js";
