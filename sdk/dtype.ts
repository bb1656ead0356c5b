// Dtypes: the MLX set, their categories, promotion, and finfo/iinfo.

/** A data type. Compare with `===` (each dtype is one object). */
export class Dtype {
  /** @internal */
  constructor(
    /** MLX's name: `float32`, `bool`, ... */
    readonly name: string,
    /** Bytes per element. */
    readonly size: number,
    /** The native enum value (MLX's order). */
    readonly val: number,
    readonly category: DtypeCategory,
  ) {}
  /** `mlx.core.float32`, as MLX prints a dtype. */
  toString(): string {
    return `mlx.core.${this.name}`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Dtype categories, MLX's lattice: `issubdtype(mx.int8, mx.integer)`. */
export class DtypeCategory {
  /** @internal */
  constructor(
    readonly name: string,
    /** @internal */ readonly parents: readonly string[],
  ) {}
  toString(): string {
    return `mlx.core.${this.name}`;
  }
}

export const generic = new DtypeCategory('generic', []);
export const number = new DtypeCategory('number', ['generic']);
export const integer = new DtypeCategory('integer', ['number', 'generic']);
export const signedinteger = new DtypeCategory('signedinteger', ['integer', 'number', 'generic']);
export const unsignedinteger = new DtypeCategory('unsignedinteger', ['integer', 'number', 'generic']);
export const inexact = new DtypeCategory('inexact', ['number', 'generic']);
export const floating = new DtypeCategory('floating', ['inexact', 'number', 'generic']);
export const complexfloating = new DtypeCategory('complexfloating', ['inexact', 'number', 'generic']);

export const bool_ = new Dtype('bool', 1, 0, generic);
export const uint8 = new Dtype('uint8', 1, 1, unsignedinteger);
export const uint16 = new Dtype('uint16', 2, 2, unsignedinteger);
export const uint32 = new Dtype('uint32', 4, 3, unsignedinteger);
export const uint64 = new Dtype('uint64', 8, 4, unsignedinteger);
export const int8 = new Dtype('int8', 1, 5, signedinteger);
export const int16 = new Dtype('int16', 2, 6, signedinteger);
export const int32 = new Dtype('int32', 4, 7, signedinteger);
export const int64 = new Dtype('int64', 8, 8, signedinteger);
export const float16 = new Dtype('float16', 2, 9, floating);
export const float32 = new Dtype('float32', 4, 10, floating);
export const float64 = new Dtype('float64', 8, 11, floating);
export const bfloat16 = new Dtype('bfloat16', 2, 12, floating);
export const complex64 = new Dtype('complex64', 8, 13, complexfloating);

/** Every dtype, indexed by its native value. */
export const dtypes: readonly Dtype[] = [
  bool_, uint8, uint16, uint32, uint64, int8, int16, int32, int64,
  float16, float32, float64, bfloat16, complex64,
];

/** @internal The Dtype object of a native enum value. */
export function dtypeFromVal(val: number): Dtype {
  const d = dtypes[val];
  if (!d) throw new Error(`[dtype] Unknown dtype value ${val}.`);
  return d;
}

// MLX's promotion table, by native value (see native/src/core/dtype.cpp).
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
  [1, 1, 2, 3, 4, 6, 6, 7, 8, 9, 10, 11, 12, 13],
  [2, 2, 2, 3, 4, 7, 7, 7, 8, 9, 10, 11, 12, 13],
  [3, 3, 3, 3, 4, 8, 8, 8, 8, 9, 10, 11, 12, 13],
  [4, 4, 4, 4, 4, 10, 10, 10, 10, 9, 10, 11, 12, 13],
  [5, 6, 7, 8, 10, 5, 6, 7, 8, 9, 10, 11, 12, 13],
  [6, 6, 7, 8, 10, 6, 6, 7, 8, 9, 10, 11, 12, 13],
  [7, 7, 7, 8, 10, 7, 7, 7, 8, 9, 10, 11, 12, 13],
  [8, 8, 8, 8, 10, 8, 8, 8, 8, 9, 10, 11, 12, 13],
  [9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 10, 11, 10, 13],
  [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 11, 10, 13],
  [11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 13],
  [12, 12, 12, 12, 12, 12, 12, 12, 12, 10, 10, 11, 12, 13],
  [13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13, 13],
];

/** The dtype two dtypes promote to (MLX's rules). */
export function promoteTypes(a: Dtype, b: Dtype): Dtype {
  return dtypes[P[a.val][b.val]];
}

/** MLX's `issubdtype`: a dtype or category within another. */
export function issubdtype(a: Dtype | DtypeCategory, b: Dtype | DtypeCategory): boolean {
  if (b instanceof Dtype) return a === b;
  const cat = a instanceof Dtype ? a.category : a;
  return cat === b || cat.parents.includes(b.name);
}

/** Machine limits of a floating dtype (MLX's `finfo`). */
export class finfo {
  readonly min: number;
  readonly max: number;
  readonly eps: number;
  readonly dtype: Dtype;
  constructor(dtype: Dtype) {
    const limits: Record<string, [number, number]> = {
      float16: [65504, 2 ** -10],
      bfloat16: [3.3895313892515355e38, 2 ** -7],
      float32: [3.4028234663852886e38, 2 ** -23],
      float64: [Number.MAX_VALUE, Number.EPSILON],
      complex64: [3.4028234663852886e38, 2 ** -23],
    };
    const l = limits[dtype.name];
    if (!l) {
      throw new Error(`[finfo] dtype ${dtype.name} is not inexact.`);
    }
    this.dtype = dtype.name === 'complex64' ? float32 : dtype;
    this.max = l[0];
    this.min = -l[0];
    this.eps = l[1];
  }
  toString(): string {
    return `finfo(min=${formatLimit(this.min)}, max=${formatLimit(this.max)}, dtype=${this.dtype.name})`;
  }
}

/** Limits of an integer dtype (MLX's `iinfo`). */
export class iinfo {
  readonly min: number | bigint;
  readonly max: number | bigint;
  readonly dtype: Dtype;
  constructor(dtype: Dtype) {
    if (!issubdtype(dtype, integer)) throw new Error(`[iinfo] dtype ${dtype.name} is not integral.`);
    this.dtype = dtype;
    const bits = dtype.size * 8;
    const signed = issubdtype(dtype, signedinteger);
    if (bits === 64) {
      this.min = signed ? -(2n ** 63n) : 0n;
      this.max = signed ? 2n ** 63n - 1n : 2n ** 64n - 1n;
    } else {
      this.min = signed ? -(2 ** (bits - 1)) : 0;
      this.max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    }
  }
  toString(): string {
    return `iinfo(min=${this.min}, max=${this.max}, dtype=${this.dtype.name})`;
  }
}

function formatLimit(x: number): string {
  return x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
}
