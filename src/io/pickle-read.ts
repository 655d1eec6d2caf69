/**
 * A pickle virtual machine for the opcodes that `torch.save` (protocol 2)
 * emits, modelled on PyTorch's weights-only unpickler: it never looks a
 * global up by name in any module, and it asks its {@link UnpickleHooks} for
 * everything that would run code (GLOBAL, REDUCE, BUILD, NEWOBJ, BINPERSID).
 * The hooks decide what is allowed; every other opcode only moves plain data.
 *
 * Python values become: int -> number (bigint past 2^53), float -> number,
 * str -> string, None -> null, bool -> boolean, list -> array, tuple ->
 * frozen array, dict -> plain object (int keys as their decimal string).
 */

/** The error PyTorch's weights-only unpickler raises (pickle.UnpicklingError). */
export class UnpicklingError extends Error {
  override name = "UnpicklingError";
}

/** What the VM asks its owner for; each may throw an {@link UnpicklingError}. */
export interface UnpickleHooks {
  /** GLOBAL module.name: the value to push (an allowed callable or class). */
  findGlobal(module: string, name: string): unknown;
  /** REDUCE: calls an allowed callable with its arguments. */
  reduce(callable: unknown, args: readonly unknown[]): unknown;
  /** BUILD: applies `state` to `instance`, returning the (possibly new) object. */
  build(instance: unknown, state: unknown): unknown;
  /** NEWOBJ: `cls.__new__(cls, *args)`. */
  newObject(cls: unknown, args: readonly unknown[]): unknown;
  /** BINPERSID: the object a persistent id names (a storage in torch.save files). */
  persistentLoad(pid: unknown): unknown;
}

const dicts = new WeakSet<object>();

/** True for an object the VM made from a Python dict. */
export function isPickledDict(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && dicts.has(x);
}

/** A new, empty Python dict as the VM represents it. */
export function newPickledDict(): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  dicts.add(d);
  return d;
}

/** `d[key] = value` for a Python dict key; defineProperty so that "__proto__" is an ordinary key. */
export function setDictItem(d: Record<string, unknown>, key: unknown, value: unknown): void {
  let k: string;
  if (typeof key === "string") k = key;
  else if ((typeof key === "number" && Number.isInteger(key)) || typeof key === "bigint") k = String(key);
  else throw new UnpicklingError(`dict keys must be str or int to load into a JavaScript object, got ${describeValue(key)}`);
  Object.defineProperty(d, k, { value, enumerable: true, writable: true, configurable: true });
}

export function isTuple(x: unknown): x is readonly unknown[] {
  return Array.isArray(x) && Object.isFrozen(x);
}

function tuple(items: unknown[]): readonly unknown[] {
  return Object.freeze(items);
}

/** A short description of a value for error messages, in Python's terms. */
export function describeValue(x: unknown): string {
  if (x === null) return "None";
  if (isTuple(x)) return "tuple";
  if (Array.isArray(x)) return "list";
  if (isPickledDict(x)) return "dict";
  if (typeof x === "number") return Number.isInteger(x) ? "int" : "float";
  if (typeof x === "bigint") return "int";
  if (typeof x === "string") return "str";
  if (typeof x === "boolean") return "bool";
  return typeof x === "object" ? (x.constructor?.name ?? "object") : typeof x;
}

/** Python's decode_long: little-endian two's complement of any length. */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

const OP = {
  MARK: 0x28, STOP: 0x2e, BINPERSID: 0x51, REDUCE: 0x52, BUILD: 0x62, GLOBAL: 0x63, NEWOBJ: 0x81,
  EMPTY_DICT: 0x7d, EMPTY_LIST: 0x5d, EMPTY_TUPLE: 0x29, TUPLE: 0x74, TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87,
  SETITEM: 0x73, SETITEMS: 0x75, APPEND: 0x61, APPENDS: 0x65,
  BININT: 0x4a, BININT1: 0x4b, BININT2: 0x4d, LONG1: 0x8a, LONG4: 0x8b, BINFLOAT: 0x47,
  BINUNICODE: 0x58, SHORT_BINUNICODE: 0x8c, BINUNICODE8: 0x8d, SHORT_BINSTRING: 0x55, BINSTRING: 0x54,
  SHORT_BINBYTES: 0x43, BINBYTES: 0x42,
  NONE: 0x4e, NEWTRUE: 0x88, NEWFALSE: 0x89,
  BINPUT: 0x71, LONG_BINPUT: 0x72, BINGET: 0x68, LONG_BINGET: 0x6a, MEMOIZE: 0x94, FRAME: 0x95, PROTO: 0x80,
} as const;

/** Runs the pickle program in `bytes` and returns the object it builds. */
export function unpickle(bytes: Uint8Array, hooks: UnpickleHooks): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const memo = new Map<number, unknown>();
  const metastack: unknown[][] = [];
  let stack: unknown[] = [];
  let pos = 0;

  const need = (n: number): number => {
    if (pos + n > bytes.length) throw new UnpicklingError(`pickle data was truncated: needed ${n} bytes at offset ${pos} of ${bytes.length}`);
    const at = pos;
    pos += n;
    return at;
  };
  const pop = (): unknown => {
    if (stack.length === 0) throw new UnpicklingError(`unpickling stack underflow at offset ${pos - 1}`);
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) throw new UnpicklingError(`unpickling stack underflow at offset ${pos - 1}`);
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const outer = metastack.pop();
    if (outer === undefined) throw new UnpicklingError(`could not find MARK before offset ${pos - 1}`);
    stack = outer;
    return items;
  };
  const text = (n: number): string => {
    const at = need(n);
    try {
      return utf8.decode(bytes.subarray(at, at + n));
    } catch {
      throw new UnpicklingError(`a string at offset ${at} is not valid UTF-8`);
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw new UnpicklingError(`pickle data was truncated: GLOBAL at offset ${pos - 1} has no newline`);
    return text(end - pos + 1).slice(0, -1);
  };
  const dictTarget = (op: string): Record<string, unknown> => {
    const d = top();
    if (!isPickledDict(d)) throw new UnpicklingError(`Can only ${op} for dict, collections.OrderedDict, collections.Counter, but got ${describeValue(d)}`);
    return d;
  };
  const listTarget = (): unknown[] => {
    const l = top();
    if (!Array.isArray(l) || isTuple(l)) throw new UnpicklingError(`Can only append to lists, but got ${describeValue(l)}`);
    return l;
  };

  for (;;) {
    const op = bytes[need(1)]!;
    switch (op) {
      case OP.PROTO: {
        const proto = bytes[need(1)]!;
        if (proto > 5) throw new UnpicklingError(`unsupported pickle protocol: ${proto}`);
        break;
      }
      case OP.FRAME: need(8); break; // framing (protocol 4) only groups opcodes
      case OP.STOP: {
        const result = pop();
        return result;
      }
      case OP.GLOBAL: {
        const module = line();
        const name = line();
        stack.push(hooks.findGlobal(module, name));
        break;
      }
      case OP.REDUCE: {
        const args = pop();
        if (!isTuple(args)) throw new UnpicklingError(`REDUCE expects a tuple of arguments, got ${describeValue(args)}`);
        const f = pop();
        stack.push(hooks.reduce(f, args));
        break;
      }
      case OP.NEWOBJ: {
        const args = pop();
        if (!isTuple(args)) throw new UnpicklingError(`NEWOBJ expects a tuple of arguments, got ${describeValue(args)}`);
        stack.push(hooks.newObject(pop(), args));
        break;
      }
      case OP.BUILD: {
        const state = pop();
        const instance = pop();
        const built = hooks.build(instance, state);
        stack.push(built);
        if (built !== instance) for (const [k, v] of memo) if (v === instance) memo.set(k, built);
        break;
      }
      case OP.BINPERSID: stack.push(hooks.persistentLoad(pop())); break;
      case OP.MARK: metastack.push(stack); stack = []; break;
      case OP.EMPTY_DICT: stack.push(newPickledDict()); break;
      case OP.EMPTY_LIST: stack.push([]); break;
      case OP.EMPTY_TUPLE: stack.push(tuple([])); break;
      case OP.TUPLE: { const items = popMark(); stack.push(tuple(items)); break; }
      case OP.TUPLE1: stack.push(tuple([pop()])); break;
      case OP.TUPLE2: { const b = pop(); const a = pop(); stack.push(tuple([a, b])); break; }
      case OP.TUPLE3: { const c = pop(); const b = pop(); const a = pop(); stack.push(tuple([a, b, c])); break; }
      case OP.SETITEM: {
        const value = pop();
        const key = pop();
        setDictItem(dictTarget("SETITEM"), key, value);
        break;
      }
      case OP.SETITEMS: {
        const items = popMark();
        if (items.length % 2 !== 0) throw new UnpicklingError(`SETITEMS needs key/value pairs, got ${items.length} items`);
        const d = dictTarget("SETITEMS");
        for (let i = 0; i < items.length; i += 2) setDictItem(d, items[i], items[i + 1]);
        break;
      }
      case OP.APPEND: { const item = pop(); listTarget().push(item); break; }
      case OP.APPENDS: { const items = popMark(); const l = listTarget(); for (const x of items) l.push(x); break; }
      case OP.BININT: stack.push(view.getInt32(need(4), true)); break;
      case OP.BININT1: stack.push(bytes[need(1)]!); break;
      case OP.BININT2: stack.push(view.getUint16(need(2), true)); break;
      case OP.LONG1: { const n = bytes[need(1)]!; const at = need(n); stack.push(decodeLong(bytes.subarray(at, at + n))); break; }
      case OP.LONG4: {
        const n = view.getInt32(need(4), true);
        if (n < 0) throw new UnpicklingError("LONG pickle has negative byte count");
        const at = need(n);
        stack.push(decodeLong(bytes.subarray(at, at + n)));
        break;
      }
      case OP.BINFLOAT: stack.push(view.getFloat64(need(8), false)); break; // big-endian, as pickle writes it
      case OP.BINUNICODE: stack.push(text(view.getUint32(need(4), true))); break;
      case OP.SHORT_BINUNICODE: stack.push(text(bytes[need(1)]!)); break;
      case OP.BINUNICODE8: {
        const n = view.getBigUint64(need(8), true);
        if (n > BigInt(bytes.length)) throw new UnpicklingError(`pickle data was truncated: a ${n}-byte string at offset ${pos}`);
        stack.push(text(Number(n)));
        break;
      }
      case OP.SHORT_BINSTRING: stack.push(text(bytes[need(1)]!)); break; // Python 2 str: torch.load decodes it (utf-8 by default)
      case OP.BINSTRING: stack.push(text(view.getUint32(need(4), true))); break;
      case OP.SHORT_BINBYTES: { const n = bytes[need(1)]!; const at = need(n); stack.push(bytes.slice(at, at + n)); break; }
      case OP.BINBYTES: { const n = view.getUint32(need(4), true); const at = need(n); stack.push(bytes.slice(at, at + n)); break; }
      case OP.NONE: stack.push(null); break;
      case OP.NEWTRUE: stack.push(true); break;
      case OP.NEWFALSE: stack.push(false); break;
      case OP.BINPUT: memo.set(bytes[need(1)]!, top()); break;
      case OP.LONG_BINPUT: memo.set(view.getUint32(need(4), true), top()); break;
      case OP.MEMOIZE: memo.set(memo.size, top()); break;
      case OP.BINGET:
      case OP.LONG_BINGET: {
        const key = op === OP.BINGET ? bytes[need(1)]! : view.getUint32(need(4), true);
        if (!memo.has(key)) throw new UnpicklingError(`Memo value not found at index ${key}`);
        stack.push(memo.get(key));
        break;
      }
      default:
        throw new UnpicklingError(`Unsupported operand ${op}`);
    }
  }
}
