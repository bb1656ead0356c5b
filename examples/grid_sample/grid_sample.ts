// Bilinear grid_sample as in MLX's custom Metal kernel guide: a reference
// built from ops, a fused forward kernel, and a custom vjp kernel wired with
// mx.customFunction. The kernel bodies live in kernels/*.metal.
import { readFileSync } from 'node:fs';
import * as mx from 'mlx-ts';

const kernelSource = (file: string): string =>
  readFileSync(new URL(`../../kernels/${file}`, import.meta.url), 'utf8');

/**
 * grid_sample from ops: x (B, H, W, C), grid (B, gH, gW, 2) in [-1, 1] ->
 * (B, gH, gW, C). Neighbours outside the image contribute zero.
 */
export function gridSampleRef(x: mx.MxArray, grid: mx.MxArray): mx.MxArray {
  const [B, H, W, C] = x.shape;
  const [, gH, gW] = grid.shape;
  const gx = mx.take(grid, 0, -1);
  const gy = mx.take(grid, 1, -1);
  const ix = mx.divide(mx.subtract(mx.multiply(mx.add(gx, 1), W), 1), 2);
  const iy = mx.divide(mx.subtract(mx.multiply(mx.add(gy, 1), H), 1), 2);
  const ixNw = mx.floor(ix);
  const iyNw = mx.floor(iy);
  const batch = mx.reshape(mx.arange(B), [B, 1, 1]);
  const corner = (dx: number, dy: number, weight: mx.MxArray): mx.MxArray => {
    const cx = mx.add(ixNw, dx);
    const cy = mx.add(iyNw, dy);
    const inside = mx.logicalAnd(
      mx.logicalAnd(mx.greaterEqual(cx, 0), mx.lessEqual(cx, W - 1)),
      mx.logicalAnd(mx.greaterEqual(cy, 0), mx.lessEqual(cy, H - 1)),
    );
    const xi = mx.clip(cx, 0, W - 1).astype(mx.int32);
    const yi = mx.clip(cy, 0, H - 1).astype(mx.int32);
    // Flat pixel index per (b, gy, gx), then gather whole channel rows.
    const pixel = mx.add(mx.multiply(mx.add(mx.multiply(batch, H), yi), W), xi);
    const rows = mx.take(mx.reshape(x, [B * H * W, C]), mx.reshape(pixel, [-1]), 0);
    const values = mx.reshape(rows, [B, gH, gW, C]);
    const w = mx.multiply(weight, inside.astype(weight.dtype));
    return mx.multiply(values, mx.expandDims(w, -1));
  };
  const wNw = mx.multiply(mx.subtract(mx.add(ixNw, 1), ix), mx.subtract(mx.add(iyNw, 1), iy));
  const wNe = mx.multiply(mx.subtract(ix, ixNw), mx.subtract(mx.add(iyNw, 1), iy));
  const wSw = mx.multiply(mx.subtract(mx.add(ixNw, 1), ix), mx.subtract(iy, iyNw));
  const wSe = mx.multiply(mx.subtract(ix, ixNw), mx.subtract(iy, iyNw));
  return mx.add(mx.add(corner(0, 0, wNw), corner(1, 0, wNe)), mx.add(corner(0, 1, wSw), corner(1, 1, wSe)));
}

const forwardKernel = mx.fast.metalKernel({
  name: 'grid_sample',
  inputNames: ['x', 'grid'],
  outputNames: ['out'],
  source: kernelSource('grid_sample.metal'),
});

const vjpKernel = mx.fast.metalKernel({
  name: 'grid_sample_grad',
  inputNames: ['x', 'grid', 'cotangent'],
  outputNames: ['x_grad', 'grid_grad'],
  source: kernelSource('grid_sample_vjp.metal'),
  atomicOutputs: true,
});

function checkShapes(x: mx.MxArray, grid: mx.MxArray): void {
  if (x.ndim !== 4) throw new Error(`[grid_sample] \`x\` must be 4-D, got shape [${x.shape.join(', ')}].`);
  if (grid.ndim !== 4 || grid.shape[3] !== 2) {
    throw new Error(`[grid_sample] \`grid\` must have shape (B, gH, gW, 2), got [${grid.shape.join(', ')}].`);
  }
}

/** The fused forward kernel alone (no gradient rule). */
export function gridSampleKernel(x: mx.MxArray, grid: mx.MxArray, stream?: mx.StreamOrDevice): mx.MxArray {
  checkShapes(x, grid);
  const [B, , , C] = x.shape;
  const [, gH, gW] = grid.shape;
  const outShape = [B, gH, gW, C];
  return forwardKernel({
    inputs: [x, grid],
    template: [['T', x.dtype]],
    outputShapes: [outShape],
    outputDtypes: [x.dtype],
    grid: [B * gH * gW * C, 1, 1],
    threadgroup: [256, 1, 1],
    stream,
  })[0];
}

/** The vjp kernel: gradients of <cotangent, gridSample(x, grid)> with respect to x and grid. */
export function gridSampleVjpKernel(
  x: mx.MxArray,
  grid: mx.MxArray,
  cotangent: mx.MxArray,
  stream?: mx.StreamOrDevice,
): [mx.MxArray, mx.MxArray] {
  const [B, , , C] = x.shape;
  const [, gH, gW] = grid.shape;
  // Pad the channels to the simdgroup size so the simd_sums do not overlap.
  const cPadded = Math.ceil(C / 32) * 32;
  const [xGrad, gridGrad] = vjpKernel({
    inputs: [x, grid, cotangent],
    template: [['T', x.dtype]],
    outputShapes: [x.shape, grid.shape],
    outputDtypes: [x.dtype, x.dtype],
    grid: [B * gH * gW * cPadded, 1, 1],
    threadgroup: [256, 1, 1],
    initValue: 0,
    stream,
  });
  return [xGrad, gridGrad];
}

/** grid_sample with its fused kernels, differentiable through its custom vjp. */
export const gridSample = mx
  .customFunction((x: mx.MxArray, grid: mx.MxArray) => gridSampleKernel(x, grid))
  .vjp(([x, grid], cotangent) => gridSampleVjpKernel(x, grid, cotangent as mx.MxArray));
