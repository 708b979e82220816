"""The "Profiling your PyTorch Module" and "PyTorch Profiler" recipes on a small
model: torch.profiler.profile with record_function labels, record_shapes and
profile_memory, key_averages() grouped by input shape, a schedule with
on_trace_ready and prof.step(), the legacy torch.autograd.profiler.profile,
and inference written with @torch.inference_mode() / @torch.no_grad()
decorators inside `with torch.device('cpu')`. Timings differ between runs, so
only the labels, call counts and the model's numbers are printed."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile, record_function, schedule

torch.manual_seed(0)


class MyModule(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features, bias)

    def forward(self, input, mask):
        with record_function("LABEL1: linear pass"):
            out = self.linear(input)

        with record_function("LABEL2: masking"):
            threshold = out.sum(axis=1).mean().item()
            hi_idx = torch.nonzero(mask > threshold).flatten()

        with record_function("LABEL3: gather"):
            hi = out[hi_idx]
        return out, hi_idx, hi


with torch.device("cpu"):
    model = MyModule(50, 10)
    input = torch.rand(128, 50)
    mask = torch.rand((10, 10))
print("default device", input.device, model.linear.weight.device)

with profile(activities=[ProfilerActivity.CPU], record_shapes=True, profile_memory=True) as prof:
    out, idx, hi = model(input, mask)

print("out", round(out.sum().item(), 4), "selected", idx.numel(), tuple(hi.shape))
averages = prof.key_averages()
labels = sorted(e.key for e in averages if e.key.startswith("LABEL"))
print("labels", labels)
print("label counts", [e.count for e in sorted(averages, key=lambda e: e.key) if e.key.startswith("LABEL")])
table = prof.key_averages(group_by_input_shape=True).table(sort_by="cpu_time_total", row_limit=100)
print("table mentions labels", all(name in table for name in ["LABEL1", "LABEL2", "LABEL3"]))
print("table is str", isinstance(table, str), "has header", "Name" in table)
print("events", all(e.cpu_time_total >= 0 for e in averages))


# a schedule: skip 1, wait 1, warm up 1, record 2, repeated twice
traces = []


def trace_handler(p):
    traces.append(sorted({e.key for e in p.key_averages() if e.key.startswith("step")}))


net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1))
opt = torch.optim.SGD(net.parameters(), lr=0.1)
x = torch.linspace(-1, 1, 32).reshape(4, 8)
y = x.sum(dim=1, keepdim=True).sin()
with profile(activities=[ProfilerActivity.CPU],
             schedule=schedule(skip_first=1, wait=1, warmup=1, active=2, repeat=2),
             on_trace_ready=trace_handler) as p:
    for step in range(12):
        with record_function(f"step{step}"):
            loss = F.mse_loss(net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        p.step()
print("traces", len(traces), traces)
print("final loss", round(loss.item(), 6))

with torch.autograd.profiler.profile() as legacy:
    with torch.autograd.profiler.record_function("legacy_block"):
        z = net(x).relu().sum()
print("legacy block", [e.key for e in legacy.key_averages() if e.key == "legacy_block"], round(z.item(), 6))


@torch.inference_mode()
def predict(m, inp):
    return m(inp)


@torch.no_grad()
def evaluate(m, inp, target):
    return F.mse_loss(m(inp), target)


pred = predict(net, x)
print("inference", pred.requires_grad, round(pred.sum().item(), 6))
ev = evaluate(net, x, y)
print("no_grad eval", ev.requires_grad, torch.is_grad_enabled(), round(ev.item(), 6))
with torch.inference_mode(mode=False):
    w = net(x).sum()
print("inference_mode(False) keeps grad", w.requires_grad)
