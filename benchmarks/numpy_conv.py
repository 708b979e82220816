"""Hand-written numpy baselines for the ``conv`` and ``cnn`` workloads: im2col convolution.

Written the way a careful numpy programmer would: the input is padded once, its
windows are a strided view (``as_strided``) copied once into the (N, C * k * k, L)
column matrix, the convolution is one BLAS product per batch element with the
(O, C * k * k) weight matrix, and the backward pass is two more products plus col2im,
k * k strided adds into a padded buffer. Max pooling over non-overlapping 2 x 2
windows is a reshape; its backward routes the gradient through an equality mask,
with ReLU's mask folded in. float32 throughout; snapshot keys as the other runners'.
"""

from __future__ import annotations

import numpy as np

from benchmarks.harness import Array

F32 = np.float32


def im2col(x: Array, k: int, pad: int) -> Array:
    """(N, C, H, W) -> (N, C * k * k, OH * OW) for a k x k window, stride 1, ``pad`` zeros around."""
    n, c, h, w = x.shape
    if pad:
        xp = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=x.dtype)
        xp[:, :, pad:pad + h, pad:pad + w] = x
    else:
        xp = x
    oh, ow = xp.shape[2] - k + 1, xp.shape[3] - k + 1
    s = xp.strides
    view = np.lib.stride_tricks.as_strided(xp, (n, c, k, k, oh, ow), (s[0], s[1], s[2], s[3], s[2], s[3]))
    return view.reshape(n, c * k * k, oh * ow)


def col2im(cols: Array, shape: tuple[int, ...], k: int, pad: int) -> Array:
    """The adjoint of :func:`im2col`: add each column entry back where it was read."""
    n, c, h, w = shape
    hp, wp = h + 2 * pad, w + 2 * pad
    oh, ow = hp - k + 1, wp - k + 1
    blocks = cols.reshape(n, c, k, k, oh, ow)
    out = np.zeros((n, c, hp, wp), dtype=cols.dtype)
    for i in range(k):
        for j in range(k):
            out[:, :, i:i + oh, j:j + ow] += blocks[:, :, i, j]
    return out[:, :, pad:pad + h, pad:pad + w] if pad else out


def conv_forward(x: Array, weight: Array, bias: Array, pad: int) -> tuple[Array, Array]:
    """y = W (O, C k k) @ cols + bias, as (N, O, OH, OW); also returns the columns for backward."""
    n, k = x.shape[0], weight.shape[-1]
    cols = im2col(x, k, pad)
    y = np.matmul(weight.reshape(weight.shape[0], -1), cols)
    y += bias[:, None]
    oh = x.shape[2] + 2 * pad - k + 1
    return y.reshape(n, weight.shape[0], oh, -1), cols


def conv_backward(g: Array, cols: Array, x_shape: tuple[int, ...], weight: Array, pad: int,
                  need_x: bool = True) -> tuple[Array | None, Array, Array]:
    """Gradients of the input (None unless ``need_x``), the weight and the bias for upstream g."""
    n, o = g.shape[:2]
    g2 = g.reshape(n, o, -1)
    gb = g2.sum(axis=(0, 2))
    gw = np.matmul(g2, cols.transpose(0, 2, 1)).sum(axis=0).reshape(weight.shape)
    gx = None
    if need_x:
        gcols = np.matmul(weight.reshape(o, -1).T, g2)
        gx = col2im(gcols, x_shape, weight.shape[-1], pad)
    return gx, gw, gb


class NumpyConv2d:
    """Conv2d (stride 1, square kernel, zero padding) forward and backward with a fixed upstream gradient."""

    def __init__(self, weight: Array, bias: Array, x: Array, upstream: Array, pad: int) -> None:
        self.w, self.b, self.x, self.g, self.pad = weight, bias, x, upstream, pad
        self.out = self.gx = self.gw = self.gb = x

    def step(self) -> None:
        """y = conv(x); dx, dW, db for the upstream gradient."""
        self.out, cols = conv_forward(self.x, self.w, self.b, self.pad)
        gx, self.gw, self.gb = conv_backward(self.g, cols, self.x.shape, self.w, self.pad)
        assert gx is not None
        self.gx = gx

    def snapshot(self) -> dict[str, Array]:
        """Output and gradients."""
        return {"out:y": self.out.copy(), "grad:x": self.gx.copy(), "grad:weight": self.gw.copy(),
                "grad:bias": self.gb.copy()}


def _pool_relu(z: Array) -> tuple[Array, Array]:
    """relu then 2 x 2 max pooling of (N, C, H, W); returns the output and the backward mask."""
    n, c, h, w = z.shape
    blocks = z.reshape(n, c, h // 2, 2, w // 2, 2)
    m = blocks.max(axis=(3, 5), keepdims=True)
    np.maximum(m, 0, out=m)
    # gradient flows to the window's maximum, and only where it is positive (ReLU)
    mask = (blocks == m) & (m > 0)
    return m.reshape(n, c, h // 2, w // 2), mask


def _unpool(g: Array, mask: Array) -> Array:
    n, c, h2, _, w2, _ = mask.shape
    return (mask * g.reshape(n, c, h2, 1, w2, 1)).reshape(n, c, 2 * h2, 2 * w2).astype(F32, copy=False)


class NumpyLeNet:
    """LeNet training step: [conv5x5 -> ReLU -> maxpool2] x 2 -> 400-120-84-10 MLP, cross-entropy, SGD.

    Parameter names follow the ``nn.Sequential`` of :mod:`benchmarks.cnn` (0, 3: convs;
    7, 9, 11: linears); SGD is PyTorch's (buf = momentum * buf + g, first step buf = g).
    """

    def __init__(self, weights: dict[str, Array], x: Array, y: Array, lr: float, momentum: float) -> None:
        self.params = {k: np.array(v, dtype=F32, copy=True) for k, v in weights.items()}
        self.x, self.y, self.lr, self.momentum = x, y, lr, momentum
        self.grads: dict[str, Array] = {}
        self.bufs: dict[str, Array] = {}
        self.loss = F32(0)
        self._rows = np.arange(x.shape[0])

    def step(self) -> None:
        """Forward, backward, update."""
        p, grads, n = self.params, self.grads, self.x.shape[0]
        z1, cols1 = conv_forward(self.x, p["0.weight"], p["0.bias"], 2)
        a1, mask1 = _pool_relu(z1)
        z2, cols2 = conv_forward(a1, p["3.weight"], p["3.bias"], 0)
        a2, mask2 = _pool_relu(z2)
        h0 = a2.reshape(n, -1)
        h1 = h0 @ p["7.weight"].T
        h1 += p["7.bias"]
        np.maximum(h1, 0, out=h1)
        h2 = h1 @ p["9.weight"].T
        h2 += p["9.bias"]
        np.maximum(h2, 0, out=h2)
        logits = h2 @ p["11.weight"].T
        logits += p["11.bias"]
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        s = e.sum(axis=1, keepdims=True)
        self.loss = np.log(s).mean(dtype=F32) - logits[self._rows, self.y].mean(dtype=F32)

        g = e
        g /= s
        g[self._rows, self.y] -= 1
        g /= n
        grads["11.weight"], grads["11.bias"] = g.T @ h2, g.sum(axis=0)
        g = g @ p["11.weight"]
        g *= h2 > 0
        grads["9.weight"], grads["9.bias"] = g.T @ h1, g.sum(axis=0)
        g = g @ p["9.weight"]
        g *= h1 > 0
        grads["7.weight"], grads["7.bias"] = g.T @ h0, g.sum(axis=0)
        g = (g @ p["7.weight"]).reshape(a2.shape)
        g = _unpool(g, mask2)
        g, grads["3.weight"], grads["3.bias"] = conv_backward(g, cols2, a1.shape, p["3.weight"], 0)
        assert g is not None
        g = _unpool(g, mask1)
        _, grads["0.weight"], grads["0.bias"] = conv_backward(g, cols1, self.x.shape, p["0.weight"], 2,
                                                              need_x=False)

        lr, mom = F32(self.lr), F32(self.momentum)
        for name, param in p.items():
            grad = grads[name]
            buf = self.bufs.get(name)
            if buf is None:
                buf = self.bufs[name] = grad.copy()
            else:
                buf *= mom
                buf += grad
            param -= lr * buf

    def snapshot(self) -> dict[str, Array]:
        """Loss, gradients and updated parameters."""
        snap = {"loss": np.asarray(self.loss, dtype=F32)}
        snap.update({f"grad:{k}": v.copy() for k, v in self.grads.items()})
        snap.update({f"param:{k}": v.copy() for k, v in self.params.items()})
        return snap
