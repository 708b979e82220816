"""L-BFGS: a quasi-Newton method driven by a closure, with an optional strong-Wolfe line search."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad._kernels import quiet
from minigrad.autograd import enable_grad, no_grad
from minigrad.errors import InvalidParameterError, MinigradError, ShapeError
from minigrad.nn._checks import nonnegative_int, positive_int
from minigrad.optim._inplace import add_
from minigrad.optim.optimizer import Optimizer, ParamsT, check_lr, check_number, lr_value
from minigrad.tensor import Array, Tensor, from_numpy

__all__ = ["LBFGS"]

# Scalars below are numpy scalars of the parameters' dtype wherever PyTorch
# holds a 0-d tensor (dot products and what is computed from them), and Python
# floats where PyTorch holds floats: numpy then rounds mixed float32/Python
# arithmetic the way PyTorch does, so float32 runs stay close to PyTorch's.


def _cubic_interpolate(x1: Any, f1: Any, g1: Any, x2: Any, f2: Any, g2: Any,
                       bounds: tuple[Any, Any] | None = None) -> Any:
    """The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to ``bounds``.

    ``bounds`` defaults to the interval between x1 and x2; without a real
    minimiser, its midpoint.
    """
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square >= 0:
        d2 = np.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, lo), hi)
    return (lo + hi) / 2.0


def _strong_wolfe_arrays(obj_func: Callable[[Any], tuple[float, Array]], t: Any, d: Array, f: float, g: Array,
                         gtd: Any, max_ls: int, c1: float = 1e-4, c2: float = 0.9,
                         tolerance_change: float = 1e-9) -> tuple[float, Array, Any, int]:
    """A step ``t`` along ``d`` meeting the strong Wolfe conditions (bracketing, then zoom).

    ``obj_func(t)`` returns the loss and flat gradient at ``x + t * d``.
    Returns ``(loss, flat gradient, t, function evaluations)`` at the step
    found (the best bracket end if ``max_ls`` evaluations did not suffice).
    As in PyTorch, ``tolerance_change`` is the line search's own (1e-9).
    """
    d_norm = np.abs(d).max()
    g = g.copy()
    f_new, g_new = obj_func(t)
    evals = 1
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    # Bracketing phase: find an interval holding a point that satisfies the conditions.
    bracket: list[Any] = []
    bracket_f: list[Any] = []
    bracket_g: list[Array] = []
    bracket_gtd: list[Any] = []
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new.copy()], [gtd_prev, gtd_new]
            break
        # Extrapolate: the next trial point lies beyond t, at most ten times as far.
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        t_prev, t = t, _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                                          bounds=(min_step, max_step))
        f_prev, g_prev, gtd_prev = f_new, g_new.copy(), gtd_new
        f_new, g_new = obj_func(t)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # Zoom phase: shrink the bracket until a point satisfies the conditions.
    insuf_progress = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0],
                               bracket[1], bracket_f[1], bracket_gtd[1])
        # Keep t away from the bracket's ends unless the last trial made too little progress.
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                nearer_top = abs(t - max(bracket)) < abs(t - min(bracket))
                t = max(bracket) - eps if nearer_top else min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(t)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low]:
            bracket[high], bracket_f[high] = t, f_new
            bracket_g[high], bracket_gtd[high] = g_new.copy(), gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low], bracket_g[low], bracket_gtd[low] = t, f_new, g_new.copy(), gtd_new
    return bracket_f[low], bracket_g[low], bracket[low], evals


def _strong_wolfe(obj_func: Callable[[Any, Any, Any], tuple[Any, Tensor]], x: Any, t: Any, d: Tensor, f: Any,
                  g: Tensor, gtd: Any, c1: float = 1e-4, c2: float = 0.9, tolerance_change: float = 1e-9,
                  max_ls: int = 25) -> tuple[Any, Tensor, float, int]:
    """PyTorch's private line search on flat tensors, which pytorch-minimize imports: a step ``t`` along
    ``d`` from ``x`` meeting the strong Wolfe conditions, ``obj_func(x, t, d)`` giving the loss and
    flat gradient there. Returns ``(loss, flat gradient, t, function evaluations)``."""
    def on_arrays(step: Any) -> tuple[Any, Array]:
        value, grad = obj_func(x, step, d)
        return value, grad.detach().numpy()

    gtd_value = gtd.detach().numpy()[()] if isinstance(gtd, Tensor) else gtd
    loss, grad, step, evals = _strong_wolfe_arrays(on_arrays, t, d.detach().numpy(), f, g.detach().numpy(),
                                                   gtd_value, max_ls, c1, c2, tolerance_change)
    return loss, from_numpy(np.array(grad)), float(step), evals


def _to_state(value: Any) -> Any:
    """Arrays and numpy scalars as Tensors (lists element-wise), for ``self.state``."""
    if isinstance(value, (np.ndarray, np.generic)):
        return from_numpy(np.asarray(value))
    if isinstance(value, list):
        return [_to_state(v) for v in value]
    return value


def _from_state(value: Any) -> Any:
    """The inverse of :func:`_to_state`: 0-d Tensors come back as numpy scalars."""
    if isinstance(value, Tensor):
        arr = value.numpy(force=True)
        return arr[()] if arr.ndim == 0 else arr
    if isinstance(value, list):
        return [_from_state(v) for v in value]
    return value


class LBFGS(Optimizer):
    r"""L-BFGS (Nocedal), PyTorch's algorithm exactly (``torch/optim/lbfgs.py``, after minFunc).

    Each ``step(closure)`` runs up to ``max_iter`` iterations on the
    parameters seen as one flat vector: the two-loop recursion over the last
    ``history_size`` curvature pairs gives a direction, then either a fixed
    step ``lr`` (the first iteration of a run is scaled down to
    ``min(1, 1 / |g|_1) * lr``) or a strong-Wolfe line search. It stops early
    when the largest gradient entry is at most ``tolerance_grad``, when the
    step or the change of the loss falls below ``tolerance_change``, or after
    ``max_eval`` evaluations of the closure.

    Args:
        params: Tensors; a single parameter group (no per-group options).
        lr: learning rate, >= 0 (default 1).
        max_iter: iterations per ``step``, an int >= 0 (default 20).
        max_eval: closure evaluations per ``step`` (default ``max_iter * 5 // 4``).
        tolerance_grad: stop when ``max |g| <= tolerance_grad``, >= 0.
        tolerance_change: stop when the step or loss change is smaller, >= 0.
        history_size: curvature pairs kept, an int >= 1 (default 100).
        line_search_fn: None (fixed step) or ``'strong_wolfe'``.

    Raises:
        InvalidParameterError: an out-of-range value, an unknown
            ``line_search_fn``, several parameter groups, an empty parameter list.

    State (kept for the first parameter, as in PyTorch): ``func_evals`` and
    ``n_iter`` (ints), and after a step the direction ``d``, step ``t``, the
    history ``old_dirs``/``old_stps``/``ro``, ``H_diag``, ``prev_flat_grad``,
    ``prev_loss`` and ``al``.
    """

    _load_fills = frozenset({"differentiable"})

    def __init__(self, params: ParamsT, lr: float = 1, max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        nonnegative_int("max_iter", max_iter)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults: dict[str, Any] = {
            "lr": lr, "max_iter": max_iter, "max_eval": max_eval, "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change, "history_size": history_size,
            "line_search_fn": line_search_fn,
        }  # fmt: skip
        self._check_group(defaults)
        super().__init__(params, defaults)  # (its checks of duplicates and names come first, as in PyTorch)
        if len(self.param_groups) != 1:
            raise InvalidParameterError("LBFGS doesn't support per-parameter options (parameter groups)")

    def _check_group(self, group: dict[str, Any]) -> None:
        check_lr(group)
        nonnegative_int("max_iter", group["max_iter"])
        nonnegative_int("max_eval", group["max_eval"])
        check_number("tolerance_grad", group["tolerance_grad"])
        check_number("tolerance_change", group["tolerance_change"])
        positive_int("history_size", group["history_size"])
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise InvalidParameterError(
                "only 'strong_wolfe' is supported (line_search_fn must be None or 'strong_wolfe', "
                f"got line_search_fn={group['line_search_fn']!r})"
            )

    def _load_state_value(self, p: Tensor, index: int, key: str | None, value: Any) -> Any:
        """As the base class's; the flat vectors (``d``, ``prev_flat_grad``, ``old_dirs``, ``old_stps``) must
        have as many entries as the parameters together (PyTorch fails at the next step then, minigrad's numpy
        broadcasting did with a ValueError)."""
        loaded = super()._load_state_value(p, index, key, value)
        if key in ("d", "prev_flat_grad", "old_dirs", "old_stps"):
            numel = sum(q.numel() for q in self._params)
            for vector in loaded if isinstance(loaded, list) else [loaded]:
                if isinstance(vector, Tensor) and vector.numel() != numel:
                    raise ShapeError(f"load_state_dict: LBFGS state[{index}][{key!r}] holds a vector of "
                                     f"{vector.numel()} entries, but the parameters have {numel} together")
        return loaded

    @property
    def _params(self) -> list[Tensor]:
        return self.param_groups[0]["params"]  # type: ignore[no-any-return]

    def _gather_flat_grad(self) -> Array:
        """Every gradient as one flat vector (zeros for parameters without one)."""
        views = []
        for p in self._params:
            g = self._grad_of(p)
            views.append(np.zeros(p.numel(), dtype=p.dtype) if g is None else g.ravel())
        return np.concatenate(views)

    def _add_grad(self, step_size: Any, update: Array) -> None:
        """Move the parameters by ``step_size * update`` (a flat vector), in place."""
        offset = 0
        for p in self._params:
            x = p.numpy(force=True)
            piece = update[offset: offset + x.size].reshape(x.shape)
            add_(x, piece, float(step_size), self._scratch.get(x))
            p._write()
            offset += x.size

    def _set_params(self, values: list[Array]) -> None:
        for p, v in zip(self._params, values, strict=True):
            np.copyto(p.numpy(force=True), v)
            p._write()

    @no_grad()
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Run up to ``max_iter`` L-BFGS iterations; returns the closure's first loss.

        ``closure`` must re-evaluate the model, call ``backward()`` and return
        the loss; it runs with grad mode on, possibly several times.

        Raises:
            TypeError: no closure (LBFGS needs one).
            MinigradError: the parameters have no elements (PyTorch's RuntimeError of a max of none).
        """
        if closure is None:
            raise TypeError("LBFGS.step() missing 1 required positional argument: 'closure' (a closure that "
                            "re-evaluates the model and returns the loss)")
        group = self.param_groups[0]
        return quiet(self._run, closure, group)  # nan and inf propagate silently, as in PyTorch

    def _evaluate(self, closure: Callable[[], Any]) -> Any:
        with enable_grad():
            return closure()

    def _run(self, closure: Callable[[], Any], group: dict[str, Any]) -> Any:
        lr = lr_value(group)
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = self._evaluate(closure)
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if flat_grad.size == 0:  # (PyTorch's flat_grad.abs().max() of no elements)
            raise MinigradError("max(): Expected reduction dim to be specified for input.numel() == 0. "
                                "Specify the reduction dim with the 'dim' argument.")
        if np.abs(flat_grad).max() <= tolerance_grad:
            return orig_loss

        d, t = _from_state(state.get("d")), _from_state(state.get("t"))
        old_dirs, old_stps, ro = (_from_state(state.get(k)) for k in ("old_dirs", "old_stps", "ro"))
        h_diag, prev_flat_grad = _from_state(state.get("H_diag")), _from_state(state.get("prev_flat_grad"))
        prev_loss = state.get("prev_loss")
        al = _from_state(state.get("al"))

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                h_diag = 1
            else:
                # Keep the newest curvature pair (y, s) if it has positive curvature.
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)
                if ys > 1e-10:
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / y.dot(y)
                # Two-loop recursion: d = -H g with H the L-BFGS inverse-Hessian estimate.
                if al is None:
                    al = [None] * history_size
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    add_(q, old_dirs[i], -float(al[i]), self._scratch.get(q))
                d = q * h_diag
                for i in range(len(old_dirs)):
                    be_i = old_dirs[i].dot(d) * ro[i]
                    add_(d, old_stps[i], float(al[i] - be_i), self._scratch.get(d))

            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.copy()
            else:
                np.copyto(prev_flat_grad, flat_grad)
            prev_loss = loss

            t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr if state["n_iter"] == 1 else lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:  # not a descent direction
                break

            evals = 0
            if group["line_search_fn"] is not None:
                x_init = [p.numpy(force=True).copy() for p in self._params]

                def obj_func(step: Any, x_init: list[Array] = x_init, d: Array = d) -> tuple[float, Array]:
                    self._add_grad(step, d)
                    value = float(self._evaluate(closure))
                    grad = self._gather_flat_grad()
                    self._set_params(x_init)
                    return value, grad

                loss, flat_grad, t, evals = _strong_wolfe_arrays(obj_func, t, d, loss, flat_grad, gtd,
                                                                 max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:  # the last iteration's loss is the next step's first
                    loss = float(self._evaluate(closure))
                    flat_grad = self._gather_flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                    evals = 1
            current_evals += evals
            state["func_evals"] += evals

            if (n_iter == max_iter or current_evals >= max_eval or opt_cond
                    or np.abs(d * t).max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change):
                break

        if al is not None:  # (first: PyTorch makes it within its loop, so a state dict lists it before d)
            state["al"] = _to_state(al)
        for key, value in (("d", d), ("t", t), ("old_dirs", old_dirs), ("old_stps", old_stps), ("ro", ro),
                           ("H_diag", h_diag), ("prev_flat_grad", prev_flat_grad), ("prev_loss", prev_loss)):
            state[key] = _to_state(value)
        return orig_loss
