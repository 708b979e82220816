"""A "why does my model crash?" notebook from a course's debugging week: each cell builds a layer or calls a
function the wrong way, catches the exception the way the notebook does (except ValueError / RuntimeError
/ TypeError), and prints the class and the first line of PyTorch's message so students can match it
to the fix; then it applies the fix and prints the output shape. Covers RNN/GRU given proj_size, an LSTM
proj_size too large, a 4-D RNN input, an unknown Transformer activation, strided padding='same', a
ConvTranspose output_size out of range or of the wrong length, fold with the wrong block count, circular
padding that wraps twice, gaussian_nll_loss with a bad variance, integer matrices handed to linalg,
searchsorted's side/right clash and bucketize with 2-D boundaries."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


def first_words(e):
    # PyTorch's message comes first; anything minigrad adds is a parenthesized note after it, so a
    # trailing balanced "(...)" is dropped (from both frameworks' messages alike)
    msg = str(e).splitlines()[0]
    depth = 0
    for i in range(len(msg) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(msg[i], 0)
        if depth == 0:
            return msg[:i - 1] if i > 0 and msg[i - 1] == " " and msg.endswith(")") else msg
    return msg


def cell(title, kind, broken, fixed=None):
    # each cell names the exception class the notebook's except clause expects
    try:
        out = broken()
        print(f"{title}: no error, got {out}")
    except kind as e:
        print(f"{title}: {kind.__name__}: {first_words(e)}")
    if fixed is not None:
        out = fixed()
        shape = tuple(out.shape) if torch.is_tensor(out) else [tuple(o.shape) for o in out]
        print(f"  fixed -> {shape}")


x = torch.randn(4, 7, 5)
cell("GRU with proj_size", ValueError, lambda: nn.GRU(5, 8, proj_size=3),
     lambda: nn.LSTM(5, 8, proj_size=3, batch_first=True)(x)[0])
cell("RNN with proj_size=0", ValueError, lambda: nn.RNN(5, 8, proj_size=0), lambda: nn.RNN(5, 8)(x)[0])
cell("LSTM proj_size == hidden", ValueError, lambda: nn.LSTM(5, 8, proj_size=8),
     lambda: nn.LSTM(5, 8, proj_size=4)(x)[1])
cell("RNN on images", ValueError, lambda: nn.RNN(5, 8)(x.unsqueeze(0)), lambda: nn.RNN(5, 8)(x.flatten(0, 0))[0])
cell("GRU on images", ValueError, lambda: nn.GRU(5, 8)(x.unsqueeze(0)), lambda: nn.GRU(5, 8)(x)[1])
cell("LSTM on images", ValueError, lambda: nn.LSTM(5, 8)(x.unsqueeze(0)), lambda: nn.LSTM(5, 8)(x)[0])
cell("Transformer tanh", RuntimeError, lambda: nn.TransformerEncoderLayer(8, 2, activation="tanh"),
     lambda: nn.TransformerEncoderLayer(8, 2, 16, activation=torch.tanh, batch_first=True)(torch.randn(2, 3, 8)))
cell("same + stride (functional)", RuntimeError, lambda: F.conv1d(x, torch.randn(2, 7, 3), padding="same", stride=2),
     lambda: F.conv1d(x, torch.randn(2, 7, 3), padding=1, stride=2))
cell("same + stride (module)", ValueError, lambda: nn.Conv2d(3, 4, 3, padding="same", stride=2),
     lambda: nn.Conv2d(3, 4, 3, padding=1, stride=2)(torch.randn(1, 3, 9, 9)))
up = nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1)
img = torch.randn(1, 3, 5, 5)
cell("output_size too large", ValueError, lambda: up(img, output_size=[12, 12]), lambda: up(img, output_size=[10, 10]))
cell("output_size tuple", ValueError, lambda: up(img, output_size=(1, 2, 8, 12)), lambda: up(img, output_size=(1, 2, 9, 10)))
cell("output_size length", ValueError, lambda: up(img, output_size=[10]), lambda: up(img, output_size=torch.Size([1, 2, 10, 9])))
up1 = nn.ConvTranspose1d(2, 2, 4, stride=3)
cell("1d output_size", ValueError, lambda: up1(torch.randn(2, 2, 6), output_size=(30,)),
     lambda: up1(torch.randn(2, 2, 6), output_size=(21,)))
cols = F.unfold(torch.randn(1, 2, 6, 6), kernel_size=3, stride=1)
cell("fold wrong output_size", RuntimeError, lambda: F.fold(cols, (7, 7), 3), lambda: F.fold(cols, (6, 6), 3))
cell("fold wrong channels", RuntimeError, lambda: F.fold(cols[:, :-1], (6, 6), 3), lambda: F.fold(cols[:, :9], (6, 6), 3))
seq = torch.arange(12.0).view(1, 2, 6)
cell("circular wraps twice", RuntimeError, lambda: F.pad(seq, (7, 0), mode="circular"),
     lambda: F.pad(seq, (6, 2), mode="circular"))
cell("reflect too wide", RuntimeError, lambda: F.pad(seq, (6, 0), mode="reflect"), lambda: F.pad(seq, (5, 0), mode="reflect"))
mu, target = torch.randn(6, 3), torch.randn(6, 3)
cell("negative variance", ValueError, lambda: F.gaussian_nll_loss(mu, target, -torch.ones(6, 3)),
     lambda: F.gaussian_nll_loss(mu, target, torch.ones(6, 3)).reshape(1))
cell("variance shape", ValueError, lambda: F.gaussian_nll_loss(mu, target, torch.ones(6, 2)),
     lambda: F.gaussian_nll_loss(mu, target, torch.ones(6, 1)).reshape(1))
lin = nn.Linear(4, 3)
pretrained = torch.randn(4, 3)
with torch.no_grad():
    cell("copy pretrained transposed", RuntimeError, lambda: lin.weight.copy_(pretrained),
         lambda: lin.weight.copy_(pretrained.t()))
    cell("copy a bias into a row", RuntimeError, lambda: lin.bias.view(3, 1).copy_(torch.ones(3, 4)),
         lambda: lin.bias.copy_(torch.ones(3)))
    cell("copy a longer vector", RuntimeError, lambda: lin.bias.copy_(torch.ones(4)),
         lambda: lin.bias.copy_(torch.ones(4)[:3]))
counts = torch.tensor([[4, 1], [2, 3]])
for name, fn, kind in [("det", torch.det, RuntimeError), ("linalg.inv", torch.linalg.inv, RuntimeError), ("inverse", torch.inverse, RuntimeError),
                 ("slogdet", torch.linalg.slogdet, RuntimeError), ("logdet", torch.logdet, RuntimeError), ("cholesky", torch.linalg.cholesky, RuntimeError),
                 ("qr", torch.linalg.qr, RuntimeError), ("svd", torch.linalg.svd, RuntimeError), ("svdvals", torch.linalg.svdvals, RuntimeError),
                 ("eigh", torch.linalg.eigh, NotImplementedError), ("eigvalsh", torch.linalg.eigvalsh, NotImplementedError), ("pinv", torch.linalg.pinv, RuntimeError),
                 ("matrix_rank", torch.linalg.matrix_rank, RuntimeError), ("matrix_norm", torch.linalg.matrix_norm, RuntimeError),
                 ("matrix_exp", torch.linalg.matrix_exp, RuntimeError), ("vector_norm", torch.linalg.vector_norm, RuntimeError),
                 ("norm", torch.norm, RuntimeError), ("lu_factor", torch.linalg.lu_factor, NotImplementedError)]:
    tuple_out = name in ("qr", "svd", "eigh", "slogdet", "lu_factor")
    cell(f"int {name}", kind, lambda fn=fn: fn(counts),
         lambda fn=fn, tuple_out=tuple_out: fn(counts.double())[0] if tuple_out else fn(counts.float()))
cell("int solve", RuntimeError, lambda: torch.linalg.solve(counts, torch.tensor([1, 2])),
     lambda: torch.linalg.solve(counts.float(), torch.tensor([1.0, 2.0])))
cell("int nanmean", RuntimeError, lambda: torch.nanmean(counts), lambda: torch.nanmean(counts.float(), dim=0))
cell("int quantile", RuntimeError, lambda: torch.quantile(counts, 0.5), lambda: torch.quantile(counts.float(), 0.5, dim=1))
edges = torch.tensor([0.0, 1.0, 2.0])
cell("side vs right", RuntimeError, lambda: torch.searchsorted(edges, torch.tensor([1.0]), side="left", right=True),
     lambda: torch.searchsorted(edges, torch.tensor([1.0]), side="right"))
cell("side typo", RuntimeError, lambda: torch.searchsorted(edges, torch.tensor([1.0]), side="rigth"),
     lambda: torch.searchsorted(edges, torch.tensor([1.0]), right=True))
cell("batched rows mismatch", RuntimeError, lambda: torch.searchsorted(torch.tensor([[0.0, 1.0], [2.0, 3.0]]), torch.tensor([[1.0]])),
     lambda: torch.searchsorted(torch.tensor([[0.0, 1.0], [2.0, 3.0]]), torch.tensor([[1.0], [2.5]])))
cell("bucketize 2-D edges", RuntimeError, lambda: torch.bucketize(torch.tensor([0.5]), edges.view(1, 3)),
     lambda: torch.bucketize(torch.tensor([0.5]), edges))
