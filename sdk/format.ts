// MLX's array printing: `array([1, 2, 3], dtype=int32)`, nested rows indented
// under the bracket, and dimensions over 6 summarised as `first 3, ..., last 3`.

export type Scalar = number | boolean | bigint | Complex;

/** A complex value (complex64 elements). */
export interface Complex {
  re: number;
  im: number;
}

/** C++ `ostream << double` with default precision: printf's %g with 6 digits. */
export function formatG(x: number, precision = 6): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, expStr] = x.toExponential(precision - 1).split('e');
  const exp = parseInt(expStr, 10);
  if (exp < -4 || exp >= precision) {
    const m = stripZeros(mant);
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${m}e${sign}${digits}`;
  }
  return stripZeros(x.toFixed(Math.max(0, precision - 1 - exp)));
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/0+$/, '').replace(/\.$/, '');
}

export function formatScalar(v: Scalar): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatG(v);
  const im = v.im >= 0 || Number.isNaN(v.im) ? `+${formatG(v.im)}` : `-${formatG(-v.im)}`;
  return `${formatG(v.re)}${im}j`;
}

/** Integer dtypes print as integers (no %g rounding of large values). */
function formatElement(v: Scalar, integral: boolean): string {
  if (integral && typeof v === 'number') return String(v);
  return formatScalar(v);
}

/** Formats row-major `values` of `shape` as MLX does. */
export function formatArray(
  values: ArrayLike<Scalar>,
  shape: readonly number[],
  dtypeName: string,
  integral: boolean,
): string {
  let body: string;
  if (shape.length === 0) {
    body = formatElement(values[0], integral);
  } else {
    const strides = new Array<number>(shape.length).fill(1);
    for (let i = shape.length - 2; i >= 0; --i) strides[i] = strides[i + 1] * shape[i + 1];
    const parts: string[] = [];
    const sub = (index: number, dim: number): void => {
      const n = shape[dim];
      const s = strides[dim];
      const isLast = dim === shape.length - 1;
      const prefix = isLast ? '' : ' '.repeat(7 + dim);
      const postfix = isLast ? ', ' : ',\n';
      parts.push('[');
      for (let i = 0; i < n; ++i) {
        if (i !== 0) parts.push(prefix);
        if (i === 3 && n > 6) {
          parts.push('...');
          i = n - 3 - 1;
          index += s * (n - 6 - 1);
        } else if (isLast) {
          parts.push(formatElement(values[index], integral));
        } else {
          sub(index, dim + 1);
        }
        if (i !== n - 1) parts.push(postfix);
        index += s;
      }
      parts.push(']');
    };
    sub(0, 0);
    body = parts.join('');
  }
  return `array(${body}, dtype=${dtypeName})`;
}
