/**
 * Gives the ops that a factory made (`const exp = unary("exp", ...)`, an
 * anonymous function) the name they are exported under, so that the call
 * stack names them: an uninitialized parameter's error says
 * `<built-in method exp of type object>` as PyTorch's does, not "a torch
 * function". Only nameless functions are named (an alias of a named op keeps
 * its name); the first name in alphabetical order wins for a nameless one
 * exported twice. Imported last by index.ts, once every module has loaded.
 */
import * as torch from "../index.js";

for (const [key, value] of Object.entries(torch)) {
  if (typeof value === "function" && value.name === "") Object.defineProperty(value, "name", { value: key, configurable: true });
}
