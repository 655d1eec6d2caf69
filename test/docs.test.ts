// Every ```ts block in README.md and docs/*.md type-checks against the public API and runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { extractTsBlocks, runDocBlock, typeCheckDocBlocks, type DocBlock } from "./doc-blocks.js";

const ROOT = join(import.meta.dirname, "..", "..");
const ENTRY = join(ROOT, "dist", "src", "index.js");

function markdownFiles(): string[] {
  const docs = join(ROOT, "docs");
  const files = existsSync(docs) ? readdirSync(docs).filter((f) => f.endsWith(".md")).sort().map((f) => join("docs", f)) : [];
  return ["README.md", ...files];
}

const blocks: DocBlock[] = markdownFiles().flatMap((f) => extractTsBlocks(readFileSync(join(ROOT, f), "utf8"), f));

test("the docs have code blocks to check", () => {
  assert.ok(blocks.length >= 10, `only ${blocks.length} blocks found`);
  const files = new Set(blocks.map((b) => b.file));
  for (const f of ["README.md", "docs/getting-started.md", "docs/coming-from-pytorch.md", "docs/coming-from-tfjs.md"]) {
    assert.ok(files.has(f), `${f} has no ts blocks`);
  }
});

test("the extractor finds ts blocks and their lines, and the runner checks printed output", async () => {
  const md = "text\n```ts\nconsole.log(1 + 1); // 2\n```\n```sh\nnpm test\n```\n```typescript\nconsole.log([1]); // e.g. anything\n```\n";
  const found = extractTsBlocks(md, "x.md");
  assert.deepEqual(found.map((b) => [b.line, b.code]), [[3, "console.log(1 + 1); // 2"], [9, "console.log([1]); // e.g. anything"]]);
  assert.deepEqual(await runDocBlock(found[0]!, ENTRY), ["2"]);
  await assert.rejects(runDocBlock({ file: "x.md", line: 7, code: "console.log(1 + 2); // 4" }, ENTRY), /x\.md:7: printed "3" but the doc says "4"/);
  await assert.rejects(runDocBlock({ file: "y.md", line: 2, code: "throw new Error('boom');" }, ENTRY), /y\.md:2: the code block failed: boom/);
});

test("the type check catches a call that does not exist", () => {
  const problems = typeCheckDocBlocks([{ file: "bad.md", line: 4, code: 'import * as torch from "torchlet";\ntorch.zeros([2]).noSuchMethod();' }], ROOT);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^bad\.md:5: Property 'noSuchMethod' does not exist on type 'Tensor'/);
});

test("every doc block type-checks against the public API", () => {
  assert.deepEqual(typeCheckDocBlocks(blocks, ROOT), []);
});

for (const block of blocks) {
  test(`${block.file}:${block.line} runs`, async () => {
    await runDocBlock(block, ENTRY);
  });
}
