// Ops of the unary family (see ../array.ts for how families add methods).
export {};
