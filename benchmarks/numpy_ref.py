"""Hand-written numpy baselines: forward, closed-form backward, update.

These are the yardstick minigrad is measured against, so they are written the
way a careful numpy programmer would write them: BLAS matmuls on the stored
``(out, in)`` weights, in-place updates of arrays the step owns, the closed-form
BatchNorm/LayerNorm backward, ``einsum`` for the column sums of products (no
temporary), and ReLU and dropout folded into one multiplier. Nothing exotic:
no custom kernels, no float64, no caching across steps beyond optimizer state.

Every runner keeps float32 throughout and exposes the same ``snapshot()`` keys
as the minigrad/PyTorch runners (PyTorch's parameter names).
"""

from __future__ import annotations

import numpy as np

from benchmarks.harness import Array

F32 = np.float32


def _keep_multiplier(rng: np.random.Generator, shape: tuple[int, ...], p: float) -> Array:
    """Inverted-dropout multiplier: 0 with probability p, else 1/(1-p) (float32)."""
    keep = rng.random(shape, dtype=F32) >= p
    mult: Array = keep * F32(1.0 / (1.0 - p))
    return mult


class NumpyMLP:
    """Training step of ``[Linear -> BatchNorm1d -> ReLU -> Dropout] * n -> Linear``.

    Cross-entropy loss (mean over the batch), then SGD with momentum
    (PyTorch's rule: ``buf = momentum * buf + g`` with ``buf = g`` at the first
    step; ``p -= lr * buf``). BatchNorm uses batch statistics and updates its
    running mean and (unbiased) running variance like PyTorch. Parameter names
    follow ``nn.Sequential``: block ``i`` has its Linear at index ``4i`` and
    its BatchNorm at ``4i + 1``; the head is at ``4n``.

    Args:
        weights: name -> float32 array, PyTorch names and shapes.
        x: (batch, in) float32 inputs. y: (batch,) int64 class labels.
        p: dropout probability (0 disables dropout).
    """

    def __init__(self, weights: dict[str, Array], x: Array, y: Array, p: float, lr: float = 0.01,
                 momentum: float = 0.9, eps: float = 1e-5, bn_momentum: float = 0.1, seed: int = 0) -> None:
        self.params = {k: np.array(v, dtype=F32, copy=True) for k, v in weights.items()}
        self.n_hidden = (len(weights) - 2) // 4
        self.x, self.y = x, y
        self.p, self.lr, self.momentum, self.eps, self.bn_momentum = p, lr, momentum, eps, bn_momentum
        self.rng = np.random.default_rng(seed)
        self.buffers: dict[str, Array] = {}
        for i in range(self.n_hidden):
            n = self.params[f"{4 * i + 1}.weight"].shape[0]
            self.buffers[f"{4 * i + 1}.running_mean"] = np.zeros(n, F32)
            self.buffers[f"{4 * i + 1}.running_var"] = np.ones(n, F32)
        self.grads: dict[str, Array] = {}
        self.momentum_bufs: dict[str, Array] = {}
        self.loss = F32(0)
        self._rows = np.arange(x.shape[0])

    def step(self) -> None:
        """Forward, closed-form backward, SGD-momentum update."""
        params, grads = self.params, self.grads
        x, n_batch, eps = self.x, self.x.shape[0], self.eps
        saved = []
        h = x
        for i in range(self.n_hidden):
            lin, bn = 4 * i, 4 * i + 1
            z = h @ params[f"{lin}.weight"].T
            z += params[f"{lin}.bias"]
            mu = z.mean(axis=0)
            z -= mu
            var = np.einsum("ij,ij->j", z, z)
            var /= n_batch
            inv = 1.0 / np.sqrt(var + F32(eps))
            z *= inv  # z is now x-hat
            out = z * params[f"{bn}.weight"]
            out += params[f"{bn}.bias"]
            # ReLU and dropout are both "multiply by a mask": fold them into one
            mult = (out > 0).astype(F32)
            if self.p:
                mult *= _keep_multiplier(self.rng, out.shape, self.p)
            out *= mult
            m = F32(self.bn_momentum)
            rm, rv = self.buffers[f"{bn}.running_mean"], self.buffers[f"{bn}.running_var"]
            rm *= 1 - m
            rm += m * mu
            rv *= 1 - m
            rv += (m * n_batch / (n_batch - 1)) * var
            saved.append((h, z, inv, mult))
            h = out
        head = 4 * self.n_hidden
        logits = h @ params[f"{head}.weight"].T
        logits += params[f"{head}.bias"]
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        s = e.sum(axis=1, keepdims=True)
        self.loss = np.log(s).mean(dtype=F32) - logits[self._rows, self.y].mean(dtype=F32)

        g = e
        g /= s
        g[self._rows, self.y] -= 1
        g /= n_batch
        grads[f"{head}.weight"] = g.T @ h
        grads[f"{head}.bias"] = g.sum(axis=0)
        gh = g @ params[f"{head}.weight"]
        for i in reversed(range(self.n_hidden)):
            lin, bn = 4 * i, 4 * i + 1
            h_in, xhat, inv, mult = saved[i]
            gh *= mult
            gbeta = gh.sum(axis=0)
            ggamma = np.einsum("ij,ij->j", gh, xhat)
            # dz = gamma * inv / B * (B * dy - sum(dy) - xhat * sum(dy * xhat))
            xhat *= ggamma
            gh *= n_batch
            gh -= gbeta
            gh -= xhat
            gh *= params[f"{bn}.weight"] * inv / F32(n_batch)
            grads[f"{bn}.weight"], grads[f"{bn}.bias"] = ggamma, gbeta
            grads[f"{lin}.weight"] = gh.T @ h_in
            grads[f"{lin}.bias"] = gh.sum(axis=0)
            if i:
                gh = gh @ params[f"{lin}.weight"]

        lr, mom = F32(self.lr), F32(self.momentum)
        for name, p in params.items():
            grad = grads[name]
            buf = self.momentum_bufs.get(name)
            if buf is None:
                buf = self.momentum_bufs[name] = grad.copy()
            else:
                buf *= mom
                buf += grad
            p -= lr * buf

    def snapshot(self) -> dict[str, Array]:
        """Loss, gradients, updated parameters, running statistics."""
        snap = {"loss": np.asarray(self.loss, dtype=F32)}
        snap.update({f"grad:{k}": v.copy() for k, v in self.grads.items()})
        snap.update({f"param:{k}": v.copy() for k, v in self.params.items()})
        snap.update({f"buffer:{k}": v.copy() for k, v in self.buffers.items()})
        return snap


class NumpyChain:
    """``cycles`` x (mul by a, add b, tanh, exp, mul by ``scale``), then sum; forward and backward."""

    def __init__(self, x: Array, a: Array, b: Array, cycles: int, scale: float) -> None:
        self.x, self.a, self.b, self.cycles, self.scale = x, a, b, cycles, F32(scale)
        self.loss = F32(0)
        self.grad = np.zeros_like(x)

    def step(self) -> None:
        """Forward keeping tanh and exp outputs, then the chain rule backwards."""
        a, b = self.a, self.b
        y = self.x
        saved = []
        for _ in range(self.cycles):
            t = y * a
            t += b
            np.tanh(t, out=t)
            e = np.exp(t)
            y = e * self.scale
            saved.append((t, e))
        self.loss = y.sum()
        g = np.ones_like(y)
        for t, e in reversed(saved):
            g *= self.scale
            g *= e
            np.multiply(t, t, out=t)
            np.subtract(F32(1), t, out=t)
            g *= t
            g *= a
        self.grad = g

    def snapshot(self) -> dict[str, Array]:
        """The sum and the gradient of the input."""
        return {"loss": np.asarray(self.loss, dtype=F32), "grad:x": self.grad.copy()}


class NumpyBatchNorm:
    """BatchNorm1d in training mode on (N, C): forward, running stats, closed-form backward."""

    def __init__(self, weight: Array, bias: Array, x: Array, upstream: Array,
                 eps: float = 1e-5, momentum: float = 0.1) -> None:
        self.w, self.b, self.x, self.g = weight, bias, x, upstream
        self.eps, self.momentum = eps, momentum
        self.running_mean = np.zeros_like(weight)
        self.running_var = np.ones_like(weight)
        self.out = self.gx = self.gw = self.gb = x

    def step(self) -> None:
        """y = (x - mean) / sqrt(var + eps) * w + b, then dx, dw, db for upstream g."""
        x, g, n = self.x, self.g, self.x.shape[0]
        mu = x.mean(axis=0)
        xhat = x - mu
        var = np.einsum("ij,ij->j", xhat, xhat)
        var /= n
        inv = 1.0 / np.sqrt(var + F32(self.eps))
        xhat *= inv
        y = xhat * self.w
        y += self.b
        m = F32(self.momentum)
        self.running_mean *= 1 - m
        self.running_mean += m * mu
        self.running_var *= 1 - m
        self.running_var += (m * n / (n - 1)) * var

        gb = g.sum(axis=0)
        gw = np.einsum("ij,ij->j", g, xhat)
        xhat *= gw
        gx = g * F32(n)
        gx -= gb
        gx -= xhat
        gx *= self.w * inv / F32(n)
        self.out, self.gx, self.gw, self.gb = y, gx, gw, gb

    def snapshot(self) -> dict[str, Array]:
        """Output, gradients, running statistics."""
        return {"out:y": self.out.copy(), "grad:x": self.gx.copy(), "grad:weight": self.gw.copy(),
                "grad:bias": self.gb.copy(), "buffer:running_mean": self.running_mean.copy(),
                "buffer:running_var": self.running_var.copy()}


class NumpyLayerNorm:
    """LayerNorm over the last dim: forward and closed-form backward.

    Works on the ``(rows, n)`` view. Row sums use ``einsum``: on this
    machine ``x.sum(axis=-1)`` over short contiguous rows is about 3x slower.
    """

    def __init__(self, weight: Array, bias: Array, x: Array, upstream: Array, eps: float = 1e-5) -> None:
        self.w, self.b, self.x, self.g, self.eps = weight, bias, x, upstream, eps
        self.out = self.gx = self.gw = self.gb = x

    def step(self) -> None:
        """y = (x - mean) / sqrt(var + eps) * w + b per row; then dx, dw, db."""
        n = self.x.shape[-1]
        x, g = self.x.reshape(-1, n), self.g.reshape(-1, n)
        mu = np.einsum("ij->i", x)[:, None]
        mu /= n
        xhat = x - mu
        var = np.einsum("ij,ij->i", xhat, xhat)[:, None]
        var /= n
        inv = 1.0 / np.sqrt(var + F32(self.eps))
        xhat *= inv
        y = xhat * self.w
        y += self.b

        gb = g.sum(axis=0)
        gw = np.einsum("ij,ij->j", g, xhat)
        # dx = inv * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = g * w
        gx = g * self.w
        c1 = np.einsum("ij->i", gx)[:, None]
        c1 /= n
        c2 = np.einsum("ij,ij->i", gx, xhat)[:, None]
        c2 /= n
        gx -= c1
        xhat *= c2
        gx -= xhat
        gx *= inv
        self.out, self.gx, self.gw, self.gb = y.reshape(self.x.shape), gx.reshape(self.x.shape), gw, gb

    def snapshot(self) -> dict[str, Array]:
        """Output and gradients."""
        return {"out:y": self.out.copy(), "grad:x": self.gx.copy(), "grad:weight": self.gw.copy(),
                "grad:bias": self.gb.copy()}


class NumpyDropout:
    """Inverted dropout: forward and backward share one multiplier."""

    def __init__(self, x: Array, upstream: Array, p: float, seed: int = 0) -> None:
        self.x, self.g, self.p = x, upstream, p
        self.rng = np.random.default_rng(seed)
        self.out = self.gx = x

    def step(self) -> None:
        """y = x * mask / (1 - p); dx = g * mask / (1 - p)."""
        if self.p == 0:
            self.out, self.gx = self.x.copy(), self.g.copy()
            return
        mult = _keep_multiplier(self.rng, self.x.shape, self.p)
        self.out = self.x * mult
        self.gx = self.g * mult

    def snapshot(self) -> dict[str, Array]:
        """Output and input gradient."""
        return {"out:y": self.out.copy(), "grad:x": self.gx.copy()}
