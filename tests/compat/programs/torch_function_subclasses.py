"""Extending torch with __torch_function__, following PyTorch's "Extending torch" notes and the
tensor-subclass tutorials: a duck-typed ScalarTensor with a HANDLED_FUNCTIONS table filled by an
implements(torch_function) decorator, reached through library functions that guard with
torch.overrides.has_torch_function_unary/_variadic and call handle_torch_function, with
NotImplemented for the rest (the TypeError PyTorch raises), a torch.Tensor subclass that logs every call by name through
super().__torch_function__ under DisableTorchFunctionSubclass semantics, results keeping the subclass
(type(x + 1), x.sum(), torch.cat of subclasses, .grad of a subclass leaf), as_subclass and
.as_subclass(torch.Tensor), a units-carrying MetaTensor whose metadata propagates through torch
functions by inspecting args, torch.overrides.has_torch_function / is_tensor_like, a small model fed
inputs wrapped in the logging subclass, trained for a few steps, and the counts it logged of the
methods and functions handed to __torch_function__ (tests/parity/test_ops36_fixes.py compares the
whole logs of torch.cat, F.linear, F.mse_loss, property getters and Python's protocols)."""

import collections
import functools

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.overrides import (handle_torch_function, has_torch_function, has_torch_function_unary,
                             has_torch_function_variadic, is_tensor_like)

torch.set_num_threads(1)
torch.manual_seed(0)

HANDLED_FUNCTIONS = {}


class ScalarTensor:
    def __init__(self, N, value):
        self._N = N
        self._value = value

    def __repr__(self):
        return f"ScalarTensor(N={self._N}, value={self._value})"

    def tensor(self):
        return self._value * torch.eye(self._N)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if kwargs is None:
            kwargs = {}
        if func not in HANDLED_FUNCTIONS or not all(issubclass(t, (torch.Tensor, ScalarTensor)) for t in types):
            return NotImplemented
        return HANDLED_FUNCTIONS[func](*args, **kwargs)


def implements(torch_function):
    def decorator(func):
        functools.update_wrapper(func, torch_function)
        HANDLED_FUNCTIONS[torch_function] = func
        return func
    return decorator


@implements(torch.mean)
def mean(input):
    return float(input._value) / input._N


def ensure_tensor(data):
    if isinstance(data, ScalarTensor):
        return data.tensor()
    return torch.as_tensor(data)


@implements(torch.add)
def add(input, other):
    try:
        if input._N == other._N:
            return ScalarTensor(input._N, input._value + other._value)
        raise ValueError("Shape mismatch!")
    except AttributeError:
        return torch.add(ensure_tensor(input), ensure_tensor(other))


def trace_of(input):
    """A library function that defers to the __torch_function__ of tensor-likes, as torch's own do."""
    if has_torch_function_unary(input):
        return handle_torch_function(trace_of, (input,), input)
    return torch.trace(input)


def scaled_sum(input, other, alpha=1.0):
    if has_torch_function_variadic(input, other):
        return handle_torch_function(scaled_sum, (input, other), input, other, alpha=alpha)
    return (input + alpha * other).sum()


@implements(trace_of)
def scalar_trace(input):
    return float(input._value * input._N)


@implements(scaled_sum)
def scalar_scaled_sum(input, other, alpha=1.0):
    return float((ensure_tensor(input) + alpha * ensure_tensor(other)).sum())


d = ScalarTensor(5, 2)
print(d, "tensor diag", d.tensor().diagonal().tolist())
print("trace_of(d) =", trace_of(d), "trace_of(eye) =", trace_of(torch.eye(3)).item())
print("scaled_sum(d, ones) =", scaled_sum(d, torch.ones(5, 5), alpha=0.5), "plain", scaled_sum(torch.ones(2), torch.ones(2)).item())
print("add(d, d) by the table =", HANDLED_FUNCTIONS[torch.add](d, d), "mean", HANDLED_FUNCTIONS[torch.mean](d))
print("mean wrapper name", mean.__name__, "handled", sorted(f.__name__ for f in HANDLED_FUNCTIONS))


def not_handled(input):
    if has_torch_function_unary(input):
        return handle_torch_function(not_handled, (input,), input)
    return input


try:
    not_handled(d)
except TypeError as e:
    print("unhandled: TypeError", str(e).split(":")[0])
print("has_torch_function", has_torch_function((d,)), has_torch_function((torch.ones(1),)),
      has_torch_function((nn.Parameter(torch.ones(1)),)), "is_tensor_like", is_tensor_like(d),
      is_tensor_like(torch.ones(1)), is_tensor_like(3))

CALLS = collections.Counter()


class LoggingTensor(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if kwargs is None:
            kwargs = {}
        CALLS[getattr(func, "__name__", str(func))] += 1
        return super().__torch_function__(func, types, args, kwargs)


x = torch.arange(6.0).reshape(2, 3).as_subclass(LoggingTensor)
print("type", type(x).__name__, "isinstance Tensor", isinstance(x, torch.Tensor))
y = x + 1
print("x + 1 ->", type(y).__name__, y.tolist())
print("sum ->", type(x.sum()).__name__, "item", x.sum().item())
print("cat ->", type(torch.cat([x, x])).__name__, "shape", tuple(torch.cat([x, x]).shape))
print("mixed add ->", type(torch.ones(2, 3) + x).__name__)
plain = y.as_subclass(torch.Tensor)
print("as_subclass back ->", type(plain).__name__)
print("shape attr ->", type(x.shape).__name__, "dtype", x.dtype)
print("logged methods so far", {k: v for k, v in sorted(CALLS.items()) if k in ("add", "sum", "item", "tolist")})

w = torch.randn(3, 2, requires_grad=True)
wl = w.detach().as_subclass(LoggingTensor).requires_grad_()
out = (x @ wl).relu().sum()
out.backward()
print("grad type", type(wl.grad).__name__, "grad", [round(v, 5) for v in wl.grad.flatten().tolist()])
print("out type", type(out).__name__, f"{out.item():.5f}")


class MetaTensor(torch.Tensor):
    @staticmethod
    def __new__(cls, data, units=None):
        t = torch.as_tensor(data).as_subclass(cls)
        t.units = units
        return t

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        units = [a.units for a in args if isinstance(a, MetaTensor) and getattr(a, "units", None)]
        result = super().__torch_function__(func, types, args, kwargs)
        if isinstance(result, MetaTensor):
            if func in (torch.Tensor.__mul__, torch.mul) and len(units) == 2:
                result.units = units[0] + "^2" if units[0] == units[1] else "*".join(units)
            else:
                result.units = units[0] if units else None
        return result


m = MetaTensor([1.0, 2.0, 3.0], units="m")
s = MetaTensor([2.0, 2.0, 2.0], units="s")
print("m + m units", (m + m).units, "m * 2 units", (m * 2).units, "m * s units", (m * s).units, "m * m units", (m * m).units)
print("torch.mean(m) units", torch.mean(m).units, "value", torch.mean(m).item())
print("slice units", m[1:].units, "neg units", (-m).units)

CALLS.clear()
torch.manual_seed(1)
model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
inputs = torch.randn(16, 3).as_subclass(LoggingTensor)
targets = inputs.sum(1, keepdim=True).sin()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(5):
    pred = model(inputs)
    loss = F.mse_loss(pred, targets)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step} loss {loss.item():.6f} pred type {type(pred).__name__} loss type {type(loss).__name__}")
print("logged during training", {k: v for k, v in sorted(CALLS.items()) if k in ("tanh", "sum", "sin")})
