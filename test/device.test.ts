/**
 * torch.device, torch.cuda and the device forms of Tensor.to / Module.to /
 * factories: the CPU is accepted everywhere PyTorch takes a device, every
 * other device raises what a CPU-only PyTorch raises (1.13's outputs from
 * /usr/bin/python3, inline; the device-type list is 2.x's).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";

test("torch.device: parsing, str, repr, equality and PyTorch's errors", () => {
  const d = torch.device("cpu");
  assert.deepEqual([d.type, d.index, String(d), d.repr()], ["cpu", null, "cpu", "device(type='cpu')"]);
  const c = torch.device("cuda", 1);
  assert.deepEqual([String(c), c.repr()], ["cuda:1", "device(type='cuda', index=1)"]);
  assert.equal(torch.device("cpu:0").index, 0);
  assert.equal(torch.device("cpu").equals(torch.device("cpu:0")), false);
  assert.equal(torch.device(d), d);
  assert.throws(() => torch.device("foo"), /^Error: Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: foo$/);
  assert.throws(() => torch.device("CUDA:0"), /device string: CUDA$/);
  assert.throws(() => torch.device("cuda:x"), /^Error: Invalid device string: 'cuda:x'$/);
  assert.throws(() => torch.device("cpu", -1), /^Error: Device index must not be negative$/);
});

test("Tensor.to: dtype, device, device and dtype, another tensor, options; itself when nothing changes", () => {
  const x = torch.ones([2], { requiresGrad: true });
  assert.equal(x.to("cpu"), x);
  assert.equal(x.to(torch.device("cpu")), x);
  assert.equal(x.to("float32"), x);
  const copied = x.to("cpu", { copy: true });
  assert.notEqual(copied, x);
  assert.equal(copied.gradFn!.name, "ToCopyBackward0");
  assert.equal(x.to("cpu", "float64").dtype, "float64");
  assert.equal(x.to(torch.zeros([1], { dtype: "int32" })).dtype, "int32");
  assert.equal(x.to({ dtype: "float64", device: "cpu" }).dtype, "float64");
  copied.sum().backward();
  assert.deepEqual([...x.grad!.data], [1, 1]);
});

test("other devices raise a CPU-only PyTorch's errors, from tensors, modules and factories", () => {
  const x = torch.ones([2]);
  assert.throws(() => x.to("cuda"), /^Error: Torch not compiled with CUDA enabled$/);
  assert.throws(() => x.to("cuda:0", "float64"), /^Error: Torch not compiled with CUDA enabled$/);
  assert.throws(() => x.cuda(), /^Error: Torch not compiled with CUDA enabled$/);
  assert.throws(() => x.to({ device: "mps" }), /^Error: PyTorch is not linked with support for mps devices$/);
  for (const make of [() => torch.zeros([2], { device: "cuda" }), () => torch.emptyStrided([2], [1], { device: "cuda" }), () => torch.hannWindow(4, { device: "cuda" }), () => torch.randperm(3, { device: "cuda" })]) {
    assert.throws(make, /^Error: Torch not compiled with CUDA enabled$/);
  }
  assert.throws(() => new torch.nn.Linear(2, 2).to("cuda"), /^Error: Torch not compiled with CUDA enabled$/);
  assert.throws(() => new torch.nn.Linear(2, 2).cuda(), /^Error: Torch not compiled with CUDA enabled$/);
});

test("tensors report the CPU; torch.cuda and torch.backends report no accelerator", () => {
  const x = torch.ones([2]);
  assert.equal(x.device.type, "cpu");
  assert.equal(x.isCpu, true);
  assert.equal(x.isCuda, false);
  assert.equal(x.getDevice(), -1);
  assert.equal(torch.cuda.isAvailable(), false);
  assert.equal(torch.cuda.deviceCount(), 0);
  torch.cuda.manualSeed(0); // ignored without CUDA, as PyTorch documents
  assert.equal(torch.backends.mps.isAvailable(), false);
  assert.deepEqual([...torch.zeros([2], { device: "cpu" }).data], [0, 0]);
});

test("Module.to: a device keeps the module; a device and a dtype casts; cpu() is the module", () => {
  const m = new torch.nn.Linear(2, 2);
  const w = m.weight;
  assert.equal(m.to("cpu"), m);
  assert.equal(m.cpu(), m);
  assert.equal(m.weight.dtype, "float32");
  assert.equal(m.to("cpu", "float64").weight.dtype, "float64");
  assert.equal(m.weight, w);
  assert.equal(m.to({ dtype: "float32" }).weight.dtype, "float32");
  // the portable idiom
  const dev = torch.device(torch.cuda.isAvailable() ? "cuda" : "cpu");
  assert.equal(m.to(dev).forward(torch.ones([1, 2]).to(dev)).shape[1], 2);
});
