"""Graph neural networks as PyTorch Geometric's layers compute them, written
out in plain PyTorch the way GNN-from-scratch notebooks do: Kipf's pygcn GraphConvolution (torch.mm, then
torch.spmm on a row-normalized dense adjacency, to_dense), add_self_loops
with torch.cat, degree by torch.bincount and by scatter_add_, the symmetric
GCN norm gathered per edge, propagate by index_select + index_add_, a
scatter softmax (scatter_reduce 'amax' with include_self=False, exp,
scatter_add_ of the denominator, gather back), GATConv with LeakyReLU(0.2)
scores and dropout on the attention coefficients, the dense GAT form with
masked_fill(-inf) and softmax over neighbours (both agree), a GraphSAGE mean
aggregator, to_dense_adj, DropEdge, and semi-supervised node classification
with train/val/test masks, dropout and early stopping on validation loss. The
random graph, features and all randomness are seeded, so every number agrees
with PyTorch."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(12345)

# a random graph: 3 classes, 45 nodes, edges denser inside a class
num_nodes, num_classes, num_features = 45, 3, 12
y = torch.arange(num_nodes) % num_classes
prob = torch.where(y[:, None] == y[None, :], 0.18, 0.025)
upper = torch.triu(torch.rand(num_nodes, num_nodes) < prob, diagonal=1)
adj = upper | upper.t()
edge_index = adj.nonzero().t()
x = F.one_hot(y, num_classes).float() @ torch.randn(num_classes, num_features) * 0.7
x = x + torch.randn(num_nodes, num_features)
perm = torch.randperm(num_nodes)
train_mask = torch.zeros(num_nodes, dtype=torch.bool)
val_mask = torch.zeros(num_nodes, dtype=torch.bool)
test_mask = torch.zeros(num_nodes, dtype=torch.bool)
train_mask[perm[:12]] = True
val_mask[perm[12:24]] = True
test_mask[perm[24:]] = True
print(f"nodes {num_nodes} edges {edge_index.size(1)} isolated "
      f"{(torch.bincount(edge_index[0], minlength=num_nodes) == 0).sum().item()} "
      f"train/val/test {int(train_mask.sum())}/{int(val_mask.sum())}/{int(test_mask.sum())}")


def add_self_loops(edge_index, num_nodes):
    loop_index = torch.arange(0, num_nodes, dtype=torch.long, device=edge_index.device)
    loop_index = loop_index.unsqueeze(0).repeat(2, 1)
    return torch.cat([edge_index, loop_index], dim=1)


def degree(index, num_nodes, dtype=None):
    out = torch.zeros((num_nodes,), dtype=dtype, device=index.device)
    one = torch.ones((index.size(0),), dtype=out.dtype, device=out.device)
    return out.scatter_add_(0, index, one)


def scatter_softmax(src, index, num_nodes):
    # per-destination softmax over incoming edges; src: [E, H]
    idx = index.unsqueeze(-1).expand_as(src)
    src_max = torch.zeros(num_nodes, src.size(1), dtype=src.dtype).scatter_reduce(
        0, idx, src, reduce="amax", include_self=False)
    out = (src - src_max.gather(0, idx)).exp()
    out_sum = torch.zeros(num_nodes, src.size(1), dtype=src.dtype).scatter_add_(0, idx, out)
    return out / (out_sum.gather(0, idx) + 1e-16)


def to_dense_adj(edge_index, num_nodes):
    dense = torch.zeros(num_nodes, num_nodes)
    dense[edge_index[0], edge_index[1]] = 1.0
    return dense


class GCNConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.lin = nn.Linear(in_channels, out_channels, bias=False)
        self.bias = nn.Parameter(torch.zeros(out_channels))
        nn.init.xavier_uniform_(self.lin.weight)

    def forward(self, x, edge_index):
        edge_index = add_self_loops(edge_index, num_nodes=x.size(0))
        x = self.lin(x)
        row, col = edge_index
        deg = degree(col, x.size(0), dtype=x.dtype)
        deg_inv_sqrt = deg.pow(-0.5)
        deg_inv_sqrt[deg_inv_sqrt == float("inf")] = 0
        norm = deg_inv_sqrt[row] * deg_inv_sqrt[col]
        messages = norm.view(-1, 1) * x.index_select(0, row)  # message: x_j scaled
        out = torch.zeros_like(x).index_add_(0, col, messages)  # aggregate: sum at the target
        return out + self.bias


class GATConv(nn.Module):
    def __init__(self, in_channels, out_channels, heads=1, concat=True, dropout=0.0, negative_slope=0.2):
        super().__init__()
        self.heads, self.out_channels, self.concat = heads, out_channels, concat
        self.dropout, self.negative_slope = dropout, negative_slope
        self.lin = nn.Linear(in_channels, heads * out_channels, bias=False)
        self.att_src = nn.Parameter(torch.empty(1, heads, out_channels))
        self.att_dst = nn.Parameter(torch.empty(1, heads, out_channels))
        self.bias = nn.Parameter(torch.zeros(heads * out_channels if concat else out_channels))
        nn.init.xavier_uniform_(self.lin.weight)
        nn.init.xavier_uniform_(self.att_src)
        nn.init.xavier_uniform_(self.att_dst)

    def forward(self, x, edge_index, return_attention_weights=False):
        H, C = self.heads, self.out_channels
        x = self.lin(x).view(-1, H, C)
        alpha_src = (x * self.att_src).sum(dim=-1)
        alpha_dst = (x * self.att_dst).sum(dim=-1)
        edge_index = add_self_loops(edge_index, x.size(0))
        src, dst = edge_index
        alpha = alpha_src[src] + alpha_dst[dst]
        alpha = F.leaky_relu(alpha, self.negative_slope)
        alpha = scatter_softmax(alpha, dst, x.size(0))
        alpha = F.dropout(alpha, p=self.dropout, training=self.training)
        msg = x[src] * alpha.unsqueeze(-1)
        out = torch.zeros_like(x).index_add_(0, dst, msg)
        out = out.view(-1, H * C) if self.concat else out.mean(dim=1)
        out = out + self.bias
        if return_attention_weights:
            return out, (edge_index, alpha)
        return out

    def dense_forward(self, x, adj):
        # the same layer on the dense adjacency (with self loops): mask non-edges with -inf
        H, C = self.heads, self.out_channels
        h = self.lin(x).view(-1, H, C)
        a_src = (h * self.att_src).sum(-1)  # N, H
        a_dst = (h * self.att_dst).sum(-1)
        e = F.leaky_relu(a_dst.t().unsqueeze(2) + a_src.t().unsqueeze(1), self.negative_slope)  # H, N(dst), N(src)
        mask = (adj + torch.eye(adj.size(0))) == 0
        e = e.masked_fill(mask.unsqueeze(0), float("-inf"))
        att = torch.softmax(e, dim=-1)
        out = torch.einsum("hij,jhc->ihc", att, h)
        out = out.reshape(-1, H * C) if self.concat else out.mean(1)
        return out + self.bias


class SAGEConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.lin_l = nn.Linear(in_channels, out_channels)
        self.lin_r = nn.Linear(in_channels, out_channels, bias=False)

    def forward(self, x, edge_index):
        src, dst = edge_index
        summed = torch.zeros_like(x).index_add_(0, dst, x[src])
        count = torch.bincount(dst, minlength=x.size(0)).clamp(min=1).unsqueeze(-1)
        return self.lin_l(summed / count) + self.lin_r(x)


class GraphConvolution(nn.Module):
    """Kipf's pygcn layer: support = input @ W, output = spmm(adj, support) (the adjacency here is dense)."""

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.weight = nn.Parameter(torch.FloatTensor(in_features, out_features))
        self.bias = nn.Parameter(torch.FloatTensor(out_features)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / (self.weight.size(1) ** 0.5)
        self.weight.data.uniform_(-stdv, stdv)
        if self.bias is not None:
            self.bias.data.uniform_(-stdv, stdv)

    def forward(self, input, adj):
        support = torch.mm(input, self.weight)
        output = torch.spmm(adj, support)
        return output + self.bias if self.bias is not None else output


def normalize_rows(mx):
    rowsum = mx.sum(1)
    r_inv = rowsum.pow(-1).flatten()
    r_inv[torch.isinf(r_inv)] = 0.0
    return torch.diag(r_inv) @ mx


adj_rw = normalize_rows(adj.float() + torch.eye(num_nodes)).to_dense()
pygcn = GraphConvolution(num_features, num_classes)
h_pygcn = pygcn(x, adj_rw)
print("pygcn layout", adj_rw.layout, "rows sum to one", torch.allclose(adj_rw.sum(1), torch.ones(num_nodes)),
      "spmm == sparse.mm", torch.allclose(h_pygcn, torch.sparse.mm(adj_rw, x @ pygcn.weight) + pygcn.bias),
      f"out {h_pygcn.abs().mean().item():.6f}")
print("degree == bincount", torch.equal(degree(edge_index[1], num_nodes).long(),
                                        torch.bincount(edge_index[1], minlength=num_nodes)))
print("to_dense_adj round trip", torch.equal(to_dense_adj(edge_index, num_nodes).bool(), adj))
gat = GATConv(num_features, 4, heads=2)
out_sparse, (ei, alpha) = gat(x, edge_index, return_attention_weights=True)
out_dense = gat.dense_forward(x, adj.float())
sums = torch.zeros(num_nodes, 2).index_add_(0, ei[1], alpha)
print("gat sparse == dense", torch.allclose(out_sparse, out_dense, atol=1e-5),
      "attention sums to one", torch.allclose(sums, torch.ones_like(sums)))
print("alpha", tuple(alpha.shape), f"{alpha.max().item():.6f}")


class GCN(nn.Module):
    def __init__(self, hidden_channels):
        super().__init__()
        self.conv1 = GCNConv(num_features, hidden_channels)
        self.conv2 = GCNConv(hidden_channels, num_classes)

    def forward(self, x, edge_index):
        x = self.conv1(x, edge_index)
        x = x.relu()
        x = F.dropout(x, p=0.5, training=self.training)
        return self.conv2(x, edge_index)


class GAT(nn.Module):
    def __init__(self, hidden_channels, heads):
        super().__init__()
        self.conv1 = GATConv(num_features, hidden_channels, heads, dropout=0.3)
        self.conv2 = GATConv(heads * hidden_channels, num_classes, heads=1, concat=False, dropout=0.3)

    def forward(self, x, edge_index):
        x = F.dropout(x, p=0.3, training=self.training)
        x = F.elu(self.conv1(x, edge_index))
        x = F.dropout(x, p=0.3, training=self.training)
        return self.conv2(x, edge_index)


class SAGE(nn.Module):
    def __init__(self, hidden_channels):
        super().__init__()
        self.conv1 = SAGEConv(num_features, hidden_channels)
        self.conv2 = SAGEConv(hidden_channels, num_classes)

    def forward(self, x, edge_index):
        x = F.relu(self.conv1(x, edge_index))
        return self.conv2(x, edge_index)


def drop_edge(edge_index, p, training):
    if not training or p == 0.0:
        return edge_index
    keep = torch.rand(edge_index.size(1)) >= p
    return edge_index[:, keep]


def train_model(name, model, epochs=40, patience=8, edge_p=0.0):
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02, weight_decay=5e-4)
    criterion = nn.CrossEntropyLoss()
    best_val, best_state, bad = float("inf"), None, 0
    for epoch in range(1, epochs + 1):
        model.train()
        optimizer.zero_grad()
        out = model(x, drop_edge(edge_index, edge_p, model.training))
        loss = criterion(out[train_mask], y[train_mask])
        loss.backward()
        optimizer.step()
        model.eval()
        with torch.no_grad():
            out = model(x, edge_index)
            val_loss = criterion(out[val_mask], y[val_mask]).item()
        if val_loss < best_val - 1e-4:
            best_val, best_state, bad = val_loss, copy.deepcopy(model.state_dict()), 0
        else:
            bad += 1
        if epoch % 10 == 0:
            print(f"{name} epoch {epoch:03d} loss {loss.item():.5f} val {val_loss:.5f}")
        if bad >= patience:
            print(f"{name} early stop at epoch {epoch}")
            break
    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        pred = model(x, edge_index).argmax(dim=1)
    test_acc = int((pred[test_mask] == y[test_mask]).sum()) / int(test_mask.sum())
    print(f"{name} best val {best_val:.5f} test acc {test_acc:.4f}")


torch.manual_seed(1)
train_model("gcn", GCN(16))
torch.manual_seed(2)
train_model("gat", GAT(4, heads=4))
torch.manual_seed(3)
train_model("sage", SAGE(16), edge_p=0.2)
