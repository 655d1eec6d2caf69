/** `torch.utils`: PyTorch's utilities that are not layers or ops. */
export * as checkpoint from "./checkpoint.js";
/** `torch.utils.data`, where PyTorch code imports `DataLoader` and the datasets from; the same module as `torch.data`. */
export * as data from "../data/index.js";
