"""Printing tensors into an experiment report, the way a results script does: torch.set_printoptions
with precision=0/2/8, sci_mode on and off, linewidth for narrow terminals, threshold/edgeitems
summaries of 1-D/2-D/3-D tensors, the 'short'/'full'/'default' profiles, and the formatting corner
cases (integer-valued floats, mixed magnitudes, nan/inf, negative zeros, float64/float16/int dtypes,
empty and 0-d tensors, requires_grad and grad_fn suffixes), plus f-string/format()/% formatting of
0-d tensors and .item()/.tolist() in report rows."""

import torch

torch.set_num_threads(1)
torch.manual_seed(0)

metrics = torch.tensor([[0.912345678, 0.0001234, 12.5], [1.0, 2.0, 3.0], [-0.5, 1e-9, 123456.7]])
samples = [
    ("ints as floats", torch.tensor([1.0, 200.0, -3.0])),
    ("mixed magnitudes", torch.tensor([123456.0, 0.001])),
    ("huge", torch.tensor([1e16, 2.0])),
    ("tiny and one", torch.tensor([1e-8, 1.0, 1e8])),
    ("nan inf", torch.tensor([float("nan"), 1e10, -float("inf"), 1e-10])),
    ("inf ints", torch.tensor([float("inf"), 1.0, 2.0])),
    ("negative zero", torch.tensor([-0.0, 0.0, 1.0])),
    ("float64", torch.tensor([1 / 3, 2e-9], dtype=torch.float64)),
    ("float16", torch.tensor([1000.5, 0.001, 65504.0], dtype=torch.float16)),
    ("int wide", torch.tensor([[1, -1000000], [22, 3]])),
    ("uint8", torch.tensor([[0, 255]], dtype=torch.uint8)),
    ("bool", torch.tensor([[True], [False]])),
    ("empty", torch.empty(2, 0, 3)),
    ("0-d", torch.tensor(7.25)),
    ("0-d int", torch.tensor(7)),
]
for profile in [dict(), dict(precision=2), dict(precision=0), dict(precision=8), dict(sci_mode=False),
                dict(sci_mode=True, precision=3)]:
    torch.set_printoptions(**profile)
    print("==", profile)
    print(metrics)
    for name, t in samples[:9]:
        print(name, t)
    torch.set_printoptions(profile="default")
for name, t in samples[9:]:
    print(name, t)
torch.set_printoptions(linewidth=40)
print("narrow", torch.linspace(-1, 1, 17) * 1000)
print("narrow 2d", torch.randn(2, 8))
torch.set_printoptions(profile="default")
torch.set_printoptions(threshold=10, edgeitems=2)
print("summary 1d", torch.arange(30.0))
print("summary 3d", torch.arange(60).view(3, 4, 5))
torch.set_printoptions(profile="short")
print("short", torch.randn(3, 3), torch.arange(1000.0))
torch.set_printoptions(profile="full")
print("full tail", str(torch.arange(1005))[-60:])
torch.set_printoptions(profile="default")
print("default summary", torch.arange(2000.0).view(2, 1000))
w = torch.ones(2, requires_grad=True)
print("grad tensors", w, w * 2, (w * 2).sum(), torch.tensor(3.0, requires_grad=True) ** 2)
print("param", torch.nn.Parameter(torch.tensor([1.0, 2.0])))
acc = torch.tensor(0.876543)
loss = torch.tensor(1.23456789, dtype=torch.float64)
print(f"acc {acc:.2%} loss {loss:.4f} sci {loss:.3e} width [{torch.tensor(3):>5}] int {torch.tensor(42):05d}")
print("format()", format(acc, ".3f"), "{:+.1f}".format(torch.tensor(-2.25)), "%.3f %d %s" % (acc, torch.tensor(5), acc))
rows = [("epoch", "loss", "acc")]
for epoch in range(3):
    l, a = torch.rand(()) * 2, torch.rand(())
    rows.append((epoch, round(l.item(), 4), f"{a.item():.3f}"))
for r in rows:
    print("{:>6} {:>8} {:>6}".format(*r))
print("tolist", metrics.tolist()[1], torch.tensor([0.1, 0.2]).tolist(), torch.tensor(0.1).item())
