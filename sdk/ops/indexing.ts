// Ops of the indexing family (see ../array.ts for how families add methods).
export {};
