"""TabNet's pieces as the pytorch-tabnet code writes them: sparsemax as a torch.autograd.Function with
its own backward (threshold from sort/cumsum), entmax-1.5 by the exact sort-based algorithm, ghost batch
norm over virtual batches (chunk + BatchNorm1d), GLU feature transformers with sqrt(0.5) residual scaling,
an attentive transformer with a prior updated by (gamma - M), the entropy sparsity loss, and feature
importances from the masks; checked with gradcheck and trained on a synthetic task."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Function

torch.manual_seed(0)
torch.set_num_threads(1)


def _make_ix_like(input, dim=0):
    d = input.size(dim)
    rho = torch.arange(1, d + 1, device=input.device, dtype=input.dtype)
    view = [1] * input.dim()
    view[0] = -1
    return rho.view(view).transpose(0, dim)


class SparsemaxFunction(Function):
    @staticmethod
    def forward(ctx, input, dim=-1):
        ctx.dim = dim
        max_val, _ = input.max(dim=dim, keepdim=True)
        input -= max_val  # same numerical stability trick as for softmax
        tau, supp_size = SparsemaxFunction._threshold_and_support(input, dim=dim)
        output = torch.clamp(input - tau, min=0)
        ctx.save_for_backward(supp_size, output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        supp_size, output = ctx.saved_tensors
        dim = ctx.dim
        grad_input = grad_output.clone()
        grad_input[output == 0] = 0
        v_hat = grad_input.sum(dim=dim) / supp_size.to(output.dtype).squeeze()
        v_hat = v_hat.unsqueeze(dim)
        grad_input = torch.where(output != 0, grad_input - v_hat, grad_input)
        return grad_input, None

    @staticmethod
    def _threshold_and_support(input, dim=-1):
        input_srt, _ = torch.sort(input, descending=True, dim=dim)
        input_cumsum = input_srt.cumsum(dim) - 1
        rhos = _make_ix_like(input, dim)
        support = rhos * input_srt > input_cumsum
        support_size = support.sum(dim=dim).unsqueeze(dim)
        tau = input_cumsum.gather(dim, support_size - 1)
        tau /= support_size.to(input.dtype)
        return tau, support_size


sparsemax = SparsemaxFunction.apply


def entmax15(X, dim=-1):
    X = X / 2
    X = X - X.max(dim=dim, keepdim=True).values
    Xsrt, _ = torch.sort(X, descending=True, dim=dim)
    rho = _make_ix_like(X, dim)
    mean = Xsrt.cumsum(dim) / rho
    mean_sq = (Xsrt ** 2).cumsum(dim) / rho
    ss = rho * (mean_sq - mean ** 2)
    delta = (1 - ss) / rho
    delta_nz = torch.clamp(delta, 0)
    tau = mean - torch.sqrt(delta_nz)
    support_size = (tau <= Xsrt).sum(dim).unsqueeze(dim)
    tau_star = tau.gather(dim, support_size - 1)
    return torch.clamp(X - tau_star, min=0) ** 2


z = torch.tensor([[1.0, 0.8, 0.1, -1.0], [0.0, 0.0, 0.0, 0.0], [3.0, 0.5, 0.4, 0.3]])
print("softmax ", F.softmax(z, -1).numpy().round(4).tolist())
print("sparsemax", sparsemax(z.clone(), -1).numpy().round(4).tolist())
print("entmax15", entmax15(z).numpy().round(4).tolist())
print("sums", sparsemax(z.clone(), -1).sum(-1).tolist(), [round(v, 5) for v in entmax15(z).sum(-1).tolist()])
zz = torch.randn(3, 5, dtype=torch.double, requires_grad=True)
print("gradcheck sparsemax", torch.autograd.gradcheck(lambda t: sparsemax(t.clone(), -1), (zz,)))
print("gradcheck entmax15", torch.autograd.gradcheck(entmax15, (zz,)))
zz2 = torch.randn(4, 3, dtype=torch.double, requires_grad=True)
print("gradcheck dim0", torch.autograd.gradcheck(lambda t: sparsemax(t.clone(), 0), (zz2,)))
w = torch.randn(3, 4)
zr = z.clone().requires_grad_()
(sparsemax(zr * 1.0, -1) * w).sum().backward()
print("sparsemax grad", zr.grad.numpy().round(4).tolist())


class GBN(nn.Module):
    def __init__(self, input_dim, virtual_batch_size=16, momentum=0.02):
        super().__init__()
        self.virtual_batch_size = virtual_batch_size
        self.bn = nn.BatchNorm1d(input_dim, momentum=momentum)

    def forward(self, x):
        chunks = x.chunk(int(torch.ceil(torch.tensor(x.shape[0] / self.virtual_batch_size))), 0)
        return torch.cat([self.bn(x_) for x_ in chunks], dim=0)


class GLULayer(nn.Module):
    def __init__(self, input_dim, output_dim, vbs):
        super().__init__()
        self.output_dim = output_dim
        self.fc = nn.Linear(input_dim, 2 * output_dim, bias=False)
        self.bn = GBN(2 * output_dim, virtual_batch_size=vbs)

    def forward(self, x):
        x = self.bn(self.fc(x))
        return torch.mul(x[:, : self.output_dim], torch.sigmoid(x[:, self.output_dim:]))


class FeatTransformer(nn.Module):
    def __init__(self, input_dim, output_dim, vbs, n_glu=2):
        super().__init__()
        self.layers = nn.ModuleList([GLULayer(input_dim if i == 0 else output_dim, output_dim, vbs) for i in range(n_glu)])
        self.scale = torch.sqrt(torch.FloatTensor([0.5]))

    def forward(self, x):
        x = self.layers[0](x)
        for layer in self.layers[1:]:
            x = (x + layer(x)) * self.scale
        return x


class AttentiveTransformer(nn.Module):
    def __init__(self, input_dim, group_dim, vbs, mask_type="sparsemax"):
        super().__init__()
        self.fc = nn.Linear(input_dim, group_dim, bias=False)
        self.bn = GBN(group_dim, virtual_batch_size=vbs)
        self.selector = (lambda t: sparsemax(t, -1)) if mask_type == "sparsemax" else entmax15

    def forward(self, priors, processed_feat):
        x = self.bn(self.fc(processed_feat))
        x = torch.mul(x, priors)
        return self.selector(x)


class TabNetEncoder(nn.Module):
    def __init__(self, input_dim, n_d=8, n_a=8, n_steps=3, gamma=1.3, vbs=16, mask_type="sparsemax"):
        super().__init__()
        self.n_d, self.n_steps, self.gamma, self.epsilon = n_d, n_steps, gamma, 1e-15
        self.initial_bn = nn.BatchNorm1d(input_dim, momentum=0.01)
        self.initial_splitter = FeatTransformer(input_dim, n_d + n_a, vbs)
        self.feat_transformers = nn.ModuleList(FeatTransformer(input_dim, n_d + n_a, vbs) for _ in range(n_steps))
        self.att_transformers = nn.ModuleList(AttentiveTransformer(n_a, input_dim, vbs, mask_type) for _ in range(n_steps))

    def forward(self, x):
        x = self.initial_bn(x)
        prior = torch.ones(x.shape)
        M_loss = 0
        att = self.initial_splitter(x)[:, self.n_d:]
        steps_output, masks = [], []
        for step in range(self.n_steps):
            M = self.att_transformers[step](prior, att)
            M_loss += torch.mean(torch.sum(torch.mul(M, torch.log(M + self.epsilon)), dim=1))
            prior = torch.mul(self.gamma - M, prior)
            out = self.feat_transformers[step](torch.mul(M, x))
            d = nn.ReLU()(out[:, : self.n_d])
            steps_output.append(d)
            att = out[:, self.n_d:]
            masks.append(M)
        return steps_output, M_loss / self.n_steps, masks


class TabNet(nn.Module):
    def __init__(self, input_dim, out_dim, **kw):
        super().__init__()
        self.encoder = TabNetEncoder(input_dim, **kw)
        self.final_mapping = nn.Linear(self.encoder.n_d, out_dim, bias=False)

    def forward(self, x):
        steps, m_loss, masks = self.encoder(x)
        return self.final_mapping(torch.sum(torch.stack(steps, dim=0), dim=0)), m_loss, masks


X = torch.randn(256, 6)
y = ((X[:, 0] > 0) ^ (X[:, 3] > 0.5)).long()
for mask_type in ("sparsemax", "entmax"):
    torch.manual_seed(1)
    net = TabNet(6, 2, mask_type=mask_type)
    opt = torch.optim.Adam(net.parameters(), lr=2e-2)
    for epoch in range(6):
        net.train()
        for idx in torch.randperm(256).split(64):
            logits, m_loss, _ = net(X[idx])
            loss = F.cross_entropy(logits, y[idx]) - 1e-3 * m_loss
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 2.0)
            opt.step()
        if epoch % 2 == 1:
            print(f"{mask_type} epoch {epoch} loss {loss.item():.4f} sparsity {m_loss.item():.4f}")
    net.eval()
    with torch.no_grad():
        logits, _, masks = net(X)
        importance = sum(m.sum(0) for m in masks)
        importance = importance / importance.sum()
        zero_frac = torch.stack(masks).eq(0).float().mean().item()
    print(f"{mask_type} acc {(logits.argmax(1) == y).float().mean().item():.4f} zero mask frac {zero_frac:.3f}")
    print(f"{mask_type} importance", [f"{v:.3f}" for v in importance.tolist()])
print("scale", net.encoder.initial_splitter.scale, net.encoder.initial_splitter.scale.dtype)
