/** `torch.data` (PyTorch's `torch.utils.data`): datasets and the DataLoader. */
export { Dataset, TensorDataset, Subset, randomSplit } from "./dataset.js";
export { DataLoader, defaultCollate, type DataLoaderOptions } from "./dataloader.js";
