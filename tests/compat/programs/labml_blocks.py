"""Small labml.ai annotated implementations, in their idioms (sequence-first
[seq, batch, d] tensors, einsum everywhere, keepdims=True, assert-heavy
shapes): capsule networks (Squash, dynamic routing by agreement with einsum,
MarginLoss with torch.eye(n)[labels]) trained on the bundled digits; gMLP's
spatial gating unit (a seq x seq weight drawn by uniform_, ones bias, causal
mask); the attention-free transformer's AFT-local (tril/triu window masks,
masked_fill_ of ~mask, max-subtracted exponentials); hand-written GroupNorm /
InstanceNorm / LayerNorm compared with PyTorch's modules; weight
standardization by torch.var_mean in a Conv2d subclass; MLP-Mixer and
ConvMixer blocks. Fixed seeds: every number agrees."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.data

from _data import digits


# ------------------------------------------------------------------ capsule networks
class Squash(nn.Module):
    def __init__(self, epsilon=1e-8):
        super().__init__()
        self.epsilon = epsilon

    def forward(self, s: torch.Tensor):
        s2 = (s ** 2).sum(dim=-1, keepdims=True)
        return (s2 / (1 + s2)) * (s / torch.sqrt(s2 + self.epsilon))


class Router(nn.Module):
    def __init__(self, in_caps: int, out_caps: int, in_d: int, out_d: int, iterations: int):
        super().__init__()
        self.in_caps = in_caps
        self.out_caps = out_caps
        self.iterations = iterations
        self.softmax = nn.Softmax(dim=1)
        self.squash = Squash()
        self.weight = nn.Parameter(torch.randn(in_caps, out_caps, in_d, out_d) * 0.1, requires_grad=True)

    def forward(self, u: torch.Tensor):
        u_hat = torch.einsum('ijnm,bin->bijm', self.weight, u)
        b = u.new_zeros(u.shape[0], self.in_caps, self.out_caps)
        v = None
        for i in range(self.iterations):
            c = self.softmax(b)
            s = torch.einsum('bij,bijm->bjm', c, u_hat)
            v = self.squash(s)
            a = torch.einsum('bjm,bijm->bij', v, u_hat)
            b = b + a
        return v


class MarginLoss(nn.Module):
    def __init__(self, *, n_labels: int, lambda_: float = 0.5, m_positive: float = 0.9, m_negative: float = 0.1):
        super().__init__()
        self.m_negative = m_negative
        self.m_positive = m_positive
        self.lambda_ = lambda_
        self.n_labels = n_labels

    def forward(self, v: torch.Tensor, labels: torch.Tensor):
        v_norm = torch.sqrt((v ** 2).sum(dim=-1))
        labels = torch.eye(self.n_labels, device=labels.device)[labels]
        loss = labels * F.relu(self.m_positive - v_norm) + \
            self.lambda_ * (1.0 - labels) * F.relu(v_norm - self.m_negative)
        return loss.sum(dim=-1).mean()


class CapsNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels=1, out_channels=16, kernel_size=3, stride=1)
        self.conv2 = nn.Conv2d(in_channels=16, out_channels=4 * 4, kernel_size=3, stride=2)
        self.squash = Squash()
        self.digit_capsules = Router(16 * 2 * 2 // 4, 10, 4, 8, 3)  # 16 channels of 2x2 as 16 capsules of 4
        self.decoder = nn.Sequential(nn.Linear(8 * 10, 32), nn.ReLU(), nn.Linear(32, 64), nn.Sigmoid())

    def forward(self, data: torch.Tensor):
        x = F.relu(self.conv1(data))
        x = self.conv2(x)
        caps = x.view(x.shape[0], 4, 4, -1).permute(0, 1, 3, 2)
        caps = caps.reshape(x.shape[0], -1, 4)
        caps = self.squash(caps)
        caps = self.digit_capsules(caps)
        with torch.no_grad():
            pred = (caps ** 2).sum(-1).argmax(-1)
            mask = torch.eye(10, device=data.device)[pred]
        reconstructions = self.decoder((caps * mask[:, :, None]).view(x.shape[0], -1))
        reconstructions = reconstructions.view(-1, 1, 8, 8)
        return caps, reconstructions, pred


pixels, labels = digits()
images = torch.tensor(pixels[:400], dtype=torch.float32).view(-1, 1, 8, 8) / 16.0
targets = torch.tensor(labels[:400])
torch.manual_seed(0)
capsnet = CapsNet()
margin_loss = MarginLoss(n_labels=10)
opt = torch.optim.Adam(capsnet.parameters(), lr=3e-3)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images[:320], targets[:320]), batch_size=40,
                                     shuffle=True)
for epoch in range(3):
    for data, target in loader:
        caps, rec, pred = capsnet(data)
        loss = margin_loss(caps, target) + 0.0005 * F.mse_loss(rec, data, reduction='sum') / data.shape[0]
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        caps, rec, pred = capsnet(images[320:])
        acc = pred.eq(targets[320:]).sum().item() / 80
    print(f"caps epoch {epoch} | loss {loss.item():.6f} | test acc {acc:.4f} | "
          f"v norm max {caps.norm(dim=-1).max().item():.6f}")
s = torch.tensor([[3.0, 4.0], [0.0, 0.0]])
print("squash", Squash()(s).tolist())


# ------------------------------------------------------------------ gMLP
class SpacialGatingUnit(nn.Module):
    def __init__(self, d_z: int, seq_len: int):
        super().__init__()
        self.norm = nn.LayerNorm([d_z // 2])
        self.weight = nn.Parameter(torch.zeros(seq_len, seq_len).uniform_(-0.01, 0.01), requires_grad=True)
        self.bias = nn.Parameter(torch.ones(seq_len), requires_grad=True)

    def forward(self, z: torch.Tensor, mask=None):
        seq_len = z.shape[0]
        z1, z2 = torch.chunk(z, 2, dim=-1)
        if mask is not None:
            assert mask.shape[0] == 1 or mask.shape[0] == seq_len
            assert mask.shape[1] == seq_len
            assert mask.shape[2] == 1
            mask = mask[:, :, 0]
        z2 = self.norm(z2)
        weight = self.weight[:seq_len, :seq_len]
        if mask is not None:
            weight = weight * mask
        z2 = torch.einsum('ij,jbd->ibd', weight, z2) + self.bias[:seq_len, None, None]
        return z1 * z2


class GMLPBlock(nn.Module):
    def __init__(self, d_model: int, d_ffn: int, seq_len: int):
        super().__init__()
        self.norm = nn.LayerNorm([d_model])
        self.activation = nn.GELU()
        self.proj1 = nn.Linear(d_model, d_ffn)
        self.sgu = SpacialGatingUnit(d_ffn, seq_len)
        self.proj2 = nn.Linear(d_ffn // 2, d_model)
        self.size = d_model

    def forward(self, *, x: torch.Tensor, mask=None):
        shortcut = x
        x = self.norm(x)
        z = self.activation(self.proj1(x))
        z = self.sgu(z, mask)
        z = self.proj2(z)
        return z + shortcut


seq_len, batch, d_model, vocab = 12, 4, 16, 20
torch.manual_seed(1)
emb = nn.Embedding(vocab, d_model)
blocks = nn.ModuleList([GMLPBlock(d_model, 32, seq_len) for _ in range(2)])
head = nn.Linear(d_model, vocab)
params = list(emb.parameters()) + list(blocks.parameters()) + list(head.parameters())
opt = torch.optim.AdamW(params, lr=5e-3)
causal = torch.tril(torch.ones(seq_len, seq_len)).unsqueeze(-1)
g = torch.Generator().manual_seed(2)
for step in range(30):
    start = torch.randint(0, vocab, (1, batch), generator=g)
    seq = (start + torch.arange(seq_len + 1).unsqueeze(1) * 3) % vocab  # [seq, batch]: an arithmetic pattern
    x = emb(seq[:-1])
    for blk in blocks:
        x = blk(x=x, mask=causal)
    logits = head(x)
    loss = F.cross_entropy(logits.view(-1, vocab), seq[1:].reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 9:
        print(f"gmlp step {step + 1} | loss {loss.item():.6f} | sgu bias mean {blocks[0].sgu.bias.mean().item():.6f}")
with torch.no_grad():
    seq2 = seq[:-1].clone()
    seq2[-1] = (seq2[-1] + 1) % vocab
    x1, x2 = emb(seq[:-1]), emb(seq2)
    for blk in blocks:
        x1, x2 = blk(x=x1, mask=causal), blk(x=x2, mask=causal)
    print("causal: earlier positions unchanged", torch.equal(x1[:-1], x2[:-1]))


# ------------------------------------------------------------------ AFT-local
class AFTLocal(nn.Module):
    def __init__(self, d_model: int, seq_len: int, local_window_size: int, bias: bool = True):
        super().__init__()
        self.local_window_size = local_window_size
        self.query = nn.Linear(d_model, d_model, bias=bias)
        self.key = nn.Linear(d_model, d_model, bias=bias)
        self.value = nn.Linear(d_model, d_model, bias=bias)
        self.pos_bias = nn.Parameter(torch.zeros(seq_len, seq_len), requires_grad=True)
        self.local_mask = nn.Parameter(self.create_local_mask(seq_len, local_window_size), requires_grad=False)
        self.activation = nn.Sigmoid()
        self.output = nn.Linear(d_model, d_model)

    @staticmethod
    def create_local_mask(seq_len, local_window_size):
        local_mask = torch.ones(seq_len, seq_len, dtype=torch.bool)
        local_mask = torch.tril(local_mask, local_window_size - 1)
        local_mask = torch.triu(local_mask, -(local_window_size - 1))
        return local_mask

    def forward(self, *, query, key, value, mask=None):
        seq_len, _, _ = query.shape
        if mask is not None:
            assert mask.shape[0] == 1 or mask.shape[0] == query.shape[0]
            assert mask.shape[1] == key.shape[0]
            assert mask.shape[2] == 1 or mask.shape[2] == query.shape[1]
        query = self.query(query)
        key = self.key(key)
        value = self.value(value)
        pos_bias = self.pos_bias[:seq_len, :seq_len] * self.local_mask[:seq_len, :seq_len]
        pos_bias = pos_bias.unsqueeze(-1)
        pos_bias.masked_fill_(~mask, float('-inf'))
        max_key = key.max(dim=0, keepdims=True)[0]
        max_pos_bias = pos_bias.max(dim=1, keepdims=True)[0]
        exp_key = torch.exp(key - max_key)
        exp_pos_bias = torch.exp(pos_bias - max_pos_bias)
        num = torch.einsum('ijb,jbd->ibd', exp_pos_bias, exp_key * value)
        den = torch.einsum('ijb,jbd->ibd', exp_pos_bias, exp_key)
        y = self.activation(query) * num / den
        return self.output(y)


print("local mask\n", AFTLocal.create_local_mask(6, 2).int())
torch.manual_seed(3)
aft = AFTLocal(d_model, seq_len, 3)
nn.init.normal_(aft.pos_bias, std=0.5)
x = torch.randn(seq_len, batch, d_model, requires_grad=True)
mask = torch.tril(torch.ones(seq_len, seq_len, dtype=torch.bool)).unsqueeze(-1)
y = aft(query=x, key=x, value=x, mask=mask)
y.pow(2).mean().backward()
print(f"aft out {y.sum().item():.6f} | grad x {x.grad.norm().item():.6f} | "
      f"pos_bias grad outside window {aft.pos_bias.grad[aft.local_mask == 0].abs().max().item()} | "
      f"local_mask trainable {aft.local_mask.requires_grad}")
print("aft params", [n for n, _ in aft.named_parameters()])


# ------------------------------------------------------------------ normalization by hand
class GroupNorm(nn.Module):
    def __init__(self, groups: int, channels: int, *, eps: float = 1e-5, affine: bool = True):
        super().__init__()
        assert channels % groups == 0, "Number of channels should be evenly divisible by the number of groups"
        self.groups = groups
        self.channels = channels
        self.eps = eps
        self.affine = affine
        if self.affine:
            self.scale = nn.Parameter(torch.ones(channels))
            self.shift = nn.Parameter(torch.zeros(channels))

    def forward(self, x: torch.Tensor):
        x_shape = x.shape
        batch_size = x_shape[0]
        assert self.channels == x.shape[1]
        x = x.view(batch_size, self.groups, -1)
        mean = x.mean(dim=[-1], keepdim=True)
        mean_x2 = (x ** 2).mean(dim=[-1], keepdim=True)
        var = mean_x2 - mean ** 2
        x_norm = (x - mean) / torch.sqrt(var + self.eps)
        if self.affine:
            x_norm = x_norm.view(batch_size, self.channels, -1)
            x_norm = self.scale.view(1, -1, 1) * x_norm + self.shift.view(1, -1, 1)
        return x_norm.view(x_shape)


class LayerNorm(nn.Module):
    def __init__(self, normalized_shape, *, eps: float = 1e-5, elementwise_affine: bool = True):
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = torch.Size([normalized_shape])
        elif isinstance(normalized_shape, list):
            normalized_shape = torch.Size(normalized_shape)
        assert isinstance(normalized_shape, torch.Size)
        self.normalized_shape = normalized_shape
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.gain = nn.Parameter(torch.ones(normalized_shape))
            self.bias = nn.Parameter(torch.zeros(normalized_shape))

    def forward(self, x: torch.Tensor):
        assert self.normalized_shape == x.shape[-len(self.normalized_shape):]
        dims = [-(i + 1) for i in range(len(self.normalized_shape))]
        mean = x.mean(dim=dims, keepdim=True)
        mean_x2 = (x ** 2).mean(dim=dims, keepdim=True)
        var = mean_x2 - mean ** 2
        x_norm = (x - mean) / torch.sqrt(var + self.eps)
        if self.elementwise_affine:
            x_norm = self.gain * x_norm + self.bias
        return x_norm


def weight_standardization(weight: torch.Tensor, eps: float):
    c_out, c_in, *kernel_shape = weight.shape
    weight = weight.view(c_out, -1)
    var, mean = torch.var_mean(weight, dim=1, keepdim=True)
    weight = (weight - mean) / (torch.sqrt(var + eps))
    return weight.view(c_out, c_in, *kernel_shape)


class Conv2dWS(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode='zeros', eps=1e-5):
        super().__init__(in_channels, out_channels, kernel_size, stride=stride, padding=padding, dilation=dilation,
                         groups=groups, bias=bias, padding_mode=padding_mode)
        self.eps = eps

    def forward(self, x: torch.Tensor):
        return F.conv2d(x, weight_standardization(self.weight, self.eps), self.bias, self.stride,
                        self.padding, self.dilation, self.groups)


torch.manual_seed(4)
x = torch.randn(3, 6, 5, 5) * 2 + 1
mine, theirs = GroupNorm(3, 6), nn.GroupNorm(3, 6)
print("group norm matches", torch.allclose(mine(x), theirs(x), atol=1e-5),
      "instance", torch.allclose(GroupNorm(6, 6)(x), nn.InstanceNorm2d(6, affine=True)(x), atol=1e-5),
      "layer (one group)", torch.allclose(GroupNorm(1, 6)(x), nn.LayerNorm([6, 5, 5])(x), atol=1e-5))
ln = LayerNorm([5, 5])
print("layer norm matches", torch.allclose(ln(x), F.layer_norm(x, [5, 5]), atol=1e-5),
      "normalized_shape", ln.normalized_shape)
conv = Conv2dWS(6, 4, 3, padding=1)
out = conv(x)
w = weight_standardization(conv.weight, conv.eps)
print(f"ws conv out {out.mean().item():.6f} {out.std().item():.6f} | w mean ~0 {abs(w.mean().item()) < 1e-6} "
      f"var {w.view(4, -1).var(dim=1).mean().item():.5f} | padding_mode {conv.padding_mode}")
out.sum().backward()
print(f"ws weight grad norm {conv.weight.grad.norm().item():.6f}")


# ------------------------------------------------------------------ MLP-Mixer and ConvMixer
class MixerBlock(nn.Module):
    def __init__(self, num_patches, dim, token_dim, channel_dim):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.token_mix = nn.Sequential(nn.Linear(num_patches, token_dim), nn.GELU(), nn.Linear(token_dim, num_patches))
        self.norm2 = nn.LayerNorm(dim)
        self.channel_mix = nn.Sequential(nn.Linear(dim, channel_dim), nn.GELU(), nn.Linear(channel_dim, dim))

    def forward(self, x):
        x = x + self.token_mix(self.norm1(x).transpose(1, 2)).transpose(1, 2)
        return x + self.channel_mix(self.norm2(x))


class Residual(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x) + x


def ConvMixer(dim, depth, kernel_size=3, patch_size=2, n_classes=10):
    return nn.Sequential(
        nn.Conv2d(1, dim, kernel_size=patch_size, stride=patch_size), nn.GELU(), nn.BatchNorm2d(dim),
        *[nn.Sequential(
            Residual(nn.Sequential(nn.Conv2d(dim, dim, kernel_size, groups=dim, padding="same"), nn.GELU(),
                                   nn.BatchNorm2d(dim))),
            nn.Conv2d(dim, dim, kernel_size=1), nn.GELU(), nn.BatchNorm2d(dim)) for _ in range(depth)],
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(dim, n_classes))


torch.manual_seed(5)
patch = nn.Conv2d(1, 16, kernel_size=2, stride=2)
mixer = nn.Sequential(*[MixerBlock(16, 16, 8, 32) for _ in range(2)])
mix_head = nn.Sequential(nn.LayerNorm(16), nn.Linear(16, 10))
convmixer = ConvMixer(16, 2)
opt_a = torch.optim.Adam(list(patch.parameters()) + list(mixer.parameters()) + list(mix_head.parameters()), lr=3e-3)
opt_b = torch.optim.Adam(convmixer.parameters(), lr=3e-3)
for epoch in range(2):
    for data, target in loader:
        tokens = patch(data).flatten(2).transpose(1, 2)
        loss_a = F.cross_entropy(mix_head(mixer(tokens).mean(dim=1)), target)
        opt_a.zero_grad()
        loss_a.backward()
        opt_a.step()
        loss_b = F.cross_entropy(convmixer(data), target, label_smoothing=0.1)
        opt_b.zero_grad()
        loss_b.backward()
        opt_b.step()
    convmixer.eval()
    with torch.no_grad():
        acc_a = (mix_head(mixer(patch(images[320:]).flatten(2).transpose(1, 2)).mean(1)).argmax(1) == targets[320:])
        acc_b = (convmixer(images[320:]).argmax(1) == targets[320:])
    convmixer.train()
    print(f"mixer epoch {epoch} | {loss_a.item():.6f} acc {acc_a.float().mean().item():.4f} | "
          f"convmixer {loss_b.item():.6f} acc {acc_b.float().mean().item():.4f}")
print("convmixer params", sum(p.numel() for p in convmixer.parameters()),
      "depthwise groups", convmixer[3][0].fn[0].groups, "padding", convmixer[3][0].fn[0].padding)
print("np check", np.allclose(patch.weight.detach().numpy().sum(), patch.weight.sum().item(), rtol=1e-5))
