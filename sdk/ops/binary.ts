// Ops of the binary family: elementwise arithmetic, comparisons, logical and
// bitwise ops with numpy-style broadcasting, plus where, clip, isclose,
// allclose and arrayEqual. JS numbers follow MLX's weak-scalar rule: they take
// the dtype of the array they meet (`float16 array * 2.5` stays float16,
// `int32 array + 2.5` gives float32).
import { MxArray, wrap } from '../array.js';
import { toNativeStream, type StreamOrDevice } from '../device.js';
import type { NativeArray, NativeStreamArg } from '../native.js';
import { native } from '../native.js';
import { scalarOperand, toArray, toOperands, weakScalarDtype, type ArrayLike } from './convert.js';

type NativeBinary = (a: NativeArray, b: NativeArray, s: NativeStreamArg) => NativeArray;

declare module '../native.js' {
  interface NativeAddon {
    add: NativeBinary;
    subtract: NativeBinary;
    multiply: NativeBinary;
    divide: NativeBinary;
    floorDivide: NativeBinary;
    remainder: NativeBinary;
    power: NativeBinary;
    maximum: NativeBinary;
    minimum: NativeBinary;
    arctan2: NativeBinary;
    logaddexp: NativeBinary;
    equal: NativeBinary;
    notEqual: NativeBinary;
    less: NativeBinary;
    lessEqual: NativeBinary;
    greater: NativeBinary;
    greaterEqual: NativeBinary;
    logicalAnd: NativeBinary;
    logicalOr: NativeBinary;
    bitwiseAnd: NativeBinary;
    bitwiseOr: NativeBinary;
    bitwiseXor: NativeBinary;
    leftShift: NativeBinary;
    rightShift: NativeBinary;
    divmod(a: NativeArray, b: NativeArray, s: NativeStreamArg): NativeArray[];
    where(condition: NativeArray, x: NativeArray, y: NativeArray, s: NativeStreamArg): NativeArray;
    clip(a: NativeArray, aMin: NativeArray | null, aMax: NativeArray | null, s: NativeStreamArg): NativeArray;
    isclose(a: NativeArray, b: NativeArray, rtol: number, atol: number, equalNan: boolean, s: NativeStreamArg): NativeArray;
    allclose(a: NativeArray, b: NativeArray, rtol: number, atol: number, equalNan: boolean, s: NativeStreamArg): NativeArray;
    arrayEqual(a: NativeArray, b: NativeArray, equalNan: boolean, s: NativeStreamArg): NativeArray;
  }
}

/** Releases the arrays made here from JS scalars once the native op holds them. */
function releaseTemps(made: MxArray[], given: unknown[]): void {
  for (const m of made) if (!given.includes(m)) m.dispose();
}

function binary(fn: NativeBinary, op: string, a: ArrayLike, b: ArrayLike, stream: StreamOrDevice | undefined): MxArray {
  // The common cases first: two arrays, or an array and a JS scalar (kept handle).
  if (a instanceof MxArray) {
    if (b instanceof MxArray) return wrap(fn(a._native, b._native, toNativeStream(stream)));
    if (typeof b === 'number' || typeof b === 'boolean') {
      return wrap(fn(a._native, scalarOperand(b, weakScalarDtype(b, a.dtype)), toNativeStream(stream)));
    }
  } else if (b instanceof MxArray && (typeof a === 'number' || typeof a === 'boolean')) {
    return wrap(fn(scalarOperand(a, weakScalarDtype(a, b.dtype)), b._native, toNativeStream(stream)));
  }
  const [x, y] = toOperands(a, b, op);
  try {
    return wrap(fn(x._native, y._native, toNativeStream(stream)));
  } finally {
    releaseTemps([x, y], [a, b]);
  }
}

/** Elementwise `a + b` with broadcasting. */
export function add(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.add, 'add', a, b, stream);
}

/** Elementwise `a - b` with broadcasting. */
export function subtract(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.subtract, 'subtract', a, b, stream);
}

/** Elementwise `a * b` with broadcasting. */
export function multiply(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.multiply, 'multiply', a, b, stream);
}

/**
 * Elementwise true division `a / b`. Integer (and bool) inputs give float32;
 * floating point division by zero gives ±inf or NaN.
 */
export function divide(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.divide, 'divide', a, b, stream);
}

/**
 * Elementwise floor division `a // b`. Integers stay integers and round toward
 * negative infinity (Python's rule: `-7 // 2 == -4`; `x // 0` gives 0);
 * floating point gives `floor(a / b)`. Not supported for complex64.
 */
export function floorDivide(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.floorDivide, 'floor_divide', a, b, stream);
}

/**
 * Elementwise remainder `a % b` with the sign of the divisor (Python's rule:
 * `-7 % 3 == 2`, `7 % -3 == -2`), for integers and floats. Integer `x % 0`
 * gives 0; floating point `x % 0` gives NaN. Not supported for complex64.
 */
export function remainder(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.remainder, 'remainder', a, b, stream);
}

/**
 * The quotient and remainder of floor division, `[floorDivide(a, b),
 * remainder(a, b)]`, computed in one pass.
 */
export function divmod(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): [MxArray, MxArray] {
  const [x, y] = toOperands(a, b, 'divmod');
  try {
    const [q, r] = native.divmod(x._native, y._native, toNativeStream(stream));
    return [wrap(q), wrap(r)];
  } finally {
    releaseTemps([x, y], [a, b]);
  }
}

/**
 * Elementwise `a` raised to the power `b`. Integer powers stay integer (as in
 * MLX, a negative integer exponent gives 0).
 */
export function power(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.power, 'power', a, b, stream);
}

/** Elementwise maximum; NaN wins over any number. */
export function maximum(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.maximum, 'maximum', a, b, stream);
}

/** Elementwise minimum; NaN wins over any number. */
export function minimum(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.minimum, 'minimum', a, b, stream);
}

/**
 * Elementwise arc tangent of `a / b`, using the signs of both to pick the
 * quadrant (`atan2(a, b)`). Integer inputs give float32.
 */
export function arctan2(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.arctan2, 'arctan2', a, b, stream);
}

/** Elementwise `log(exp(a) + exp(b))`, computed without overflow. Integer inputs give float32. */
export function logaddexp(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.logaddexp, 'logaddexp', a, b, stream);
}

/** Elementwise `a == b` (bool result). */
export function equal(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.equal, 'equal', a, b, stream);
}

/** Elementwise `a != b` (bool result). */
export function notEqual(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.notEqual, 'not_equal', a, b, stream);
}

/** Elementwise `a < b` (bool result). */
export function less(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.less, 'less', a, b, stream);
}

/** Elementwise `a <= b` (bool result). */
export function lessEqual(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.lessEqual, 'less_equal', a, b, stream);
}

/** Elementwise `a > b` (bool result). */
export function greater(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.greater, 'greater', a, b, stream);
}

/** Elementwise `a >= b` (bool result). */
export function greaterEqual(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.greaterEqual, 'greater_equal', a, b, stream);
}

/** Elementwise logical and of the operands' truth values (bool result). */
export function logicalAnd(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.logicalAnd, 'logical_and', a, b, stream);
}

/** Elementwise logical or of the operands' truth values (bool result). */
export function logicalOr(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.logicalOr, 'logical_or', a, b, stream);
}

/** Elementwise bitwise and; integer or bool operands only. */
export function bitwiseAnd(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.bitwiseAnd, 'bitwise_and', a, b, stream);
}

/** Elementwise bitwise or; integer or bool operands only. */
export function bitwiseOr(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.bitwiseOr, 'bitwise_or', a, b, stream);
}

/** Elementwise bitwise exclusive or; integer or bool operands only. */
export function bitwiseXor(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.bitwiseXor, 'bitwise_xor', a, b, stream);
}

/**
 * Elementwise `a << b`; integer or bool operands (bool computes in uint8).
 * Shifting by the bit width or more gives 0.
 */
export function leftShift(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.leftShift, 'left_shift', a, b, stream);
}

/**
 * Elementwise `a >> b` (arithmetic for signed integers); integer or bool
 * operands (bool computes in uint8).
 */
export function rightShift(a: ArrayLike, b: ArrayLike, stream?: StreamOrDevice): MxArray {
  return binary(native.rightShift, 'right_shift', a, b, stream);
}

/**
 * Picks elements from `x` where `condition` is true and from `y` elsewhere.
 * All three broadcast together; the result dtype is the promotion of `x` and
 * `y` (JS scalars among them are weak).
 */
export function where(condition: ArrayLike, x: ArrayLike, y: ArrayLike, stream?: StreamOrDevice): MxArray {
  const c = toArray(condition, 'where', 'condition');
  const [xa, ya] = toOperands(x, y, 'where');
  try {
    return wrap(native.where(c._native, xa._native, ya._native, toNativeStream(stream)));
  } finally {
    releaseTemps([c, xa, ya], [condition, x, y]);
  }
}

/**
 * Clips `a` to `[aMin, aMax]` (MLX composes `minimum(maximum(a, aMin), aMax)`).
 * Either bound may be `null`, not both; bounds broadcast with `a`, and JS
 * numbers take `a`'s dtype.
 */
export function clip(
  a: ArrayLike,
  aMin: ArrayLike | null | undefined,
  aMax: ArrayLike | null | undefined,
  stream?: StreamOrDevice,
): MxArray {
  const x = toArray(a, 'clip');
  const lo = aMin === null || aMin === undefined ? null : toOperands(x, aMin, 'clip')[1];
  const hi = aMax === null || aMax === undefined ? null : toOperands(x, aMax, 'clip')[1];
  try {
    return wrap(native.clip(x._native, lo?._native ?? null, hi?._native ?? null, toNativeStream(stream)));
  } finally {
    releaseTemps([x, ...(lo ? [lo] : []), ...(hi ? [hi] : [])], [a, aMin, aMax]);
  }
}

/**
 * Elementwise closeness: `|a - b| <= atol + rtol * |b|` (bool result).
 * Infinities are close only to the same infinity; NaNs are close to each
 * other only with `equalNan`.
 */
export function isclose(
  a: ArrayLike,
  b: ArrayLike,
  rtol = 1e-5,
  atol = 1e-8,
  equalNan = false,
  stream?: StreamOrDevice,
): MxArray {
  const [x, y] = toOperands(a, b, 'isclose');
  try {
    return wrap(native.isclose(x._native, y._native, rtol, atol, equalNan, toNativeStream(stream)));
  } finally {
    releaseTemps([x, y], [a, b]);
  }
}

/** Whether all elements are `isclose` (a 0-d bool array; true for empty inputs). */
export function allclose(
  a: ArrayLike,
  b: ArrayLike,
  rtol = 1e-5,
  atol = 1e-8,
  equalNan = false,
  stream?: StreamOrDevice,
): MxArray {
  const [x, y] = toOperands(a, b, 'allclose');
  try {
    return wrap(native.allclose(x._native, y._native, rtol, atol, equalNan, toNativeStream(stream)));
  } finally {
    releaseTemps([x, y], [a, b]);
  }
}

/**
 * Whether `a` and `b` have the same shape and equal values (a 0-d bool
 * array). The dtypes may differ; different shapes give false, not an error.
 * With `equalNan`, NaNs compare equal.
 */
export function arrayEqual(a: ArrayLike, b: ArrayLike, equalNan = false, stream?: StreamOrDevice): MxArray {
  const [x, y] = toOperands(a, b, 'array_equal');
  try {
    return wrap(native.arrayEqual(x._native, y._native, equalNan, toNativeStream(stream)));
  } finally {
    releaseTemps([x, y], [a, b]);
  }
}

// ---- array methods (MLX's operator methods, by name) ----

declare module '../array.js' {
  interface MxArray {
    /** `this + other` (see `mx.add`). */
    add(other: ArrayLike, stream?: StreamOrDevice): MxArray;
    /** `this - other` (see `mx.subtract`). */
    subtract(other: ArrayLike, stream?: StreamOrDevice): MxArray;
    /** `this * other` (see `mx.multiply`). */
    multiply(other: ArrayLike, stream?: StreamOrDevice): MxArray;
    /** `this / other` (see `mx.divide`). */
    divide(other: ArrayLike, stream?: StreamOrDevice): MxArray;
    /** `this // other` (see `mx.floorDivide`). */
    floorDivide(other: ArrayLike, stream?: StreamOrDevice): MxArray;
    /** `this % other` (see `mx.remainder`). */
    remainder(other: ArrayLike, stream?: StreamOrDevice): MxArray;
    /** `this ** other` (see `mx.power`). */
    power(other: ArrayLike, stream?: StreamOrDevice): MxArray;
    /** `this == other` (see `mx.equal`). */
    equal(other: ArrayLike, stream?: StreamOrDevice): MxArray;
    /** `this != other` (see `mx.notEqual`). */
    notEqual(other: ArrayLike, stream?: StreamOrDevice): MxArray;
    /** `this < other` (see `mx.less`). */
    less(other: ArrayLike, stream?: StreamOrDevice): MxArray;
    /** `this <= other` (see `mx.lessEqual`). */
    lessEqual(other: ArrayLike, stream?: StreamOrDevice): MxArray;
    /** `this > other` (see `mx.greater`). */
    greater(other: ArrayLike, stream?: StreamOrDevice): MxArray;
    /** `this >= other` (see `mx.greaterEqual`). */
    greaterEqual(other: ArrayLike, stream?: StreamOrDevice): MxArray;
    /** Elementwise maximum with `other` (see `mx.maximum`). */
    maximum(other: ArrayLike, stream?: StreamOrDevice): MxArray;
    /** Elementwise minimum with `other` (see `mx.minimum`). */
    minimum(other: ArrayLike, stream?: StreamOrDevice): MxArray;
  }
}

MxArray.prototype.add = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return add(this, other, stream);
};
MxArray.prototype.subtract = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return subtract(this, other, stream);
};
MxArray.prototype.multiply = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return multiply(this, other, stream);
};
MxArray.prototype.divide = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return divide(this, other, stream);
};
MxArray.prototype.floorDivide = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return floorDivide(this, other, stream);
};
MxArray.prototype.remainder = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return remainder(this, other, stream);
};
MxArray.prototype.power = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return power(this, other, stream);
};
MxArray.prototype.equal = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return equal(this, other, stream);
};
MxArray.prototype.notEqual = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return notEqual(this, other, stream);
};
MxArray.prototype.less = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return less(this, other, stream);
};
MxArray.prototype.lessEqual = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return lessEqual(this, other, stream);
};
MxArray.prototype.greater = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return greater(this, other, stream);
};
MxArray.prototype.greaterEqual = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return greaterEqual(this, other, stream);
};
MxArray.prototype.maximum = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return maximum(this, other, stream);
};
MxArray.prototype.minimum = function (this: MxArray, other: ArrayLike, stream?: StreamOrDevice): MxArray {
  return minimum(this, other, stream);
};
