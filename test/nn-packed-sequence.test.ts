/**
 * Packed sequences against PyTorch (fixtures: scripts/gen_packed_fixtures.py
 * -> packed.json): packPaddedSequence / padPackedSequence / packSequence /
 * unpackSequence values, batch sizes, permutations and gradients; nn.RNN,
 * nn.LSTM and nn.GRU on a PackedSequence (sorted and unsorted lengths,
 * batchFirst, 2 layers, bidirectional, LSTM projSize, with and without hx):
 * packed output, final states, gradients of the padded input, of hx and of
 * every parameter; and the error messages.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as torch from "../src/index.js";
import { assertClose, fromJson, readFixture, type TensorJson, values } from "./nn-helpers.js";

const { nn } = torch;
const { PackedSequence, packPaddedSequence, padPackedSequence, packSequence, unpackSequence, unpadSequence, padSequence } = nn.utils.rnn;

interface PackedJson {
  data: TensorJson;
  batchSizes: TensorJson;
  sortedIndices: TensorJson | null;
  unsortedIndices: TensorJson | null;
}

interface PackCase {
  name: string;
  input: TensorJson;
  lengths: number[];
  batchFirst: boolean;
  enforceSorted: boolean;
  paddingValue: number | null;
  totalLength: number | null;
  packed: PackedJson;
  gradPacked: number[];
  inputGrad: number[];
  padded: TensorJson;
  paddedLengths: number[];
  gradPadded: number[];
  dataGrad: number[];
}

interface ModuleCase {
  name: string;
  kind: "RNN" | "LSTM" | "GRU";
  args: [number, number];
  options: torch.nn.ElmanRNNOptions;
  stateDict: Record<string, TensorJson>;
  lengths: number[];
  batchFirst: boolean;
  enforceSorted: boolean;
  input: TensorJson;
  hx: TensorJson[] | null;
  outputData: TensorJson;
  padded: TensorJson;
  finals: TensorJson[];
  gradOutputs: number[][];
  inputGrad: number[];
  hxGrads: number[][] | null;
  paramGrads: Record<string, number[]>;
}

const fixture = readFixture<{
  pack: PackCase[];
  packSequence: { sequences: TensorJson[]; packed: PackedJson; gradPacked: number[]; grads: number[][]; unpacked: TensorJson[] };
  errors: Record<string, string>;
  modules: ModuleCase[];
}>("packed.json");

const ints = (t: torch.Tensor | null) => (t === null ? null : values(t));

/** The four fields of `p` against PyTorch's: indices and batch sizes exactly, as int32; data closely. */
function assertPacked(p: InstanceType<typeof PackedSequence>, want: PackedJson, what: string): void {
  assert.equal(p.batchSizes.dtype, "int32", `${what}: batchSizes dtype`);
  assert.deepEqual(values(p.batchSizes), want.batchSizes.data, `${what}: batchSizes`);
  assert.deepEqual(ints(p.sortedIndices), want.sortedIndices?.data ?? null, `${what}: sortedIndices`);
  assert.deepEqual(ints(p.unsortedIndices), want.unsortedIndices?.data ?? null, `${what}: unsortedIndices`);
  assert.deepEqual(p.data.shape, want.data.shape, `${what}: data shape`);
  assertClose(values(p.data), want.data.data, `${what}: data`);
}

const gradTimes = (t: torch.Tensor, g: readonly number[]) => t.mul(torch.tensor([...g]).reshape(t.shape)).sum();

for (const c of fixture.pack) {
  test(`packPaddedSequence / padPackedSequence: ${c.name} match PyTorch (values and gradients)`, () => {
    const x = fromJson(c.input, { requiresGrad: true });
    // lengths as a tensor once, as an array otherwise: both forms are accepted
    const lengths = c.batchFirst ? torch.tensor(c.lengths, { dtype: "int32" }) : c.lengths;
    const p = packPaddedSequence(x, lengths, { batchFirst: c.batchFirst, enforceSorted: c.enforceSorted });
    assertPacked(p, c.packed, "packed");
    gradTimes(p.data, c.gradPacked).backward();
    assertClose(values(x.grad!), c.inputGrad, "grad of the padded input (zero on the padding)");

    const data = p.data.detach().requiresGrad_(true);
    const options = { batchFirst: c.batchFirst, ...(c.paddingValue === null ? {} : { paddingValue: c.paddingValue }), ...(c.totalLength === null ? {} : { totalLength: c.totalLength }) };
    const [padded, outLengths] = padPackedSequence(new PackedSequence(data, p.batchSizes, p.sortedIndices), options);
    assert.deepEqual(padded.shape, c.padded.shape);
    assertClose(values(padded), c.padded.data, "padded");
    assert.equal(outLengths.dtype, "int32");
    assert.deepEqual(values(outLengths), c.paddedLengths, "lengths, in the original order");
    gradTimes(padded, c.gradPadded).backward();
    assertClose(values(data.grad!), c.dataGrad, "grad of packed.data");
  });
}

test("packSequence (unsorted) and unpackSequence match PyTorch", () => {
  const f = fixture.packSequence;
  const seqs = f.sequences.map((s) => fromJson(s, { requiresGrad: true }));
  const p = packSequence(seqs, { enforceSorted: false });
  assertPacked(p, f.packed, "packed");
  gradTimes(p.data, f.gradPacked).backward();
  seqs.forEach((s, i) => assertClose(values(s.grad!), f.grads[i]!, `grad of sequence ${i}`));
  const back = unpackSequence(p);
  assert.equal(back.length, f.unpacked.length);
  back.forEach((s, i) => {
    assert.deepEqual(s.shape, f.unpacked[i]!.shape);
    assertClose(values(s), f.unpacked[i]!.data, `unpacked ${i}`);
  });
});

test("unpadSequence cuts each sequence of a padded batch to its length, leaving the batch as it was", () => {
  const seqs = [torch.tensor([[1], [2]]), torch.tensor([[3], [4], [5]]), torch.tensor([[6]])];
  const padded = padSequence(seqs);
  const back = unpadSequence(padded, torch.tensor([2, 3, 1], { dtype: "int32" }));
  assert.deepEqual(back.map((s) => values(s)), [[1, 2], [3, 4, 5], [6]]);
  // PyTorch transposes a time-major batch in place here; torchlet does not
  assert.deepEqual(padded.shape, [3, 3, 1]);
  assert.deepEqual(unpadSequence(padded.transpose(0, 1), [1, 1, 1], { batchFirst: true }).map((s) => values(s)), [[1], [3], [6]]);
});

test("PackedSequence: unsortedIndices defaults to the inverse of sortedIndices; to(dtype) casts the data only", () => {
  const p = new PackedSequence(torch.ones([3, 2]), torch.tensor([2, 1], { dtype: "int32" }), torch.tensor([2, 0, 1], { dtype: "int32" }));
  assert.deepEqual(values(p.unsortedIndices!), [1, 2, 0]);
  assert.equal(new PackedSequence(torch.ones([3, 2]), torch.tensor([2, 1], { dtype: "int32" })).unsortedIndices, null);
  const d = p.double();
  assert.equal(d.data.dtype, "float64");
  assert.equal(d.batchSizes, p.batchSizes);
  assert.equal(d.sortedIndices, p.sortedIndices);
  assert.equal(p.to("float32"), p, "no cast, the same object, as PyTorch");
});

const rejects = (f: () => unknown, message: string) => assert.throws(f, (e: Error) => e.message === message, message);

test("packing and the recurrent layers on packed input fail with PyTorch's messages", () => {
  const e = fixture.errors, x = torch.zeros([4, 3, 2]);
  rejects(() => packPaddedSequence(x, [2, 3, 2]), e.unsorted!);
  rejects(() => packPaddedSequence(x, [4, 0, 1], { enforceSorted: false }), e.zeroUnsorted!);
  rejects(() => packPaddedSequence(x, [4, 2, 0]), e.zeroLast!);
  // only the last length is checked for zero before the order, as PyTorch
  rejects(() => packPaddedSequence(x, [0, 3, 2]), e.zeroFirstSorted!);
  rejects(() => packPaddedSequence(x, [3, 2, 1, 1]), e.count!);
  // PyTorch fails in index_select here ("INDICES element is out of DATA bounds"); torchlet checks the count first
  rejects(() => packPaddedSequence(x, [3, 2, 1, 1], { enforceSorted: false }), e.count!);
  rejects(() => packPaddedSequence(torch.zeros([0, 3, 2]), [1, 1, 1]), e.empty!);
  rejects(() => padPackedSequence(packPaddedSequence(x, [3, 2, 1]), { totalLength: 2 }), e.totalLength!);
  rejects(() => packSequence([]), e.emptyList!);
  // torchlet's: PyTorch silently builds a PackedSequence whose data is shorter than its batch sizes say
  assert.throws(() => packPaddedSequence(x, [5, 3, 2]), /a length of 5 is longer than the padded input's 4 steps/);
  assert.throws(() => packPaddedSequence(x, torch.tensor([[3, 2, 1]], { dtype: "int32" })), /'lengths' argument should be a 1D tensor or array, but got a 2D tensor/);
  const p = packPaddedSequence(x, [3, 2, 1]);
  rejects(() => new nn.LSTM(2, 4).forward(p, [torch.zeros([1, 2, 4]), torch.zeros([1, 3, 4])]), e.lstmHidden!);
  rejects(() => new nn.LSTM(2, 4).forward(p, [torch.zeros([1, 3, 4]), torch.zeros([1, 3, 5])]), e.lstmCell!);
  // a packed input's hx is always batched: no "For unbatched 2-D input" message, only the shape
  rejects(() => new nn.GRU(2, 4).forward(p, torch.zeros([3, 4])), e.gruHidden2d!);
  rejects(() => new nn.GRU(3, 4).forward(p), e.inputSize!);
  rejects(() => new nn.GRU(1, 4).forward(packPaddedSequence(torch.zeros([4, 3, 2, 1]), [3, 2, 1])), e.dataDims!);
  // PyTorch 2.x's check_input (1.13 fails in the matmul)
  rejects(() => new nn.GRU(2, 4).forward(p.double()), "input must have the type torch.float32, got type torch.float64");
});

function makeModule(c: ModuleCase): torch.nn.RNN | torch.nn.LSTM | torch.nn.GRU {
  const m = c.kind === "LSTM" ? new nn.LSTM(...c.args, c.options) : c.kind === "GRU" ? new nn.GRU(...c.args, c.options) : new nn.RNN(...c.args, c.options);
  m.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, fromJson(v)])));
  return m;
}

for (const c of fixture.modules) {
  test(`${c.name}: a PackedSequence through the layer matches PyTorch (output, final states, gradients)`, () => {
    const m = makeModule(c);
    const x = fromJson(c.input, { requiresGrad: true });
    const hx = c.hx?.map((h) => fromJson(h, { requiresGrad: true })) ?? null;
    const packed = packPaddedSequence(x, c.lengths, { batchFirst: c.batchFirst, enforceSorted: c.enforceSorted });
    let out: InstanceType<typeof PackedSequence>, finals: torch.Tensor[];
    if (m instanceof nn.LSTM) {
      const [o, [h, cell]] = m.forward(packed, hx as [torch.Tensor, torch.Tensor] | null);
      [out, finals] = [o, [h, cell]];
    } else {
      const [o, h] = m.forward(packed, hx?.[0] ?? null);
      [out, finals] = [o, [h]];
    }
    assert.ok(out instanceof PackedSequence, "a packed input gives a packed output");
    assert.equal(out.batchSizes, packed.batchSizes);
    assert.equal(out.sortedIndices, packed.sortedIndices);
    assert.deepEqual(out.data.shape, c.outputData.shape);
    assertClose(values(out.data), c.outputData.data, "output data");
    const [padded] = padPackedSequence(out, { batchFirst: c.batchFirst });
    assertClose(values(padded), c.padded.data, "padded output, in the original order");
    // each sequence's state at its own last step (from its own end, in reverse), in the original batch order
    finals.forEach((t, i) => {
      assert.deepEqual(t.shape, c.finals[i]!.shape, `final state ${i} shape`);
      assertClose(values(t), c.finals[i]!.data, `final state ${i}`);
    });
    [out.data, ...finals].map((t, i) => gradTimes(t, c.gradOutputs[i]!)).reduce((a, b) => a.add(b)).backward();
    assertClose(values(x.grad!), c.inputGrad, "grad of the padded input");
    hx?.forEach((h, i) => assertClose(values(h.grad!), c.hxGrads![i]!, `grad of hx ${i}`));
    const params = Object.fromEntries(m.namedParameters());
    assert.deepEqual(Object.keys(params).sort(), Object.keys(c.paramGrads).sort());
    for (const [k, g] of Object.entries(c.paramGrads)) assertClose(values(params[k]!.grad!), g, `grad of ${k}`);
  });
}

test("a packed batch of equal lengths computes as the padded tensor does", () => {
  torch.manualSeed(5);
  const gru = new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
  const x = torch.randn([2, 5, 3]);
  const [dense, hDense] = gru.forward(x);
  const [packed, hPacked] = gru.forward(packPaddedSequence(x, [5, 5], { batchFirst: true }));
  assertClose(values(padPackedSequence(packed, { batchFirst: true })[0]), values(dense), "output");
  assertClose(values(hPacked), values(hDense), "h_n");
});
