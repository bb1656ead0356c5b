// Ops of the binary family (see ../array.ts for how families add methods).
export {};
