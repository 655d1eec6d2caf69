/**
 * The two small architectures that scripts/gen_io_fixtures.py trains in
 * PyTorch, written the torchlet way. Field names match the PyTorch classes'
 * attributes, so the state dict keys match too (`fc1.weight`, `bn1.running_mean`).
 */
import * as torch from "../src/index.js";
const { nn } = torch;
const F = nn.functional;

/** 8 -> 16 -> 16 -> 4 with ReLU and Tanh: PyTorch's `MLP` in gen_io_fixtures.py. */
export class MLP extends nn.Module {
  fc1 = new nn.Linear(8, 16);
  fc2 = new nn.Linear(16, 16);
  fc3 = new nn.Linear(16, 4);

  override forward(x: torch.Tensor): torch.Tensor {
    return this.fc3.forward(this.fc2.forward(this.fc1.forward(x).relu()).tanh());
  }
}

/** 1x8x8 images -> 3 classes with two conv/BatchNorm/ReLU/max-pool blocks: PyTorch's `CNN`. */
export class CNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 4, 3, { padding: 1 });
  bn1 = new nn.BatchNorm2d(4);
  conv2 = new nn.Conv2d(4, 8, 3, { padding: 1 });
  bn2 = new nn.BatchNorm2d(8);
  fc = new nn.Linear(8 * 2 * 2, 3);

  override forward(x: torch.Tensor): torch.Tensor {
    let h = F.maxPool2d(this.bn1.forward(this.conv1.forward(x)).relu(), 2);
    h = F.maxPool2d(this.bn2.forward(this.conv2.forward(h)).relu(), 2);
    return this.fc.forward(h.flatten(1));
  }
}

/** The architecture for a fixture's `arch` field. */
export function makeModel(arch: "mlp" | "cnn"): MLP | CNN {
  return arch === "mlp" ? new MLP() : new CNN();
}
