/** `torch.nn`: modules, layers, losses, `nn.init` and `nn.functional`. */
export { Module, RemovableHandle, type StateDict, type LoadStateDictResult, type ForwardHook, type ForwardPreHook, type FullBackwardHook, type FullBackwardPreHook, type BackwardHookGrads, type HookOptions } from "./module.js";
export { Parameter } from "./parameter.js";
export { Linear, type LayerOptions } from "./layers/linear.js";
export { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, AdaptiveAvgPool1d, AdaptiveMaxPool1d, type Conv1dLayerOptions, type Conv2dLayerOptions, type ConvTranspose1dLayerOptions, type ConvTranspose2dLayerOptions } from "./layers/conv.js";
export { LPPool1d, LPPool2d, MaxUnpool1d, MaxUnpool2d } from "./layers/pool-more.js";
export { Conv3d, ConvTranspose3d, type Conv3dLayerOptions, type ConvTranspose3dLayerOptions } from "./layers/conv3d.js";
export { type ConvPaddingMode } from "./layers/conv-padding-mode.js";
export { MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d, MaxUnpool3d, LPPool3d } from "./layers/pool3d.js";
export { BatchNorm3d, InstanceNorm3d, Dropout3d } from "./layers/volume-layers.js";
export { UpsamplingNearest2d, UpsamplingBilinear2d, type Upsampling2dOptions } from "./layers/upsampling.js";
export {
  ZeroPad1d, ZeroPad2d, ZeroPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
  ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, CircularPad1d, CircularPad2d, CircularPad3d, type Padding1d, type Padding2d, type Padding3d,
} from "./layers/padding.js";
export { Upsample } from "./layers/upsample.js";
export { Unfold, Fold } from "./layers/fold.js";
export { Dropout1d, Dropout2d, AlphaDropout, FeatureAlphaDropout } from "./layers/dropout.js";
export { BatchNorm1d, BatchNorm2d, BatchNormBase, NormBase, LayerNorm, GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNormBase, RMSNorm, LocalResponseNorm, type BatchNormOptions, type LayerNormOptions, type GroupNormOptions, type InstanceNormLayerOptions, type RMSNormLayerOptions } from "./layers/norm.js";
export {
  ReLU, LeakyReLU, ELU, Softplus, SiLU, GELU, Tanh, Sigmoid, Softmax, LogSoftmax, Identity, Flatten, Dropout,
  ReLU6, Hardtanh, Hardswish, Hardsigmoid, Mish, SELU, CELU, GLU, LogSigmoid, Softsign, Softmin, Tanhshrink, Threshold, PReLU, Unflatten,
  Softshrink, Hardshrink, RReLU, Softmax2d,
} from "./layers/activation.js";
export { PixelShuffle, PixelUnshuffle } from "./layers/pixel-shuffle.js";
export { ChannelShuffle } from "./layers/channel-shuffle.js";
export { Bilinear } from "./layers/bilinear.js";
export { Embedding, EmbeddingBag, type EmbeddingBagLayerOptions, type EmbeddingTableOptions } from "./layers/embedding.js";
export { RNN, LSTM, GRU, type RNNOptions, type ElmanRNNOptions } from "./layers/rnn.js";
export { RNNCell, LSTMCell, GRUCell, type RNNCellOptions } from "./layers/rnn-cells.js";
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionCallOptions } from "./layers/attention.js";
export {
  TransformerEncoderLayer, TransformerEncoder, TransformerDecoderLayer, TransformerDecoder, Transformer,
  type TransformerEncoderLayerOptions, type TransformerEncoderCallOptions, type TransformerDecoderLayerOptions, type TransformerDecoderCallOptions, type TransformerOptions, type TransformerCallOptions,
} from "./layers/transformer.js";
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict, type NamedEntries } from "./layers/container.js";
export { CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss, BCELoss, MSELoss, L1Loss, SmoothL1Loss, HuberLoss } from "./layers/loss.js";
export { KLDivLoss, MarginRankingLoss, HingeEmbeddingLoss, SoftMarginLoss, CosineEmbeddingLoss, TripletMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss, PoissonNLLLoss, GaussianNLLLoss } from "./layers/loss.js";
export { CosineSimilarity, PairwiseDistance } from "./layers/distance.js";
export * as init from "./init.js";
export * as functional from "./functional.js";
export * as utils from "./utils.js";
export { CTCLoss, MultiLabelMarginLoss, TripletMarginWithDistanceLoss, type TripletMarginWithDistanceLossLayerOptions } from "./layers/loss-extra.js";
export { AdaptiveLogSoftmaxWithLoss, type AdaptiveLogSoftmaxOutput, type AdaptiveLogSoftmaxOptions } from "./layers/adaptive-softmax.js";
export { FractionalMaxPool2d, type FractionalMaxPool2dLayerOptions } from "./layers/fractional-max-pool.js";
export { FractionalMaxPool3d, type FractionalMaxPool3dLayerOptions } from "./layers/fractional-max-pool3d.js";
export {
  LazyLinear, LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d, LazyConvTranspose2d, LazyConvTranspose3d,
  LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d, type LazyNormOptions,
} from "./layers/lazy.js";
export { UninitializedParameter, UninitializedBuffer } from "./uninitialized.js";
