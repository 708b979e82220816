"""A torchviz-style text dump of the autograd graph, as debugging posts print it, for blocks written with
in-place operations the way torchvision's ResNet writes them (out += identity, ReLU(inplace=True)) and a
hand-written running update (h.mul_(decay).add_(x)) inside a loop: each node's name, its next_functions
(which point at the node an input had when it was read, before later in-place changes), AccumulateGrad
leaves with their shapes, node counts, and gradients checked against the out-of-place version."""

import torch
import torch.nn as nn

torch.manual_seed(0)
torch.set_num_threads(1)


def dump(t, max_nodes=40):
    seen, lines, order = {}, [], []

    def visit(fn, depth):
        if fn is None or id(fn) in seen or len(order) >= max_nodes:
            return
        seen[id(fn)] = len(seen)
        order.append(fn)
        for nxt, _ in fn.next_functions:
            visit(nxt, depth + 1)

    visit(t.grad_fn, 0)
    for fn in order:
        name = fn.name()
        if name == "torch::autograd::AccumulateGrad":
            label = f"AccumulateGrad{tuple(fn.variable.shape)}"
        else:
            label = name
        kids = [f"#{seen[id(n)]}" if n is not None else "None" for n, _ in fn.next_functions]
        lines.append(f"  #{seen[id(fn)]} {label} -> {', '.join(kids)}")
    return lines


class BasicBlock(nn.Module):
    def __init__(self, c, inplace=True):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.relu = nn.ReLU(inplace=inplace)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.inplace = inplace

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.inplace:
            out += identity
        else:
            out = out + identity
        return self.relu(out)


x = torch.randn(2, 2, 4, 4)
blk = BasicBlock(2)
ref = BasicBlock(2, inplace=False)
ref.load_state_dict(blk.state_dict())
y = blk(x).sum()
# (the block's top of the graph only: below NativeBatchNormBackward0 and ConvolutionBackward0 minigrad's
# graph shows the primitives it composes them from, where PyTorch's shows one fused node)
fn, chain = y.grad_fn, []
for _ in range(4):
    chain.append(f"{fn.name()}[{len(fn.next_functions)}]")
    fn = fn.next_functions[0][0]
print("in-place block graph top:", " -> ".join(chain))
y.backward()
ref(x).sum().backward()
same = all(torch.allclose(a.grad, b.grad, atol=1e-6) for a, b in zip(blk.parameters(), ref.parameters()))
print("grads equal to out-of-place block:", same)

w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
h = torch.zeros(3)
outs = []
for t in range(3):
    x_t = torch.tanh(w * (t + 1))
    outs.append(h * 1.0)  # reads h before this step's in-place update
    h.mul_(0.9).add_(x_t)
total = sum(o.sum() for o in outs) + h.sum()
print("running-update graph:")
print("\n".join(dump(total)))
again = dump(total)
print("node identities stable across walks:", again == dump(total))
print("edge of outs[1] reads", outs[1].grad_fn.next_functions[0][0].name(), "h now ends in", h.grad_fn.name())
total.backward()
print("w.grad", [round(v, 6) for v in w.grad.tolist()])
w2 = w.detach().clone().requires_grad_()
h2, outs2 = torch.zeros(3), []
for t in range(3):
    outs2.append(h2 * 1.0)
    h2 = h2 * 0.9 + torch.tanh(w2 * (t + 1))
(sum(o.sum() for o in outs2) + h2.sum()).backward()
print("matches out-of-place:", torch.allclose(w.grad, w2.grad))
