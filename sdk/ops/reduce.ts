// Ops of the reduce family (see ../array.ts for how families add methods).
export {};
