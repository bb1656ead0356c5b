// Ops of the shape family (see ../array.ts for how families add methods).
export {};
