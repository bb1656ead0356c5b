// Devices and streams. `mx.cpu` always works; `mx.gpu` needs a GPU backend.
import { native, type NativeDevice, type NativeStream, type NativeStreamArg, type NativeStreamObject } from './native.js';

export type DeviceType = 'cpu' | 'gpu';

/** A device: `mx.cpu`, `mx.gpu` or `new mx.Device('gpu', 1)`. */
export class Device {
  constructor(
    readonly type: DeviceType,
    readonly index: number = 0,
  ) {
    if (type !== 'cpu' && type !== 'gpu') {
      throw new Error(`[Device] Expected device type 'cpu' or 'gpu', got ${String(type)}.`);
    }
  }
  equals(other: Device): boolean {
    return this.type === other.type && this.index === other.index;
  }
  toString(): string {
    return `Device(${this.type}, ${this.index})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A queue of work on a device, served by its own worker thread. */
export class Stream {
  /** @internal */
  constructor(
    readonly index: number,
    readonly device: Device,
  ) {}
  equals(other: Stream): boolean {
    return this.index === other.index && this.device.equals(other.device);
  }
  toString(): string {
    return `Stream(${this.device.toString()}, ${this.index})`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Where an op runs: a stream, a device (its default stream) or the default. */
export type StreamOrDevice = Stream | Device | null | undefined;

export const cpu = new Device('cpu', 0);
export const gpu = new Device('gpu', 0);

/** @internal */
export function toNativeDevice(d: Device): NativeDevice {
  if (!(d instanceof Device)) {
    throw new Error(`[device] Expected a Device (mx.cpu or mx.gpu), got ${describe(d)}.`);
  }
  return { type: d.type, index: d.index };
}

/** @internal Converts the trailing stream argument of an op. */
export function toNativeStream(s: StreamOrDevice): NativeStreamArg {
  if (s === undefined || s === null) return undefined;
  if (s instanceof Stream) return deviceCode(s.device) + 64 * (s.index + 1);
  if (s instanceof Device) return deviceCode(s);
  throw new Error(`[stream] Expected a Stream or Device, got ${describe(s)}.`);
}

// See NativeStreamArg.
function deviceCode(d: Device): number {
  if (!Number.isInteger(d.index) || d.index < 0 || d.index > 31) {
    throw new Error(`[device] Expected a device index from 0 to 31, got ${String(d.index)}.`);
  }
  return 1 + (d.type === 'gpu' ? 1 : 0) + 2 * d.index;
}

/** @internal A stream or device in the object form (extensions, setDefaultStream). */
export function toNativeStreamObject(s: StreamOrDevice): NativeStreamObject {
  if (s === undefined || s === null) return undefined;
  if (s instanceof Stream) return { stream: s.index, type: s.device.type, index: s.device.index };
  if (s instanceof Device) return { type: s.type, index: s.index };
  throw new Error(`[stream] Expected a Stream or Device, got ${describe(s)}.`);
}

function fromNativeStream(s: NativeStream): Stream {
  return new Stream(s.stream, new Device(s.type, s.index));
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return `${typeof v} ${String(v)}`;
}

export function defaultDevice(): Device {
  const d = native.defaultDevice();
  return new Device(d.type, d.index);
}

/** Sets the device ops use when none is given. Throws for a device without a backend. */
export function setDefaultDevice(d: Device): void {
  native.setDefaultDevice(toNativeDevice(d));
}

export function defaultStream(d: Device = defaultDevice()): Stream {
  return fromNativeStream(native.defaultStream(toNativeDevice(d)));
}

export function setDefaultStream(s: Stream): void {
  const n = toNativeStreamObject(s);
  native.setDefaultStream(n as NativeStream);
}

/** A new stream on the device (its own worker thread). */
export function newStream(d: Device): Stream {
  return fromNativeStream(native.newStream(toNativeDevice(d)));
}

/** Waits for all work queued on the stream (default: the default stream). */
export function synchronize(s?: Stream): void {
  native.synchronize(toNativeStream(s));
}

/**
 * Runs `fn` with `s` (a stream or device) as the default, then restores the
 * previous default — MLX's `with mx.stream(s):`. Awaits `fn` if it is async.
 */
export function stream<T>(s: Stream | Device, fn: () => T): T {
  const prevDevice = defaultDevice();
  const prevStream = defaultStream(prevDevice);
  const target = s instanceof Stream ? s : defaultStream(s);
  setDefaultDevice(target.device);
  setDefaultStream(target);
  const restore = () => {
    setDefaultStream(prevStream);
    setDefaultDevice(prevDevice);
  };
  let out: T;
  try {
    out = fn();
  } catch (e) {
    restore();
    throw e;
  }
  if (out instanceof Promise) {
    return out.finally(restore) as T;
  }
  restore();
  return out;
}

/** Whether a device has a backend on this machine. */
export function isAvailable(d: Device): boolean {
  return native.isAvailable(toNativeDevice(d));
}
