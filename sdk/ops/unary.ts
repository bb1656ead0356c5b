// Ops of the unary family: elementwise math on one array.
//
// Dtype rules (MLX's): transcendental functions promote integer and bool
// inputs to float32 and keep float16/bfloat16/float32/float64/complex64;
// abs, negative, sign and square keep the input dtype; floor, ceil and round
// are identities on integers; the predicates and logicalNot return bool.
import { MxArray, wrap } from '../array.js';
import { toNativeStream, type StreamOrDevice } from '../device.js';
import type { NativeArray, NativeStreamArg } from '../native.js';
import { native } from '../native.js';
import { describe, toArray, type ArrayLike } from './convert.js';

type NativeUnary = (a: NativeArray, s: NativeStreamArg) => NativeArray;

declare module '../native.js' {
  interface NativeAddon {
    abs: NativeUnary;
    negative: NativeUnary;
    sign: NativeUnary;
    exp: NativeUnary;
    expm1: NativeUnary;
    log: NativeUnary;
    log1p: NativeUnary;
    log2: NativeUnary;
    log10: NativeUnary;
    sqrt: NativeUnary;
    rsqrt: NativeUnary;
    square: NativeUnary;
    reciprocal: NativeUnary;
    sin: NativeUnary;
    cos: NativeUnary;
    tan: NativeUnary;
    arcsin: NativeUnary;
    arccos: NativeUnary;
    arctan: NativeUnary;
    sinh: NativeUnary;
    cosh: NativeUnary;
    tanh: NativeUnary;
    arcsinh: NativeUnary;
    arccosh: NativeUnary;
    arctanh: NativeUnary;
    degrees: NativeUnary;
    radians: NativeUnary;
    floor: NativeUnary;
    ceil: NativeUnary;
    round(a: NativeArray, decimals: number, s: NativeStreamArg): NativeArray;
    erf: NativeUnary;
    erfinv: NativeUnary;
    sigmoid: NativeUnary;
    isnan: NativeUnary;
    isinf: NativeUnary;
    isfinite: NativeUnary;
    isposinf: NativeUnary;
    isneginf: NativeUnary;
    logicalNot: NativeUnary;
    bitwiseInvert: NativeUnary;
    conjugate: NativeUnary;
    real: NativeUnary;
    imag: NativeUnary;
    stopGradient: NativeUnary;
  }
}

function unary(fn: NativeUnary, a: ArrayLike, op: string, stream: StreamOrDevice | undefined): MxArray {
  const x = toArray(a, op, 'a');
  return wrap(fn(x._native, toNativeStream(stream)));
}

/** Element-wise absolute value. Keeps the dtype; complex64 gives float32 (the modulus). */
export function abs(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.abs, a, 'abs', stream);
}

/** Element-wise negation. Keeps the dtype (unsigned integers wrap around); throws for bool (use `logicalNot`). */
export function negative(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.negative, a, 'negative', stream);
}

/**
 * Element-wise sign: -1, 0 or 1 in the input's dtype (0 for nan, as MLX);
 * `z / |z|` for complex64; bool is returned unchanged.
 */
export function sign(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.sign, a, 'sign', stream);
}

/** Element-wise exponential `e^a`. Integer and bool inputs give float32. */
export function exp(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.exp, a, 'exp', stream);
}

/** Element-wise `e^a - 1`, accurate for small `a`. Not supported for complex64. */
export function expm1(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.expm1, a, 'expm1', stream);
}

/** Element-wise natural logarithm (nan for negative inputs, -inf at 0). */
export function log(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.log, a, 'log', stream);
}

/** Element-wise `log(1 + a)`, accurate for small `a`. */
export function log1p(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.log1p, a, 'log1p', stream);
}

/** Element-wise base-2 logarithm. */
export function log2(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.log2, a, 'log2', stream);
}

/** Element-wise base-10 logarithm. */
export function log10(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.log10, a, 'log10', stream);
}

/** Element-wise square root (nan for negative real inputs). */
export function sqrt(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.sqrt, a, 'sqrt', stream);
}

/** Element-wise reciprocal square root `1 / sqrt(a)`. */
export function rsqrt(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.rsqrt, a, 'rsqrt', stream);
}

/** Element-wise `a * a`, keeping the dtype (integers wrap on overflow). */
export function square(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.square, a, 'square', stream);
}

/** Element-wise `1 / a`. Integer and bool inputs give float32. */
export function reciprocal(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.reciprocal, a, 'reciprocal', stream);
}

/** Element-wise sine (radians). */
export function sin(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.sin, a, 'sin', stream);
}

/** Element-wise cosine (radians). */
export function cos(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.cos, a, 'cos', stream);
}

/** Element-wise tangent (radians). */
export function tan(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.tan, a, 'tan', stream);
}

/** Element-wise inverse sine (nan outside [-1, 1] for real inputs). */
export function arcsin(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.arcsin, a, 'arcsin', stream);
}

/** Element-wise inverse cosine (nan outside [-1, 1] for real inputs). */
export function arccos(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.arccos, a, 'arccos', stream);
}

/** Element-wise inverse tangent. */
export function arctan(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.arctan, a, 'arctan', stream);
}

/** Element-wise hyperbolic sine. */
export function sinh(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.sinh, a, 'sinh', stream);
}

/** Element-wise hyperbolic cosine. */
export function cosh(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.cosh, a, 'cosh', stream);
}

/** Element-wise hyperbolic tangent. */
export function tanh(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.tanh, a, 'tanh', stream);
}

/** Element-wise inverse hyperbolic sine. */
export function arcsinh(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.arcsinh, a, 'arcsinh', stream);
}

/** Element-wise inverse hyperbolic cosine (nan below 1 for real inputs). */
export function arccosh(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.arccosh, a, 'arccosh', stream);
}

/** Element-wise inverse hyperbolic tangent (±inf at ±1, nan beyond). */
export function arctanh(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.arctanh, a, 'arctanh', stream);
}

/** Converts angles from radians to degrees (`a * 180 / pi` in a's floating dtype). */
export function degrees(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.degrees, a, 'degrees', stream);
}

/** Converts angles from degrees to radians (`a * pi / 180` in a's floating dtype). */
export function radians(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.radians, a, 'radians', stream);
}

/** Element-wise floor. Integers are returned unchanged; not supported for complex64. */
export function floor(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.floor, a, 'floor', stream);
}

/** Element-wise ceiling. Integers are returned unchanged; not supported for complex64. */
export function ceil(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.ceil, a, 'ceil', stream);
}

/**
 * Rounds to `decimals` decimal places, halves to even: `round(a * 10**decimals) / 10**decimals`
 * computed in a's floating dtype (float32 for integers), returned in a's dtype.
 * A negative `decimals` rounds to tens, hundreds, ...
 */
export function round(a: ArrayLike, decimals = 0, stream?: StreamOrDevice): MxArray {
  const x = toArray(a, 'round', 'a');
  if (!Number.isInteger(decimals)) {
    throw new Error(`[round] Expected an integer number of decimals, got ${describe(decimals)}.`);
  }
  return wrap(native.round(x._native, decimals, toNativeStream(stream)));
}

/** Element-wise error function. Not supported for complex64. */
export function erf(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.erf, a, 'erf', stream);
}

/** Element-wise inverse error function: ±inf at ±1, nan outside [-1, 1]. Not supported for complex64. */
export function erfinv(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.erfinv, a, 'erfinv', stream);
}

/** Element-wise logistic sigmoid `1 / (1 + e^-a)`. Not supported for complex64. */
export function sigmoid(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.sigmoid, a, 'sigmoid', stream);
}

/** Bool array: true where `a` is nan (either part for complex). All false for integers. */
export function isnan(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.isnan, a, 'isnan', stream);
}

/** Bool array: true where `a` is ±inf (either part for complex). All false for integers. */
export function isinf(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.isinf, a, 'isinf', stream);
}

/** Bool array: true where `a` is neither inf nor nan. All true for integers. */
export function isfinite(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.isfinite, a, 'isfinite', stream);
}

/** Bool array: true where `a` is +inf. All false for integers. */
export function isposinf(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.isposinf, a, 'isposinf', stream);
}

/** Bool array: true where `a` is -inf. All false for integers. */
export function isneginf(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.isneginf, a, 'isneginf', stream);
}

/** Element-wise logical not of `a` cast to bool (returns bool). */
export function logicalNot(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.logicalNot, a, 'logical_not', stream);
}

/** Element-wise bitwise inversion `~a` for integers (logical not for bool); throws for floating dtypes. */
export function bitwiseInvert(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.bitwiseInvert, a, 'bitwise_invert', stream);
}

/** Element-wise complex conjugate; real arrays are returned as they are. Same as `conj`. */
export function conjugate(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.conjugate, a, 'conjugate', stream);
}

/** Element-wise complex conjugate; real arrays are returned as they are. Same as `conjugate`. */
export function conj(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.conjugate, a, 'conj', stream);
}

/** The real part: float32 for complex64; real arrays are returned as they are. */
export function real(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.real, a, 'real', stream);
}

/** The imaginary part: float32 for complex64; zeros of a's dtype for real arrays. */
export function imag(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.imag, a, 'imag', stream);
}

/** The identity, except that gradients do not flow through it. */
export function stopGradient(a: ArrayLike, stream?: StreamOrDevice): MxArray {
  return unary(native.stopGradient, a, 'stop_gradient', stream);
}

// ---- array methods (MLX's `array.abs()`, ... and the `real`/`imag` properties) ----

declare module '../array.js' {
  interface MxArray {
    /** See `mx.abs`. */
    abs(stream?: StreamOrDevice): MxArray;
    /** See `mx.conj`. */
    conj(stream?: StreamOrDevice): MxArray;
    /** See `mx.cos`. */
    cos(stream?: StreamOrDevice): MxArray;
    /** See `mx.exp`. */
    exp(stream?: StreamOrDevice): MxArray;
    /** See `mx.log`. */
    log(stream?: StreamOrDevice): MxArray;
    /** See `mx.log10`. */
    log10(stream?: StreamOrDevice): MxArray;
    /** See `mx.log1p`. */
    log1p(stream?: StreamOrDevice): MxArray;
    /** See `mx.log2`. */
    log2(stream?: StreamOrDevice): MxArray;
    /** See `mx.reciprocal`. */
    reciprocal(stream?: StreamOrDevice): MxArray;
    /** See `mx.round`. */
    round(decimals?: number, stream?: StreamOrDevice): MxArray;
    /** See `mx.rsqrt`. */
    rsqrt(stream?: StreamOrDevice): MxArray;
    /** See `mx.sin`. */
    sin(stream?: StreamOrDevice): MxArray;
    /** See `mx.sqrt`. */
    sqrt(stream?: StreamOrDevice): MxArray;
    /** See `mx.square`. */
    square(stream?: StreamOrDevice): MxArray;
    /** The real part (see `mx.real`). */
    readonly real: MxArray;
    /** The imaginary part (see `mx.imag`). */
    readonly imag: MxArray;
  }
}

MxArray.prototype.abs = function (this: MxArray, stream?: StreamOrDevice): MxArray {
  return abs(this, stream);
};
MxArray.prototype.conj = function (this: MxArray, stream?: StreamOrDevice): MxArray {
  return conj(this, stream);
};
MxArray.prototype.cos = function (this: MxArray, stream?: StreamOrDevice): MxArray {
  return cos(this, stream);
};
MxArray.prototype.exp = function (this: MxArray, stream?: StreamOrDevice): MxArray {
  return exp(this, stream);
};
MxArray.prototype.log = function (this: MxArray, stream?: StreamOrDevice): MxArray {
  return log(this, stream);
};
MxArray.prototype.log10 = function (this: MxArray, stream?: StreamOrDevice): MxArray {
  return log10(this, stream);
};
MxArray.prototype.log1p = function (this: MxArray, stream?: StreamOrDevice): MxArray {
  return log1p(this, stream);
};
MxArray.prototype.log2 = function (this: MxArray, stream?: StreamOrDevice): MxArray {
  return log2(this, stream);
};
MxArray.prototype.reciprocal = function (this: MxArray, stream?: StreamOrDevice): MxArray {
  return reciprocal(this, stream);
};
MxArray.prototype.rsqrt = function (this: MxArray, stream?: StreamOrDevice): MxArray {
  return rsqrt(this, stream);
};
MxArray.prototype.sin = function (this: MxArray, stream?: StreamOrDevice): MxArray {
  return sin(this, stream);
};
MxArray.prototype.sqrt = function (this: MxArray, stream?: StreamOrDevice): MxArray {
  return sqrt(this, stream);
};
MxArray.prototype.square = function (this: MxArray, stream?: StreamOrDevice): MxArray {
  return square(this, stream);
};
MxArray.prototype.round = function (this: MxArray, decimals = 0, stream?: StreamOrDevice): MxArray {
  return round(this, decimals, stream);
};
Object.defineProperty(MxArray.prototype, 'real', {
  get(this: MxArray): MxArray {
    return real(this);
  },
  configurable: true,
});
Object.defineProperty(MxArray.prototype, 'imag', {
  get(this: MxArray): MxArray {
    return imag(this);
  },
  configurable: true,
});
