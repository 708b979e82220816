"""What print(tensor) shows for awkward values, the way debugging output in scripts meets them:
tiny and huge magnitudes (scientific switch), mixed scales, inf/nan/-0.0, float16 and float64,
int64 with wide values, uint8/int8, empty tensors of several shapes, a 1000-element vector and a
40x40 matrix (summarised), the repr of each tensor's sum (0-d, with grad_fn where tracked),
format specs on tensors, set_printoptions(precision, sci_mode, profile) and back to the default."""

import torch
torch.manual_seed(0)
torch.set_num_threads(1)
vals = [torch.tensor([1e-8, 1.0]), torch.tensor([1e8, 1.0]), torch.tensor([123456.0, 0.001]), torch.tensor([0.1, 0.25, 100.0]),
        torch.tensor([float('inf'), -float('inf'), float('nan'), 1.5]), torch.tensor([-0.0, 0.0]), torch.tensor([1e-5, 1e-4]),
        torch.tensor([1e16]), torch.tensor([2.0 ** 40]), torch.tensor([[1.0, -2.5], [3.25, 1e3]]), torch.tensor(3.14159),
        torch.tensor([1, -200, 30000]), torch.tensor([True, False]), torch.randn(2, 3).half(),
        torch.randn(2, 2, dtype=torch.float64) * 1e-3, torch.tensor([0.5], dtype=torch.float16), torch.arange(10) * 1000000000000,
        torch.randn(1000), torch.randn(40, 40), torch.zeros(0, 3), torch.zeros(2, 0), torch.tensor([], dtype=torch.long),
        torch.tensor([1e-300], dtype=torch.float64), torch.tensor([1.0, 2.0]) / 3, torch.tensor([100.5, 2.25]),
        torch.tensor([[1e-10, 1e10]]), torch.tensor([5e-5]), torch.tensor([0.0001, 1000.0]), torch.tensor([12345678.0]),
        torch.tensor([1.0, float('nan')]), torch.tensor([float('inf')]), torch.randint(0, 255, (3,), dtype=torch.uint8),
        torch.tensor([-1, 2], dtype=torch.int8), torch.tensor([3.0], requires_grad=True) * 2, torch.nn.Parameter(torch.ones(2)),
        torch.tensor([1e-3, 1e3]), torch.tensor([999.9999, 1.0])]
for v in vals:
    print(v)
    print(repr(v.sum()) if v.is_floating_point() and v.numel() else "")
print(f"{torch.tensor(2.5)}", "{:.3f}".format(torch.tensor(2.5).item()), f"{torch.tensor(2.5):.2f}")
print(str(torch.tensor([1.5])), torch.tensor([1.5]).__format__(""))
print(torch.tensor([[1.123456789, 2.0]]).tolist(), torch.tensor(0.1).item())
torch.set_printoptions(precision=2, sci_mode=False)
print(torch.tensor([1e-8, 1234.5678]), torch.randn(3))
torch.set_printoptions(profile="full")
print(torch.arange(1200)[-5:])
torch.set_printoptions(profile="default")
print(torch.tensor([1.0, 2.0]).numpy(), torch.tensor([1.0, 2.0]).numpy().dtype)
