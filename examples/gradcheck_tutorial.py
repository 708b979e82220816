"""Gradient checking, step by step: how to know that a gradient is right.

A walkthrough that prints its explanations as it goes:

1. build a small function from Tensor operations and look at its gradient;
2. check that gradient against central finite differences with ``mg.gradcheck``;
3. define a new primitive (a ``minigrad.ops.Function`` subclass) with a
   deliberately wrong backward, and read the ``GradcheckError`` report that
   pinpoints the bad entries;
4. check second derivatives with ``mg.gradgradcheck``, and see it catch a
   backward whose first derivative is right but which cannot be differentiated
   again;
5. check a layer's own parameters by passing the Module itself.

Run it from the repository root (or from anywhere)::

    python examples/gradcheck_tutorial.py
    python examples/gradcheck_tutorial.py --seed 3 --size 4

It exits 0 when every check behaves as the text says it should.
"""

from __future__ import annotations

import sys
import textwrap

import _common  # (makes `import minigrad` work from a plain checkout)
import numpy as np

import minigrad as mg
from minigrad import nn
from minigrad.ops import Function
from minigrad.tensor import Array, Tensor


def say(text: str) -> None:
    """Print a paragraph of explanation, wrapped, with a blank line after it."""
    print(textwrap.fill(textwrap.dedent(text).strip(), width=88))
    print()


def section(title: str) -> None:
    print("=" * 88)
    print(title)
    print("=" * 88)


def show(name: str, t: Tensor) -> None:
    print(f"{name} =\n{np.array2string(t.detach().numpy(), precision=5, suppress_small=True)}\n")


# --------------------------------------------------------------------- custom primitives
# A primitive owns one derivative: forward works on numpy arrays, backward
# returns the vector-Jacobian product (gradient of the loss w.r.t. each input,
# given g, the gradient w.r.t. the output) written with Tensor operations.


class Cube(Function):
    """y = a ** 3;  da = g * 3 a**2  (correct)."""

    def forward(self, a: Array) -> Array:
        return a * a * a

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = self.parents or ()
        return (g * 3.0 * a * a,)


class WrongCube(Function):
    """y = a ** 3 with a classic slip in backward: the exponent was not lowered (3 a**3)."""

    def forward(self, a: Array) -> Array:
        return a * a * a

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = self.parents or ()
        return (g * 3.0 * a * a * a,)


class NumpyCube(Function):
    """y = a ** 3 whose backward computes 3 a**2 in raw numpy.

    The first derivative is right, but ``mg.from_numpy`` hides where 3 a**2 came
    from: to the engine it is a constant, so the second derivative comes out
    as if d(3 a**2)/da were 0.
    """

    def forward(self, a: Array) -> Array:
        return a * a * a

    def backward(self, g: Tensor, out: Tensor) -> tuple[Tensor | None, ...]:
        (a,) = self.parents or ()
        return (g * mg.from_numpy(3.0 * a.detach().numpy() ** 2),)


class DetachedScale(nn.Module):
    """y = x * scale with the scale detached by mistake: its gradient never arrives."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.scale = nn.Parameter(mg.ones(size, dtype=mg.float64) * 1.5)

    def forward(self, x: Tensor) -> Tensor:
        return x * self.scale.detach()


def main(argv: list[str] | None = None) -> int:
    parser = _common.make_parser(__doc__)
    parser.add_argument("--seed", type=int, default=0, help="seed for the random inputs")
    parser.add_argument("--size", type=_common.positive_int, default=3,
                        help="side of the small matrices checked (the Jacobian has size**2 columns)")
    args = parser.parse_args(argv)
    mg.manual_seed(args.seed)
    n = args.size
    ok = True

    # ------------------------------------------------------------------ 1
    section("1. A function built from Tensor operations")
    say("""
        Every Tensor operation records a node in a graph; backward() walks that graph from
        the output back to the leaves and leaves d(output)/d(leaf) in each leaf's .grad.
        Here is f(x, w) = sum(tanh(x @ w) * sigmoid(x)), built from five primitives
        (matmul, tanh, sigmoid, mul, sum). We use float64: finite differences in float32 are
        too coarse to say anything about a gradient.
    """)
    x = mg.randn(n, n, dtype=mg.float64, requires_grad=True)
    w = mg.randn(n, n, dtype=mg.float64, requires_grad=True)

    def f(x: Tensor, w: Tensor) -> Tensor:
        return ((x @ w).tanh() * x.sigmoid()).sum()

    y = f(x, w)
    y.backward()
    print(f"f(x, w) = {y.item():.6f}\n")
    assert x.grad is not None
    show("df/dx (analytical, from backward)", x.grad)

    # ------------------------------------------------------------------ 2
    section("2. Checking it against finite differences")
    say("""
        A derivative is a limit: df/dx[i] ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps). This
        central difference has error O(eps^2), so with eps = 1e-6 in float64 it agrees with
        the true derivative to about 1e-9. Here it is by hand for x[0, 0]:
    """)
    eps = 1e-6
    with mg.no_grad():
        x.numpy()[0, 0] += eps
        plus = f(x, w).item()
        x.numpy()[0, 0] -= 2 * eps
        minus = f(x, w).item()
        x.numpy()[0, 0] += eps
    numeric = (plus - minus) / (2 * eps)
    print(f"numerical  df/dx[0,0] = {numeric:.10f}")
    print(f"analytical df/dx[0,0] = {x.grad.numpy()[0, 0]:.10f}\n")
    say(f"""
        mg.gradcheck(f, (x, w)) does this for every element of every input that requires
        grad, against every output element (the full Jacobian: {2 * n * n} columns here, two
        function calls each), and compares each entry with
        |analytical - numerical| <= atol + rtol * |numerical|.
    """)
    passed = mg.gradcheck(f, (x, w))
    print(f"mg.gradcheck(f, (x, w)) -> {passed}\n")
    ok &= passed is True

    # ------------------------------------------------------------------ 3
    section("3. What a wrong gradient looks like")
    say("""
        New primitives are where gradient bugs live. A primitive subclasses
        minigrad.ops.Function: forward() maps numpy arrays to a numpy array, backward(g, out)
        returns the gradient for each input given g = d(loss)/d(output). Cube below is right
        (d a^3 = 3 a^2); WrongCube forgot to lower the exponent and returns 3 a^3.
    """)
    a = mg.randn(n, n, dtype=mg.float64, requires_grad=True)
    show("a", a)
    passed = mg.gradcheck(Cube.apply, (a,))
    print(f"mg.gradcheck(Cube.apply, (a,))      -> {passed}")
    ok &= passed is True
    quiet = mg.gradcheck(WrongCube.apply, (a,), raise_exception=False)
    print(f"mg.gradcheck(WrongCube.apply, (a,), raise_exception=False) -> {quiet}\n")
    ok &= quiet is False
    say("""
        By default gradcheck raises GradcheckError instead, and the message is meant to end
        the investigation: which input, which element, the analytical and numerical values,
        the tolerances, then a table of the worst entries. Since Cube is elementwise only the
        diagonal of its Jacobian is non-zero: output element k depends on input element k
        alone, which is why the failing rows pair index (i, j) with output i*n + j. Every
        failing ratio analytical/numerical equals a[i, j]: the stray factor of a.
    """)
    try:
        mg.gradcheck(WrongCube.apply, (a,))
    except mg.GradcheckError as err:
        print("GradcheckError:")
        print(textwrap.indent(str(err), "    "))
        print()
    else:
        print("UNEXPECTED: the wrong backward passed gradcheck\n")
        ok = False

    # ------------------------------------------------------------------ 4
    section("4. Second derivatives")
    say("""
        backward() in minigrad is itself written with Tensor operations, so with
        create_graph=True the gradient is a graph too and can be differentiated again (a
        Hessian-vector product, the gradient of a gradient penalty, ...). For sin, the first
        derivative is cos and the second is -sin:
    """)
    t = mg.tensor(np.linspace(-1.0, 1.0, 5), dtype=mg.float64, requires_grad=True)
    (dy,) = mg.grad(t.sin().sum(), t, create_graph=True)
    assert dy is not None
    (d2y,) = mg.grad(dy.sum(), t)
    assert d2y is not None
    ts = t.detach().numpy()  # (t and dy require grad: .numpy() would raise, as in PyTorch)
    print(f"t          = {np.array2string(ts, precision=4)}")
    print(f"d sin/dt   = {np.array2string(dy.detach().numpy(), precision=4)}   cos(t)  = "
          f"{np.array2string(np.cos(ts), precision=4)}")
    print(f"d2 sin/dt2 = {np.array2string(d2y.numpy(), precision=4)}   -sin(t) = "
          f"{np.array2string(-np.sin(ts), precision=4)}\n")
    ok &= bool(np.allclose(d2y.numpy(), -np.sin(ts), rtol=1e-12, atol=1e-12))
    say("""
        mg.gradgradcheck(fn, inputs) gradchecks the function (inputs, v) -> v^T J, i.e. the
        backward pass itself, against finite differences of it. Our f from section 1 and the
        correct Cube both pass:
    """)
    passed = mg.gradgradcheck(f, (x, w))
    print(f"mg.gradgradcheck(f, (x, w))       -> {passed}")
    ok &= passed is True
    passed = mg.gradgradcheck(Cube.apply, (a,))
    print(f"mg.gradgradcheck(Cube.apply, (a,)) -> {passed}\n")
    ok &= passed is True
    say("""
        NumpyCube computes its backward 3 a^2 in raw numpy and wraps the result. Its first
        derivative is right, so gradcheck passes; but the engine cannot see how 3 a^2 depends
        on a, so the second derivative is silently missing the 6 a g term. gradgradcheck
        catches it:
    """)
    passed = mg.gradcheck(NumpyCube.apply, (a,))
    print(f"mg.gradcheck(NumpyCube.apply, (a,))     -> {passed}")
    ok &= passed is True
    try:
        mg.gradgradcheck(NumpyCube.apply, (a,))
    except mg.GradcheckError as err:
        print("mg.gradgradcheck(NumpyCube.apply, (a,)) -> GradcheckError:")
        print(textwrap.indent(str(err), "    "))
        print()
    else:
        print("UNEXPECTED: the numpy backward passed gradgradcheck\n")
        ok = False
    say("""
        That is why every backward in minigrad/ops.py is written with Tensor operations:
        written once, it is differentiable to any order.
    """)

    # ------------------------------------------------------------------ 5
    section("5. A layer's own parameters")
    say("""
        A layer's weights are not arguments of its forward, so passing only the input would
        leave their gradients unchecked. Pass the Module itself: mg.gradcheck(layer, (x,))
        checks the gradients of the input and of every parameter (check_params=True does the
        same for a plain function, finding the parameters in its graph). Here a Linear layer
        passes, and a layer whose scale is detached by mistake fails, by name:
    """)
    mg.manual_seed(args.seed)
    layer = nn.Linear(args.size, 2, dtype=mg.float64)
    x1 = mg.randn(2, args.size, dtype=mg.float64, requires_grad=True)
    passed = mg.gradcheck(layer, (x1,))
    print(f"mg.gradcheck(nn.Linear({args.size}, 2), (x,)) -> {passed}\n")
    ok &= passed is True
    try:
        mg.gradcheck(DetachedScale(args.size), (x1,))
    except mg.GradcheckError as err:
        print("mg.gradcheck(DetachedScale(...), (x,)) -> GradcheckError:")
        print(textwrap.indent(str(err), "    "))
        print()
    else:
        print("UNEXPECTED: the detached parameter passed gradcheck\n")
        ok = False
    say("""
        Use float64 for all of this: central differences with eps=1e-6 in float32 are off by
        far more than the tolerances, so gradcheck warns about float32 inputs and parameters,
        as PyTorch's does.
    """)

    section("Summary")
    if ok:
        print("All checks behaved as described: correct gradients pass, wrong ones are reported.")
        return 0
    print("Some check did not behave as described above (see the UNEXPECTED lines).")
    return 1


if __name__ == "__main__":
    sys.exit(main())
