// Ops of the linalg family (see ../array.ts for how families add methods).
export {};
