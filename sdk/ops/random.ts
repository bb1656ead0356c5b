// Ops of the random family (see ../array.ts for how families add methods).
export {};
