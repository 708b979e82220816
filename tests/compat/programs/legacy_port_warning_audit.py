"""Porting a PyTorch 0.4-era training script (the kind still found in old course repos) to a current
release, with the deprecation warnings recorded by warnings.catch_warnings(record=True) and listed per
line, as a maintainer does before an upgrade: losses built with reduction='elementwise_mean' and
size_average/reduce, torch.autograd.Variable, scatter(..., reduce='add'/'multiply') with a tensor src,
x.new_tensor(a_tensor) and torch.tensor(a_tensor) copies, gather(sparse_grad=False), the implicit-dim
softmax, F.upsample*, F.sigmoid/F.tanh, nn.init of a 1-D bias (the error such ports hit) and
nn.init.normal (no underscore); then the ported model trains for a few epochs and its numbers are
compared with the legacy-API run."""

import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Variable

torch.set_num_threads(1)
torch.manual_seed(0)


def audit(title, fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = fn()
        except (ValueError, RuntimeError, TypeError) as e:
            kind = next(k.__name__ for k in (ValueError, TypeError, RuntimeError) if isinstance(e, k))
            out = f"raised {kind}: {str(e).split(' (')[0]}"
    shown = out if isinstance(out, str) else (f"{out.item():.6f}" if torch.is_tensor(out) and out.numel() == 1
                                              else out)
    print(f"{title}: {shown}")
    for w in caught:
        text = str(w.message).splitlines()[0].split(" (Triggered internally")[0]  # (PyTorch's C++ source note)
        print(f"  {w.category.__name__}: {text}")


x = torch.randn(8, 5)
y = torch.randint(0, 3, (8,))
t = torch.rand(8, 5)
audit("CrossEntropyLoss elementwise_mean", lambda: nn.CrossEntropyLoss(reduction="elementwise_mean")(x[:, :3], y))
audit("module keeps the string", lambda: nn.MSELoss(reduction="elementwise_mean").reduction)
audit("F.mse_loss elementwise_mean", lambda: F.mse_loss(x, t, reduction="elementwise_mean"))
audit("F.l1_loss elementwise_mean", lambda: F.l1_loss(x, t, reduction="elementwise_mean"))
audit("F.nll_loss elementwise_mean", lambda: F.nll_loss(F.log_softmax(x[:, :3], 1), y, reduction="elementwise_mean"))
audit("F.bce_with_logits elementwise_mean",
      lambda: F.binary_cross_entropy_with_logits(x, t, reduction="elementwise_mean"))
audit("F.binary_cross_entropy elementwise_mean",
      lambda: F.binary_cross_entropy(torch.sigmoid(x), t, reduction="elementwise_mean"))
audit("F.kl_div elementwise_mean", lambda: F.kl_div(F.log_softmax(x, 1), F.softmax(t, 1), reduction="elementwise_mean"))
audit("F.smooth_l1 elementwise_mean", lambda: F.smooth_l1_loss(x, t, reduction="elementwise_mean"))
audit("F.margin_ranking elementwise_mean",
      lambda: F.margin_ranking_loss(x[:, 0], x[:, 1], torch.sign(t[:, 0] - 0.5), reduction="elementwise_mean"))
audit("F.multi_margin elementwise_mean", lambda: F.multi_margin_loss(x[:, :3], y, reduction="elementwise_mean"))
audit("F.cosine_embedding elementwise_mean",
      lambda: F.cosine_embedding_loss(x, t, torch.ones(8), reduction="elementwise_mean"))
audit("F.triplet_margin elementwise_mean",
      lambda: F.triplet_margin_loss(x, t, x.flip(0), reduction="elementwise_mean"))
audit("F.ctc_loss elementwise_mean",
      lambda: F.ctc_loss(x.view(8, 1, 5).log_softmax(2), torch.tensor([[1, 2]]), (8,), (2,),
                         reduction="elementwise_mean"))
audit("F.poisson_nll elementwise_mean", lambda: F.poisson_nll_loss(x, t, reduction="elementwise_mean"))
audit("F.gaussian_nll elementwise_mean",
      lambda: F.gaussian_nll_loss(x, t, torch.ones(8, 5), reduction="elementwise_mean"))
audit("F.multilabel_soft_margin elementwise_mean",
      lambda: F.multilabel_soft_margin_loss(x, (t > 0.5).float(), reduction="elementwise_mean"))
audit("F.triplet_with_distance elementwise_mean",
      lambda: F.triplet_margin_with_distance_loss(x, t, x.flip(0), reduction="elementwise_mean"))
audit("MSELoss size_average=False", lambda: nn.MSELoss(size_average=False)(x, t))
audit("L1Loss reduce=False sum", lambda: nn.L1Loss(reduce=False)(x, t).sum())
audit("Variable", lambda: Variable(torch.ones(3), requires_grad=True).sum())
audit("scatter reduce add (tensor src)",
      lambda: torch.zeros(2, 4).scatter(1, torch.tensor([[0, 0, 3], [1, 1, 1]]), torch.ones(2, 3), reduce="add").sum())
audit("scatter_ reduce multiply (tensor src)",
      lambda: torch.full((2, 4), 2.0).scatter_(1, torch.tensor([[0, 0], [3, 3]]), torch.full((2, 2), 3.0),
                                               reduce="multiply").sum())
audit("scatter reduce add (number)",
      lambda: torch.zeros(4).scatter(0, torch.tensor([1, 1, 2]), 1.5, reduce="add").sum())
audit("new_tensor of a tensor", lambda: x.new_tensor(t[0]).sum())
audit("new_tensor of a list", lambda: x.new_tensor([1, 2, 3]).sum())
audit("torch.tensor of a tensor", lambda: torch.tensor(t[0]).sum())
audit("gather sparse_grad=False", lambda: torch.gather(x, 1, y.view(-1, 1), sparse_grad=False).sum())
audit("Tensor.gather sparse_grad=False", lambda: x.gather(1, y.view(-1, 1), sparse_grad=False).sum())
audit("softmax without dim", lambda: F.softmax(x).sum())
audit("log_softmax without dim", lambda: F.log_softmax(x[0]).sum())
audit("nn.Softmax without dim", lambda: nn.Softmax()(x).sum())
audit("F.upsample", lambda: F.upsample(x.view(1, 1, 8, 5), scale_factor=2).sum())
audit("F.upsample_bilinear", lambda: F.upsample_bilinear(x.view(1, 1, 8, 5), scale_factor=2).sum())
audit("F.upsample nearest with align_corners",
      lambda: F.upsample(x.view(1, 1, 8, 5), scale_factor=2, mode="nearest", align_corners=False).sum())
audit("pin_memory without an accelerator", lambda: x.pin_memory().sum())
audit("F.sigmoid", lambda: F.sigmoid(x).sum())
audit("F.tanh", lambda: F.tanh(x).sum())
audit("xavier_uniform_ on a bias", lambda: nn.init.xavier_uniform_(torch.empty(5)))
audit("kaiming_normal_ on a bias", lambda: nn.init.kaiming_normal_(torch.empty(5)))
audit("checkpoint without use_reentrant",
      lambda: torch.utils.checkpoint.checkpoint(torch.tanh, x.clone().requires_grad_()).sum())
audit("checkpoint_sequential without use_reentrant",
      lambda: torch.utils.checkpoint.checkpoint_sequential(nn.Sequential(nn.Tanh(), nn.ReLU()), 2,
                                                           x.clone().requires_grad_()).sum())
audit("nn.init.normal", lambda: nn.init.normal(torch.empty(3, 3)).shape)
audit("nn.init.constant", lambda: nn.init.constant(torch.empty(3), 0.5).sum())


# the ported training loop: one model trained with the legacy spellings, one with the current ones
def make():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 3))


data = torch.randn(64, 5)
labels = (data[:, 0] + data[:, 1] > 0).long() + (data[:, 2] > 1).long()
results = {}
for style in ("legacy", "current"):
    model = make()
    opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        crit = nn.CrossEntropyLoss(reduction="elementwise_mean" if style == "legacy" else "mean")
        for epoch in range(5):
            for i in range(0, 64, 16):
                xb = Variable(data[i:i + 16]) if style == "legacy" else data[i:i + 16]
                opt.zero_grad()
                loss = crit(model(xb), labels[i:i + 16])
                loss.backward()
                opt.step()
            with torch.no_grad():
                logits = model(data)
                probs = F.softmax(logits) if style == "legacy" else F.softmax(logits, dim=1)
                onehot = torch.zeros(64, 3).scatter(1, labels.view(-1, 1), torch.ones(64, 1), reduce="add") \
                    if style == "legacy" else F.one_hot(labels, 3).float()
                brier = ((probs - onehot) ** 2).sum(1).mean()
            print(f"{style} epoch {epoch} loss {loss.item():.6f} brier {brier.item():.6f}")
    results[style] = [p.detach().clone() for p in model.parameters()]
print("legacy and current runs identical:", all(torch.equal(a, b) for a, b in zip(results["legacy"], results["current"])))
