"""Attention where a query has no key to attend to, as an evaluation script meets it: a padded batch
in which one sequence is all padding, through nn.MultiheadAttention with and without the weights, in
training and in eval mode under no_grad (PyTorch's inference fast path), with the fast path switched
off, and through TransformerEncoderLayer/TransformerEncoder (the fused layer reads a float mask as a
bool one); is_causal without a mask is refused; NaN rows are then cleaned with nan_to_num."""

import torch
import torch.nn as nn

torch.manual_seed(0)
mha = nn.MultiheadAttention(8, 2, batch_first=True)
x = torch.randn(3, 4, 8)
pad = torch.tensor([[False, False, True, True], [True, True, True, True], [False, False, False, True]])


def show(tag, out):
    rows = out.isnan().any(dim=-1)
    print(tag, rows.tolist(), int(rows.sum()), "NaN rows", round((out.nan_to_num(0.0) * torch.arange(8)).sum().item(), 4))


for train in (True, False):
    mha.train(train)
    for need in (True, False):
        out, w = mha(x, x, x, key_padding_mask=pad, need_weights=need)
        show(f"train={train} need_weights={need}", out)
        if w is not None:
            print(" weights nan rows", w.isnan().any(dim=-1).tolist())
    with torch.no_grad():
        out, _ = mha(x, x, x, key_padding_mask=pad, need_weights=False)
    show(f"train={train} no_grad", out)
torch.backends.mha.set_fastpath_enabled(False)
with torch.no_grad():
    show("fast path off", mha(x, x, x, key_padding_mask=pad, need_weights=False)[0])
torch.backends.mha.set_fastpath_enabled(True)
print("fast path on again:", torch.backends.mha.get_fastpath_enabled())

try:
    mha(x, x, x, is_causal=True)
except RuntimeError as e:
    print("is_causal alone: RuntimeError", str(e)[:40])
causal = nn.Transformer.generate_square_subsequent_mask(4)
with torch.no_grad():
    hinted, _ = mha(x, x, x, attn_mask=causal, is_causal=True, need_weights=False)
    show("causal mask + hint", hinted)
    ignored, _ = mha(x, x, x, is_causal=True, need_weights=False)  # the fast path ignores the hint
    show("hint alone on the fast path", ignored)

layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True).eval()
bias = torch.zeros(4, 4)
bias[0, 1] = 0.5  # a soft bias: the fused layer masks any nonzero entry
with torch.no_grad():
    show("layer padded", layer(x, src_key_padding_mask=pad))
    show("layer soft bias (fused)", layer(x, src_mask=bias))
show("layer soft bias (with grad)", layer(x, src_mask=bias).detach())
encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True), 2).eval()
with torch.no_grad():
    enc = encoder(x, src_key_padding_mask=pad)
    show("encoder (nested path)", enc)
    print("padded positions zero:", bool((enc[pad] == 0).all()))
    try:
        encoder(x, src_key_padding_mask=torch.ones(3, 4, dtype=torch.bool))
    except RuntimeError as e:
        print("all padded: RuntimeError", str(e)[:30])
