"""Quantization-aware training as the QAT tutorials and papers' reference
code write it: fake quantization through torch.fake_quantize_per_tensor_affine
(activations, asymmetric uint8 from EMA min/max observers kept in buffers) and
torch.fake_quantize_per_channel_affine (weights, symmetric int8 per output
row), next to the hand-written straight-through estimators they replace
(x + (round(x) - x).detach(), a clamp-aware autograd.Function) and LSQ's
learned step size with its gradient-scale trick; an MLP on the bundled
digits trained in float, then fine-tuned with fake quantization, the
quantization error and accuracy of both, the int8 weights' levels, and the
gradients of the fake-quant ops against the STE's. Seeded: every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from _data import digits

torch.manual_seed(0)
torch.set_num_threads(1)

# --- the ops themselves: values, rounding ties, clamping and gradients ---
x = torch.tensor([-1.3, -0.25, -0.05, 0.0, 0.05, 0.15, 0.25, 0.7, 1.26, 3.0], requires_grad=True)
fq = torch.fake_quantize_per_tensor_affine(x, 0.1, 3, 0, 15)
fq.backward(torch.arange(1.0, 11.0))
print("per-tensor fq", [round(v, 6) for v in fq.tolist()])
print("per-tensor grad", x.grad.tolist())
x.grad = None
scale_t, zp_t = torch.tensor([0.1]), torch.tensor([3], dtype=torch.int32)
fq_t = torch.fake_quantize_per_tensor_affine(x, scale_t, zp_t, 0, 15)
print("tensor qparams agree", torch.equal(fq_t, fq.detach()))


def ste_round(x):
    return x + (torch.round(x) - x).detach()


def ste_fake_quant(x, scale, zero_point, qmin, qmax):
    q = torch.clamp(ste_round(x / scale) + zero_point, qmin, qmax)
    return (q - zero_point) * scale


fq_ste = ste_fake_quant(x, 0.1, 3, 0, 15)
fq_ste.backward(torch.arange(1.0, 11.0))
print("ste fq", [round(v, 6) for v in fq_ste.tolist()])
print("ste grad", x.grad.tolist())

w = torch.randn(4, 6, requires_grad=True)
w_scale = w.detach().abs().amax(dim=1) / 127
w_zp = torch.zeros(4, dtype=torch.int32)
wq = torch.fake_quantize_per_channel_affine(w, w_scale, w_zp, 0, -128, 127)
(wq * torch.linspace(-1, 1, 24).view(4, 6)).sum().backward()
print("per-channel max error", f"{(wq - w).abs().max().item():.6e}", "levels per row",
      [len(torch.unique(r)) for r in wq.detach()])
print("per-channel grad nonzero", int((w.grad != 0).sum()))
wt = torch.randn(3, 5, requires_grad=True)
fq_axis1 = torch.fake_quantize_per_channel_affine(wt, torch.tensor([0.05, 0.1, 0.2, 0.4, 0.8]),
                                                  torch.tensor([0, 1, -2, 3, 0], dtype=torch.int32), 1, -8, 7)
fq_axis1.sum().backward()
print("axis-1 fq", [[round(v, 6) for v in r] for r in fq_axis1.tolist()])
print("axis-1 grad", wt.grad.tolist())
try:
    torch.fake_quantize_per_tensor_affine(x, 0.1, 20, 0, 15)
except RuntimeError as e:
    print("bad zero_point raises RuntimeError:", isinstance(e, RuntimeError))


class RoundClampSTE(torch.autograd.Function):
    """round(clamp(x)) with the gradient passed where x was inside the range (PACT-style)."""

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        return torch.round(torch.clamp(x, lo, hi))

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        mask = (x >= ctx.lo) & (x <= ctx.hi)
        return grad_out * mask.to(grad_out.dtype), None, None


def grad_scale(x, scale):
    """LSQ's trick: the value of x, the gradient of x * scale."""
    return (x - x * scale).detach() + x * scale


class LSQQuantizer(nn.Module):
    def __init__(self, bits, signed=True):
        super().__init__()
        self.qmin, self.qmax = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2 ** bits - 1)
        self.step = nn.Parameter(torch.tensor(1.0))
        self.register_buffer("initialized", torch.tensor(False))

    def forward(self, x):
        if not self.initialized:
            with torch.no_grad():
                self.step.copy_(2 * x.abs().mean() / math.sqrt(self.qmax))
                self.initialized.fill_(True)
        g = 1.0 / math.sqrt(x.numel() * self.qmax)
        s = grad_scale(self.step, g)
        return RoundClampSTE.apply(x / s, self.qmin, self.qmax) * s


class MovingAverageMinMax(nn.Module):
    """An activation fake-quantizer: EMA of min/max while training, asymmetric uint8 affine params."""

    def __init__(self, momentum=0.1, qmin=0, qmax=255):
        super().__init__()
        self.momentum, self.qmin, self.qmax = momentum, qmin, qmax
        self.register_buffer("min_val", torch.tensor(float("inf")))
        self.register_buffer("max_val", torch.tensor(float("-inf")))
        self.enabled = True

    def qparams(self):
        min_val = torch.clamp(self.min_val, max=0.0)
        max_val = torch.clamp(self.max_val, min=0.0)
        scale = (max_val - min_val) / float(self.qmax - self.qmin)
        scale = torch.max(scale, torch.tensor(torch.finfo(torch.float32).eps))
        zero_point = self.qmin - torch.round(min_val / scale).to(torch.int)
        zero_point = torch.clamp(zero_point, self.qmin, self.qmax)
        return scale, zero_point

    def forward(self, x):
        if self.training:
            with torch.no_grad():
                lo, hi = x.detach().aminmax()
                if torch.isinf(self.min_val):
                    self.min_val.copy_(lo)
                    self.max_val.copy_(hi)
                else:
                    self.min_val.lerp_(lo, self.momentum)
                    self.max_val.lerp_(hi, self.momentum)
        if not self.enabled:
            return x
        scale, zero_point = self.qparams()
        return torch.fake_quantize_per_tensor_affine(x, scale, zero_point, self.qmin, self.qmax)


class QATLinear(nn.Linear):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__(in_features, out_features, bias)
        self.quantize_weight = False

    def forward(self, input):
        weight = self.weight
        if self.quantize_weight:
            scale = weight.detach().abs().amax(dim=1).clamp(min=1e-8) / 127
            zero_point = torch.zeros(self.out_features, dtype=torch.int32)
            weight = torch.fake_quantize_per_channel_affine(weight, scale, zero_point, 0, -128, 127)
        return F.linear(input, weight, self.bias)


class QATMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant_in = MovingAverageMinMax()
        self.fc1 = QATLinear(64, 48)
        self.act1 = MovingAverageMinMax()
        self.fc2 = QATLinear(48, 32)
        self.lsq = LSQQuantizer(bits=4, signed=False)
        self.fc3 = QATLinear(32, 10)
        self.use_lsq = False

    def set_qat(self, enabled):
        for m in self.modules():
            if isinstance(m, QATLinear):
                m.quantize_weight = enabled
            if isinstance(m, MovingAverageMinMax):
                m.enabled = enabled
        self.use_lsq = enabled

    def forward(self, x):
        x = self.quant_in(x)
        x = self.act1(F.relu(self.fc1(x)))
        x = F.relu(self.fc2(x))
        if self.use_lsq:
            x = self.lsq(x)
        return self.fc3(x)


pixels, labels = digits()
X = torch.tensor(pixels, dtype=torch.float32) / 16.0
y = torch.tensor(labels)
X_train, y_train, X_test, y_test = X[:1400], y[:1400], X[1400:], y[1400:]

model = QATMLP()
model.set_qat(False)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)


def evaluate():
    model.eval()
    with torch.no_grad():
        logits = model(X_test)
        loss = F.cross_entropy(logits, y_test).item()
        acc = (logits.argmax(1) == y_test).float().mean().item()
    model.train()
    return loss, acc


def train(epochs, tag):
    for epoch in range(epochs):
        perm = torch.randperm(len(X_train))
        total = 0.0
        for i in range(0, len(perm), 100):
            idx = perm[i:i + 100]
            loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        test_loss, test_acc = evaluate()
        print(f"{tag} epoch {epoch} | train loss {total / len(perm):.5f} | test loss {test_loss:.5f} "
              f"| test acc {test_acc:.4f}")


train(4, "float")
print("observer range", round(model.act1.min_val.item(), 5), round(model.act1.max_val.item(), 5))
model.set_qat(True)
print("qat before fine-tune: test loss {:.5f} acc {:.4f}".format(*evaluate()))
opt = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
train(3, "qat")
scale, zp = model.act1.qparams()
print(f"act1 scale {scale.item():.6e} zero point {zp.item()}")
print(f"lsq step {model.lsq.step.item():.6f} grad {model.lsq.step.grad.item():.6e}")

# convert: integer weights and the per-channel scales, then check the integer matmul reproduces fc1
with torch.no_grad():
    w = model.fc1.weight
    w_scale = w.abs().amax(dim=1) / 127
    w_int = torch.clamp(torch.round(w / w_scale[:, None]), -128, 127).to(torch.int8)
    print("int8 weight range", w_int.min().item(), w_int.max().item(), "distinct",
          torch.unique(w_int).numel())
    s_in, zp_in = model.quant_in.qparams()
    x_int = torch.clamp(torch.round(X_test[:5] / s_in) + zp_in, 0, 255).to(torch.uint8)
    acc = (x_int.to(torch.int32) - zp_in) @ w_int.to(torch.int32).t()
    out_int = acc.float() * (s_in * w_scale) + model.fc1.bias
    x_fq = torch.fake_quantize_per_tensor_affine(X_test[:5], s_in, zp_in, 0, 255)
    w_fq = torch.fake_quantize_per_channel_affine(w, w_scale, torch.zeros(48, dtype=torch.int32), 0, -128, 127)
    out_fq = F.linear(x_fq, w_fq, model.fc1.bias)
    print("integer matmul reproduces fake-quant fc1:", torch.allclose(out_int, out_fq, atol=1e-5))
    print("first outputs", [round(v, 5) for v in out_int[0, :6].tolist()])
