/** `torch.utils`: PyTorch's utilities that are not layers or ops. */
export * as checkpoint from "./checkpoint.js";
