"""Mechanistic-interpretability scripts in the TransformerLens style, written
with plain PyTorch hooks on a small attention-only transformer trained on
repeated random sequences (so it learns an induction head): an activation
cache filled by register_forward_hook (handles removed afterwards), attention
patterns returned by hooks, induction scores read off torch.diagonal with an
offset, the logit lens (the final LayerNorm and unembedding applied to every
residual stream), direct logit attribution by torch.einsum against the
unembedding direction of the correct token, activation patching with
register_forward_pre_hook / a forward hook that returns a replacement output,
head ablation by zeroing a slice, the OV and QK circuits' singular values by
torch.linalg.svdvals, and a distilled student trained on the teacher's
temperature-scaled soft targets with F.kl_div(log_target=True). In float64
(torch.set_default_dtype), seeded: every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
# float64, as analyses that difference activations often run: Adam at lr 1e-2 on this plateau would
# otherwise grow float32 rounding to ~1e-5 in the weights within 24 steps
torch.set_default_dtype(torch.float64)
V, D, H, T = 24, 32, 4, 16
HD = D // H


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.W_Q = nn.Parameter(torch.randn(H, D, HD) / D ** 0.5)
        self.W_K = nn.Parameter(torch.randn(H, D, HD) / D ** 0.5)
        self.W_V = nn.Parameter(torch.randn(H, D, HD) / D ** 0.5)
        self.W_O = nn.Parameter(torch.randn(H, HD, D) / HD ** 0.5)
        self.register_buffer("IGNORE", torch.tensor(-1e5))
        self.hook_pattern = nn.Identity()
        self.hook_z = nn.Identity()

    def forward(self, x):
        q = torch.einsum("bpd,hde->bphe", x, self.W_Q)
        k = torch.einsum("bpd,hde->bphe", x, self.W_K)
        v = torch.einsum("bpd,hde->bphe", x, self.W_V)
        scores = torch.einsum("bqhe,bkhe->bhqk", q, k) / HD ** 0.5
        mask = torch.triu(torch.ones(x.size(1), x.size(1), dtype=torch.bool), diagonal=1)
        scores = scores.masked_fill(mask, self.IGNORE.item())
        pattern = self.hook_pattern(scores.softmax(-1))
        z = self.hook_z(torch.einsum("bhqk,bkhe->bqhe", pattern, v))
        return torch.einsum("bqhe,hed->bqd", z, self.W_O)


class AttnOnly(nn.Module):
    def __init__(self, layers=2):
        super().__init__()
        self.embed = nn.Embedding(V, D)
        self.pos = nn.Parameter(torch.randn(T, D) * 0.1)
        self.blocks = nn.ModuleList([Attention() for _ in range(layers)])
        self.ln_final = nn.LayerNorm(D)
        self.unembed = nn.Linear(D, V, bias=False)

    def forward(self, tokens, return_resid=False):
        x = self.embed(tokens) + self.pos[: tokens.size(1)]
        resid = [x]
        for blk in self.blocks:
            x = x + blk(x)
            resid.append(x)
        logits = self.unembed(self.ln_final(x))
        return (logits, resid) if return_resid else logits


def repeated_batch(b, half, gen):
    first = torch.randint(1, V, (b, half), generator=gen)
    return torch.cat([first, first], dim=1)


gen = torch.Generator().manual_seed(1)
model = AttnOnly()
opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.0)
for step in range(24):
    toks = repeated_batch(16, T // 2, gen)
    logits = model(toks)
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, V), toks[:, 1:].reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 8 == 0 or step == 23:
        second_half = F.cross_entropy(logits[:, T // 2:-1].reshape(-1, V), toks[:, T // 2 + 1:].reshape(-1))
        print(f"step {step:2d} | loss {loss.item():.5f} | repeated half {second_half.item():.5f}")

# -- an activation cache by forward hooks --------------------------------------------------
cache = {}


def save_hook(name):
    def hook(module, inputs, output):
        cache[name] = output.detach()
    return hook


handles = []
for i, blk in enumerate(model.blocks):
    handles.append(blk.hook_pattern.register_forward_hook(save_hook(f"blocks.{i}.attn.hook_pattern")))
    handles.append(blk.hook_z.register_forward_hook(save_hook(f"blocks.{i}.attn.hook_z")))
model.eval()
toks = repeated_batch(8, T // 2, gen)
with torch.no_grad():
    logits, resid = model(toks, return_resid=True)
for h in handles:
    h.remove()
print("cached", sorted(cache), tuple(cache["blocks.1.attn.hook_pattern"].shape))
with torch.no_grad():
    model(toks)
print("hooks removed", len(model.blocks[0].hook_pattern._forward_hooks) == 0)

for layer in range(2):
    pattern = cache[f"blocks.{layer}.attn.hook_pattern"]
    induction = torch.diagonal(pattern, offset=-(T // 2 - 1), dim1=-2, dim2=-1).mean(dim=(0, -1))
    prev = torch.diagonal(pattern, offset=-1, dim1=-2, dim2=-1).mean(dim=(0, -1))
    print(f"layer {layer} induction {[f'{v:.7f}' for v in induction.tolist()]} prev-token {[f'{v:.7f}' for v in prev.tolist()]}")

# -- logit lens and direct logit attribution ------------------------------------------------
with torch.no_grad():
    for i, r in enumerate(resid):
        lens_logits = model.unembed(model.ln_final(r))
        acc = (lens_logits[:, T // 2:-1].argmax(-1) == toks[:, T // 2 + 1:]).float().mean().item()
        print(f"logit lens after {i} blocks: accuracy on the repeat {acc:.4f}")
    correct = toks[:, T // 2 + 1:]
    directions = model.unembed.weight[correct]
    scale = resid[-1][:, T // 2:-1].std(dim=-1, keepdim=True, unbiased=False)
    for layer in range(2):
        z = cache[f"blocks.{layer}.attn.hook_z"][:, T // 2:-1]
        per_head = torch.einsum("bqhe,hed->bqhd", z, model.blocks[layer].W_O)
        dla = torch.einsum("bqhd,bqd->h", per_head / scale.unsqueeze(2), directions * model.ln_final.weight) / correct.numel()
        print(f"layer {layer} direct logit attribution {[f'{v:.6f}' for v in dla.tolist()]}")

# -- activation patching and ablation ---------------------------------------------------------
clean = toks[:1]
corrupt = clean.clone()
corrupt[0, T // 2:] = torch.roll(clean[0, T // 2:], 1)
with torch.no_grad():
    clean_logits = model(clean)
    _, corrupt_resid = model(corrupt, return_resid=True)
target_tok = clean[0, -1]


def logit_diff(lg):
    return (lg[0, -2, target_tok] - lg[0, -2].mean()).item()


def patch_resid(layer):
    def pre_hook(module, args):
        x = args[0].clone()
        x[:, -2] = corrupt_resid[layer][:, -2]
        return (x,)
    return pre_hook


for layer in range(2):
    h = model.blocks[layer].register_forward_pre_hook(patch_resid(layer))
    with torch.no_grad():
        patched = model(clean)
    h.remove()
    print(f"patch resid into block {layer}: logit diff {logit_diff(patched):.6f} (clean {logit_diff(clean_logits):.6f})")

best = int(torch.stack([torch.diagonal(cache["blocks.1.attn.hook_pattern"], offset=-(T // 2 - 1), dim1=-2, dim2=-1)
                        .mean(dim=(0, -1))]).argmax())


def ablate_head(module, inputs, output):
    output = output.clone()
    output[:, :, best] = 0.0
    return output


h = model.blocks[1].hook_z.register_forward_hook(ablate_head)
with torch.no_grad():
    ablated = model(toks)
h.remove()
ce = lambda lg: F.cross_entropy(lg[:, T // 2:-1].reshape(-1, V), toks[:, T // 2 + 1:].reshape(-1)).item()  # noqa: E731
print(f"ablating L1H{best}: repeat loss {ce(logits):.6f} -> {ce(ablated):.6f}")

# -- circuits ------------------------------------------------------------------------------------
with torch.no_grad():
    for layer in range(2):
        blk = model.blocks[layer]
        ov = torch.einsum("hde,hef->hdf", blk.W_V, blk.W_O)
        qk = torch.einsum("hde,hfe->hdf", blk.W_Q, blk.W_K)
        print(f"layer {layer} OV top singular {[f'{v:.6f}' for v in torch.linalg.svdvals(ov)[:, 0].tolist()]}"
              f" QK rank-{HD} norm {[f'{v:.6f}' for v in torch.linalg.matrix_norm(qk).tolist()]}")

# -- distillation into a one-layer student ------------------------------------------------------
torch.manual_seed(2)
student = AttnOnly(layers=1)
opt = torch.optim.AdamW(student.parameters(), lr=1e-2, weight_decay=0.0)
temp = 2.0
for step in range(30):
    toks = repeated_batch(16, T // 2, gen)
    with torch.no_grad():
        teacher_logp = F.log_softmax(model(toks) / temp, dim=-1)
    student_logp = F.log_softmax(student(toks) / temp, dim=-1)
    loss = F.kl_div(student_logp.view(-1, V), teacher_logp.view(-1, V), reduction="batchmean", log_target=True) * temp ** 2
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 10 == 0 or step == 29:
        print(f"distill step {step:2d} | kl {loss.item():.5f}")
