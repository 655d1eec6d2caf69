// Runs the ```ts code blocks of the Markdown docs, so that the docs cannot drift from the code.
//
// Each block is a complete ES module that imports from "torchlet" (mapped to the
// built dist/src/index.js). A line `console.log(expr); // text` also checks
// that what it prints is `text` (whitespace runs collapsed, so a multi-line
// tensor repr can be written on one line); a comment starting with "e.g." is
// only an illustration and is not checked.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import ts from "typescript";

export interface DocBlock {
  /** The Markdown file, for messages. */
  file: string;
  /** 1-based line of the block's first code line in the file. */
  line: number;
  code: string;
}

const OPEN = /^```(ts|typescript)\s*$/;
const CLOSE = /^```\s*$/;

/** The ```ts (or ```typescript) blocks of a Markdown text, in order. */
export function extractTsBlocks(markdown: string, file = "<markdown>"): DocBlock[] {
  const lines = markdown.split("\n");
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!OPEN.test(lines[i]!)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !CLOSE.test(lines[end]!)) end++;
    if (end === lines.length) throw new Error(`${file}:${i + 1}: unclosed code block`);
    blocks.push({ file, line: start + 1, code: lines.slice(start, end).join("\n") });
    i = end;
  }
  return blocks;
}

const CHECKED_LOG = /^(\s*)console\.log\((.*)\);\s*\/\/\s*(.+?)\s*$/;

/** Turns `console.log(x); // expected` lines into checks; other lines stay as they are. */
function addOutputChecks(block: DocBlock): string {
  return block.code
    .split("\n")
    .map((text, i) => {
      const m = CHECKED_LOG.exec(text);
      if (!m || m[3]!.startsWith("e.g.")) return text;
      return `${m[1]}globalThis.__docCheck(${JSON.stringify(`${block.file}:${block.line + i}`)}, ${JSON.stringify(m[3])}, ${m[2]});`;
    })
    .join("\n");
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

interface DocGlobals {
  __docCheck?: (where: string, expected: string, ...args: unknown[]) => void;
}

/**
 * Transpiles a block (TypeScript -> ESM JavaScript), points "torchlet" at
 * `torchletEntry`, runs it, and returns what it printed. Throws with the
 * block's file and line if it throws or a checked output differs.
 */
export async function runDocBlock(block: DocBlock, torchletEntry: string): Promise<string[]> {
  const { outputText } = ts.transpileModule(addOutputChecks(block), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: "block.ts",
  });
  const entry = pathToFileURL(torchletEntry).href;
  const js = outputText.replace(/(from\s*|import\(\s*)(["'])torchlet\2/g, (_m, lead: string) => `${lead}"${entry}"`);
  const dir = mkdtempSync(join(tmpdir(), "torchlet-doc-"));
  const printed: string[] = [];
  const g = globalThis as DocGlobals;
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(format(...args));
  g.__docCheck = (where, expected, ...args) => {
    const got = format(...args);
    printed.push(got);
    if (squash(got) !== squash(expected)) throw new Error(`${where}: printed ${JSON.stringify(got)} but the doc says ${JSON.stringify(expected)}`);
  };
  try {
    const path = join(dir, "block.mjs");
    writeFileSync(path, js);
    await import(pathToFileURL(path).href);
  } catch (e) {
    const err = e as Error;
    throw new Error(`${block.file}:${block.line}: the code block failed: ${err.message}`, { cause: e });
  } finally {
    console.log = log;
    delete g.__docCheck;
    rmSync(dir, { recursive: true, force: true });
  }
  return printed;
}

/**
 * Type-checks blocks in one program, each as its own module, with "torchlet"
 * resolved to the built declarations under `root`/dist: a renamed API breaks
 * the docs. Returns the problems as "file:line: message".
 */
export function typeCheckDocBlocks(blocks: readonly DocBlock[], root: string): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts", "lib.esnext.disposable.d.ts", "lib.esnext.decorators.d.ts"],
    types: ["node"],
    typeRoots: [join(root, "node_modules", "@types")],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    skipLibCheck: true,
    paths: { torchlet: [join(root, "dist", "src", "index.d.ts")] },
  };
  const virtual = new Map<string, DocBlock>();
  blocks.forEach((b, i) => virtual.set(join(root, "doc-blocks", `block${i}.ts`), b));
  const source = (b: DocBlock) => `${b.code}\nexport {};\n`; // each block is a module even without imports
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (f) => virtual.has(f) || ts.sys.fileExists(f);
  host.readFile = (f) => (virtual.has(f) ? source(virtual.get(f)!) : readFile(f));
  host.getSourceFile = (f, lang, onError) => {
    const b = virtual.get(f);
    return b ? ts.createSourceFile(f, source(b), lang) : getSourceFile(f, lang, onError);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const b = d.file ? virtual.get(d.file.fileName) : undefined;
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!b || d.start === undefined) return `${d.file?.fileName ?? "?"}: ${message}`;
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start);
    return `${b.file}:${b.line + line}: ${message}`;
  });
}
