"""Berkeley CS182/282A homework style ("implement it yourself, then check against torch.nn"), in float64:
affine/ReLU/softmax-loss forward and backward written with tensor ops and compared with autograd by
torch.testing.assert_close and torch.autograd.gradcheck; batch normalization forward/backward by hand
(the simplified backward formula) against nn.BatchNorm1d's gradients and running statistics; inverted
dropout with a seeded mask; a naive convolution by loops and by unfold + matmul against F.conv2d (with
stride, padding and groups); max-pooling by unfold; an LSTM cell by hand against nn.LSTMCell's weights
(the i, f, g, o chunk order); and numerical gradients by centred differences (eval_numerical_gradient)."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.testing import assert_close

torch.set_num_threads(1)
torch.manual_seed(182)
torch.set_default_dtype(torch.float64)


def rel_error(x, y):  # (rounded: what is left is float64 rounding, which differs between libraries)
    return round((torch.max(torch.abs(x - y) / torch.clamp(torch.abs(x) + torch.abs(y), min=1e-8))).item(), 9)


def eval_numerical_gradient(f, x, h=1e-6):
    grad = torch.zeros_like(x)
    flat_x, flat_g = x.view(-1), grad.view(-1)
    for i in range(flat_x.numel()):
        old = flat_x[i].item()
        flat_x[i] = old + h
        fxph = f(x).item()
        flat_x[i] = old - h
        fxmh = f(x).item()
        flat_x[i] = old
        flat_g[i] = (fxph - fxmh) / (2 * h)
    return grad


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(0)
    return dx, dw, db


def relu_backward(dout, x):
    return dout * (x > 0)


def softmax_loss(x, y):
    shifted = x - x.max(dim=1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(1, keepdim=True).log()
    N = x.shape[0]
    loss = -log_probs[torch.arange(N), y].mean()
    dx = log_probs.exp()
    dx[torch.arange(N), y] -= 1
    return loss, dx / N


x = torch.randn(5, 2, 3)
w = torch.randn(6, 4)
b = torch.randn(4)
y = torch.tensor([0, 3, 1, 2, 3])
out, cache = affine_forward(x, w, b)
hidden = out.clamp(min=0)
loss, dscores = softmax_loss(hidden, y)
dx, dw, db = affine_backward(relu_backward(dscores, out), cache)
xs, ws, bs = (t.clone().requires_grad_() for t in (x, w, b))
ref = F.cross_entropy(F.relu(xs.reshape(5, -1) @ ws + bs), y)
ref.backward()
print("loss by hand", loss.item(), "autograd", ref.item())
print("rel errors", rel_error(dx, xs.grad), rel_error(dw, ws.grad), rel_error(db, bs.grad))
assert_close(dw, ws.grad)
num_dw = eval_numerical_gradient(lambda w_: softmax_loss(affine_forward(x, w_, b)[0].clamp(min=0), y)[0], w.clone())
print("numerical dw rel error below 1e-6", rel_error(num_dw, dw) < 1e-6)
print("gradcheck affine", torch.autograd.gradcheck(lambda a, c, d: a.reshape(5, -1) @ c + d, (xs.detach().requires_grad_(), ws.detach().requires_grad_(), bs.detach().requires_grad_())))


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    N, D = x.shape
    running_mean = bn_param.get("running_mean", torch.zeros(D))
    running_var = bn_param.get("running_var", torch.ones(D))
    if mode == "train":
        mu = x.mean(0)
        var = x.var(0, unbiased=False)
        xhat = (x - mu) / torch.sqrt(var + eps)
        out = gamma * xhat + beta
        cache = (xhat, gamma, var, eps)
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * x.var(0, unbiased=True)
    else:
        out = gamma * (x - running_mean) / torch.sqrt(running_var + eps) + beta
        cache = None
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward_alt(dout, cache):
    xhat, gamma, var, eps = cache
    N = dout.shape[0]
    dbeta = dout.sum(0)
    dgamma = (dout * xhat).sum(0)
    dxhat = dout * gamma
    dx = (N * dxhat - dxhat.sum(0) - xhat * (dxhat * xhat).sum(0)) / (N * torch.sqrt(var + eps))
    return dx, dgamma, dbeta


xb = torch.randn(8, 3) * 2 + 1
gamma, beta = torch.tensor([1.0, 2.0, 0.5]), torch.tensor([0.0, -1.0, 0.3])
bn_param = {"mode": "train", "momentum": 0.9}
out, cache = batchnorm_forward(xb, gamma, beta, bn_param)
dout = torch.randn(8, 3)
dx, dgamma, dbeta = batchnorm_backward_alt(dout, cache)
bn = nn.BatchNorm1d(3, momentum=0.1)
with torch.no_grad():
    bn.weight.copy_(gamma)
    bn.bias.copy_(beta)
xr = xb.clone().requires_grad_()
outr = bn(xr)
outr.backward(dout)
print("bn out", rel_error(out, outr), "dx", rel_error(dx, xr.grad), "dgamma", rel_error(dgamma, bn.weight.grad),
      "dbeta", rel_error(dbeta, bn.bias.grad))
print("running mean", bn_param["running_mean"], bn.running_mean)
print("running var", bn_param["running_var"], bn.running_var)
bn_param["mode"] = "test"
bn.eval()
print("eval", rel_error(batchnorm_forward(xb, gamma, beta, bn_param)[0], bn(xb)))


def dropout_forward(x, p, mode, seed):
    if mode == "train":
        torch.manual_seed(seed)
        mask = (torch.rand(*x.shape) < p) / p
        return x * mask, mask
    return x, None


xd = torch.randn(500, 500) + 10
for p in [0.25, 0.4, 0.7]:
    out, _ = dropout_forward(xd, p, "train", 123)
    print(f"dropout keep p={p}: mean in {xd.mean().item():.6f} out {out.mean().item():.6f} "
          f"zeroed {(out == 0).double().mean().item():.6f}")


def conv_forward_naive(x, w, b, stride, pad):
    N, C, H, W = x.shape
    F_, _, HH, WW = w.shape
    xp = F.pad(x, (pad, pad, pad, pad))
    Ho = 1 + (H + 2 * pad - HH) // stride
    Wo = 1 + (W + 2 * pad - WW) // stride
    out = torch.zeros(N, F_, Ho, Wo)
    for i in range(Ho):
        for j in range(Wo):
            window = xp[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
            out[:, :, i, j] = torch.einsum("nchw,fchw->nf", window, w) + b
    return out


def conv_forward_im2col(x, w, b, stride, pad, groups=1):
    N, C, H, W = x.shape
    F_, Cg, HH, WW = w.shape
    cols = F.unfold(x, (HH, WW), padding=pad, stride=stride)
    Ho = 1 + (H + 2 * pad - HH) // stride
    cols = cols.view(N, groups, Cg * HH * WW, -1)
    wg = w.view(groups, F_ // groups, -1)
    out = torch.einsum("gfk,ngkl->ngfl", wg, cols).reshape(N, F_, Ho, -1)
    return out + b.view(1, -1, 1, 1)


xc = torch.randn(2, 4, 7, 7)
wc = torch.randn(6, 4, 3, 3)
bc = torch.randn(6)
ref = F.conv2d(xc, wc, bc, stride=2, padding=1)
print("naive conv", rel_error(conv_forward_naive(xc, wc, bc, 2, 1), ref))
print("im2col conv", rel_error(conv_forward_im2col(xc, wc, bc, 2, 1), ref))
wg = torch.randn(6, 2, 3, 3)
print("grouped im2col", rel_error(conv_forward_im2col(xc, wg, bc, 1, 1, groups=2),
                                  F.conv2d(xc, wg, bc, padding=1, groups=2)))
cols = F.unfold(xc, 2, stride=2).view(2, 4, 4, -1)
pooled = cols.max(dim=2).values.view(2, 4, 3, 3)
print("unfold max-pool", rel_error(pooled, F.max_pool2d(xc, 2)), pooled[0, 0])


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    a = x @ Wx + prev_h @ Wh + b
    i, f, g, o = a.chunk(4, dim=1)
    i, f, o, g = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o), torch.tanh(g)
    next_c = f * prev_c + i * g
    next_h = o * torch.tanh(next_c)
    return next_h, next_c


cell = nn.LSTMCell(3, 5)
xl, h0, c0 = torch.randn(4, 3), torch.randn(4, 5), torch.randn(4, 5)
h1, c1 = lstm_step_forward(xl, h0, c0, cell.weight_ih.T, cell.weight_hh.T, cell.bias_ih + cell.bias_hh)
h2, c2 = cell(xl, (h0, c0))
print("lstm step", rel_error(h1, h2), rel_error(c1, c2), h1[0])
print("gradcheck lstm step", torch.autograd.gradcheck(
    lambda a, hh: lstm_step_forward(a, hh, c0, cell.weight_ih.detach().T, cell.weight_hh.detach().T,
                                    (cell.bias_ih + cell.bias_hh).detach())[0],
    (xl.requires_grad_(), h0.requires_grad_())))
torch.set_default_dtype(torch.float32)
print("default dtype back", torch.get_default_dtype(), torch.randn(1).dtype)
