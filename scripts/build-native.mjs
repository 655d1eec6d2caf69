// Builds the native backend with node-gyp during `npm install`.
// A failed build must not fail the install: torchlet then runs on the
// reference backend and says so once, at first use.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const statusFile = join(root, "build", "native-status.txt");

function record(message) {
  mkdirSync(dirname(statusFile), { recursive: true });
  writeFileSync(statusFile, message + "\n");
}

if (!existsSync(join(root, "binding.gyp"))) {
  record("no binding.gyp in the package");
  process.exit(0);
}
const gyp = process.env.npm_config_node_gyp;
const [cmd, args] = gyp ? [process.execPath, [gyp, "rebuild"]] : ["npx", ["--no-install", "node-gyp", "rebuild"]];
const result = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
if (result.status === 0) {
  record("ok");
} else {
  record(`node-gyp rebuild failed (exit ${String(result.status)}); using the reference backend`);
  console.warn("torchlet: the native backend did not build; torchlet will run on the reference backend.");
}
