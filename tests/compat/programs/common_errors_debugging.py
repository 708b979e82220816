"""The "most common PyTorch errors and how to fix them" blog post, as a script: each mistake is made,
its exception caught and printed (class and message), then fixed — a float target for cross_entropy, a
missing batch dimension for Conv2d, a non-contiguous view, backward twice, numpy() on a tensor that
requires grad, item() on many elements, an in-place op on a leaf, an out-of-range embedding index, a
label outside the classes, mismatched dtypes in matmul, softmax without dim, wrong LSTM input size,
BatchNorm with one sample in training, and stack of different shapes.

(Adapted: the post prints each message; minigrad words most of them its own way (PyTorch's words first,
then the shapes or the fix), so this script prints whether each mistake raises the class the post says (`except IndexError:` and the
like; minigrad's errors are instances of PyTorch's class at the site, and of others besides). The
post's numpy()-on-a-grad-tensor mistake is left out: minigrad's .numpy() works on any tensor.)"""

import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def attempt(title, fn, expected=RuntimeError):
    try:
        out = fn()
        print(f"[ok] {title}: {out}")
    except expected:
        print(f"[{expected.__name__}] {title}")
    except Exception as e:
        print(f"[unexpected {type(e).__name__}] {title}")


logits = torch.randn(4, 3)
attempt("cross_entropy with float class targets", lambda: F.cross_entropy(logits, torch.tensor([0.0, 2.0, 1.0, 1.0])).item())
attempt("fixed: long targets", lambda: round(F.cross_entropy(logits, torch.tensor([0, 2, 1, 1])).item(), 4))
attempt("nll_loss target out of bounds", lambda: F.nll_loss(F.log_softmax(logits, 1), torch.tensor([0, 3, 1, 1])), IndexError)
attempt("cross_entropy target shape", lambda: F.cross_entropy(logits, torch.tensor([[0], [2], [1], [1]])))

conv = nn.Conv2d(3, 8, 3)
attempt("conv on 3-D input (unbatched) works", lambda: tuple(conv(torch.randn(3, 8, 8)).shape))
attempt("conv with wrong channels", lambda: conv(torch.randn(1, 1, 8, 8)))
attempt("conv with a 2-D input", lambda: conv(torch.randn(8, 8)))
attempt("conv kernel bigger than input", lambda: conv(torch.randn(1, 3, 2, 2)))

t = torch.arange(12.0).view(3, 4).t()
attempt("view on a transposed tensor", lambda: t.view(12))
attempt("fixed: reshape", lambda: t.reshape(12)[:5].tolist())
attempt("view with a wrong size", lambda: torch.arange(12).view(5, -1))
attempt("reshape with two -1", lambda: torch.arange(12).reshape(-1, -1))

w = torch.randn(3, requires_grad=True)
loss = (w * 2).sum()
loss.backward()
attempt("backward twice", lambda: loss.backward())
attempt("fixed: detach().numpy()", lambda: w.detach().numpy().shape)
attempt("item() on three elements", lambda: w.item())
attempt("in-place on a leaf that requires grad", lambda: w.add_(1))
attempt("backward on a non-scalar", lambda: (w * 2).backward())
attempt("grad of a tensor without grad_fn", lambda: torch.autograd.grad(torch.ones(2).sum(), torch.ones(2)))

emb = nn.Embedding(10, 4)
attempt("embedding index out of range", lambda: emb(torch.tensor([1, 10])), IndexError)
attempt("embedding with float indices", lambda: emb(torch.tensor([1.0, 2.0])))

attempt("matmul float @ double", lambda: torch.randn(2, 3) @ torch.randn(3, 2, dtype=torch.float64))
attempt("linear on int input", lambda: nn.Linear(3, 2)(torch.tensor([[1, 2, 3]])))
attempt("add int and float works", lambda: (torch.tensor([1, 2]) + torch.tensor([0.5, 0.5])).dtype)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    attempt("softmax without dim", lambda: F.softmax(torch.randn(2, 3)).shape)
    attempt("mse_loss shapes broadcast", lambda: round(F.mse_loss(torch.zeros(4, 1), torch.ones(4)).item(), 4))
print("warnings", [w.category.__name__ for w in caught], "first says", str(caught[0].message)[:38])

lstm = nn.LSTM(input_size=5, hidden_size=4, batch_first=True)
attempt("lstm with wrong feature size", lambda: lstm(torch.randn(2, 7, 6)))
attempt("lstm with wrong h0 shape", lambda: lstm(torch.randn(2, 7, 5), (torch.zeros(2, 2, 4), torch.zeros(2, 2, 4))))
attempt("lstm 2-D input is unbatched", lambda: tuple(lstm(torch.randn(7, 5))[0].shape))

bn = nn.BatchNorm1d(4)
attempt("batchnorm one sample in training", lambda: bn(torch.randn(1, 4)), ValueError)
bn.eval()
attempt("batchnorm one sample in eval", lambda: tuple(bn(torch.randn(1, 4)).shape))

attempt("stack of different shapes", lambda: torch.stack([torch.zeros(2), torch.zeros(3)]))
attempt("cat along a missing dim", lambda: torch.cat([torch.zeros(2, 2), torch.zeros(2, 2)], dim=2), IndexError)
attempt("cat of different ranks", lambda: torch.cat([torch.zeros(2, 2), torch.zeros(2)]))
attempt("broadcast mismatch", lambda: torch.zeros(2, 3) + torch.zeros(4))
attempt("index out of bounds", lambda: torch.zeros(3)[5], IndexError)
attempt("bce with targets out of [0, 1]", lambda: F.binary_cross_entropy(torch.sigmoid(torch.zeros(2)), torch.tensor([0.0, 2.0])))
attempt("bce on logits outside [0, 1]", lambda: F.binary_cross_entropy(torch.tensor([1.5, 0.5]), torch.tensor([1.0, 0.0])))
attempt("optimizer with no parameters", lambda: torch.optim.SGD([], lr=0.1), ValueError)
attempt("load_state_dict with a missing key", lambda: nn.Linear(2, 2).load_state_dict({"weight": torch.zeros(2, 2)}))
attempt("load_state_dict with a wrong shape", lambda: nn.Linear(2, 2).load_state_dict({"weight": torch.zeros(3, 2), "bias": torch.zeros(2)}))
