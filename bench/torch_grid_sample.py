# PyTorch's F.grid_sample forward/backward on the sizes bench/gpu.ts uses
# (x: B,H,W,C channels-last like the Metal kernel; torch takes N,C,H,W), ms medians as JSON.
import json, sys, time
import torch
import torch.nn.functional as F

B, H, W, C, gH, gW = map(int, sys.argv[1:7])
dev = 'cuda'
x = torch.randn(B, C, H, W, device=dev, requires_grad=True)
grid = ((torch.rand(B, gH, gW, 2, device=dev) * 2 - 1) * 0.9).requires_grad_(True)
cot = torch.randn(B, C, gH, gW, device=dev)

def timed(fn, reps=10):
    fn(); torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); fn(); torch.cuda.synchronize(); ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort(); return ts[len(ts) // 2]

fwd = timed(lambda: F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=False))
out = F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=False)
bwd = timed(lambda: torch.autograd.grad(out, (x, grid), cot, retain_graph=True))
print(json.dumps({'forward_ms': fwd, 'backward_ms': bwd, 'torch': torch.__version__}))
