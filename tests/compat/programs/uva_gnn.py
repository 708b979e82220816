"""The UvA deep learning tutorial 7 (graph neural networks), written its way
with the PyTorch Geometric parts done by hand: GCNLayer (adjacency bmm,
num_neighbours = adj.sum(dim=-1, keepdims=True)) on the 4-node example with
weights set through .data = torch.Tensor(...), GATLayer with an uninitialized
torch.Tensor(num_heads, 2 * c_out) parameter given xavier_uniform_(gain=1.414),
adj_matrix.nonzero(as_tuple=False) edges, torch.index_select(input=, index=,
dim=) on flattened node features, einsum('bhc,hc->bh') logits,
new_zeros(...).fill_(-9e15) written through a boolean mask from
adj[..., None].repeat, softmax over neighbours and einsum('bijh,bjhc->bihc');
then node classification on a two-community graph (MLP vs a GCN on the
normalised adjacency, train/val/test masks, Adam with weight decay) and graph
classification on small batched graphs (block-diagonal adjacency, a batch
vector and a mean pool by index_add_, BCEWithLogitsLoss). Seeded: every
number agrees."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.set_num_threads(1)
torch.manual_seed(42)


class GCNLayer(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.projection = nn.Linear(c_in, c_out)

    def forward(self, node_feats, adj_matrix):
        """
        Args:
            node_feats: Tensor with node features of shape [batch_size, num_nodes, c_in]
            adj_matrix: Batch of adjacency matrices of the graph. If there is an edge from i to j,
                         adj_matrix[b,i,j]=1 else 0. Supports directed edges by non-symmetric matrices.
                         Assumes to already have added the identity connections.
                         Shape: [batch_size, num_nodes, num_nodes]
        """
        num_neighbours = adj_matrix.sum(dim=-1, keepdims=True)
        node_feats = self.projection(node_feats)
        node_feats = torch.bmm(adj_matrix, node_feats)
        node_feats = node_feats / num_neighbours
        return node_feats


node_feats = torch.arange(8, dtype=torch.float32).view(1, 4, 2)
adj_matrix = torch.Tensor([[[1, 1, 0, 0], [1, 1, 1, 1], [0, 1, 1, 1], [0, 1, 1, 1]]])
print("Node features:\n", node_feats)
print("\nAdjacency matrix:\n", adj_matrix)
layer = GCNLayer(c_in=2, c_out=2)
layer.projection.weight.data = torch.Tensor([[1.0, 0.0], [0.0, 1.0]])
layer.projection.bias.data = torch.Tensor([0.0, 0.0])
with torch.no_grad():
    out_feats = layer(node_feats, adj_matrix)
print("Adjacency matrix", adj_matrix)
print("Input features", node_feats)
print("Output features", out_feats)


class GATLayer(nn.Module):
    def __init__(self, c_in, c_out, num_heads=1, concat_heads=True, alpha=0.2):
        """
        Args:
            c_in: Dimensionality of input features
            c_out: Dimensionality of output features
            num_heads: Number of heads, i.e. attention mechanisms to apply in parallel.
            concat_heads: If True, the output of the different heads is concatenated instead of averaged.
            alpha: Negative slope of the LeakyReLU activation.
        """
        super().__init__()
        self.num_heads = num_heads
        self.concat_heads = concat_heads
        if self.concat_heads:
            assert c_out % num_heads == 0, "Number of output features must be a multiple of the count of heads."
            c_out = c_out // num_heads
        self.projection = nn.Linear(c_in, c_out * num_heads)
        self.a = nn.Parameter(torch.Tensor(num_heads, 2 * c_out))
        self.leakyrelu = nn.LeakyReLU(alpha)
        nn.init.xavier_uniform_(self.projection.weight.data, gain=1.414)
        nn.init.xavier_uniform_(self.a.data, gain=1.414)

    def forward(self, node_feats, adj_matrix, print_attn_probs=False):
        batch_size, num_nodes = node_feats.size(0), node_feats.size(1)
        node_feats = self.projection(node_feats)
        node_feats = node_feats.view(batch_size, num_nodes, self.num_heads, -1)
        edges = adj_matrix.nonzero(as_tuple=False)
        node_feats_flat = node_feats.view(batch_size * num_nodes, self.num_heads, -1)
        edge_indices_row = edges[:, 0] * num_nodes + edges[:, 1]
        edge_indices_col = edges[:, 0] * num_nodes + edges[:, 2]
        a_input = torch.cat(
            [
                torch.index_select(input=node_feats_flat, index=edge_indices_row, dim=0),
                torch.index_select(input=node_feats_flat, index=edge_indices_col, dim=0),
            ],
            dim=-1,
        )
        attn_logits = torch.einsum("bhc,hc->bh", a_input, self.a)
        attn_logits = self.leakyrelu(attn_logits)
        attn_matrix = attn_logits.new_zeros(adj_matrix.shape + (self.num_heads,)).fill_(-9e15)
        attn_matrix[adj_matrix[..., None].repeat(1, 1, 1, self.num_heads) == 1] = attn_logits.reshape(-1)
        attn_probs = F.softmax(attn_matrix, dim=2)
        if print_attn_probs:
            print("Attention probs\n", attn_probs.permute(0, 3, 1, 2))
        node_feats = torch.einsum("bijh,bjhc->bihc", attn_probs, node_feats)
        if self.concat_heads:
            node_feats = node_feats.reshape(batch_size, num_nodes, -1)
        else:
            node_feats = node_feats.mean(dim=2)
        return node_feats


layer = GATLayer(2, 2, num_heads=2)
print("xavier a", layer.a.shape, layer.a.abs().max().item() <= 1.414 * (6 / 3) ** 0.5)
layer.projection.weight.data = torch.Tensor([[1.0, 0.0], [0.0, 1.0]])
layer.projection.bias.data = torch.Tensor([0.0, 0.0])
layer.a.data = torch.Tensor([[-0.2, 0.3], [0.1, -0.1]])
with torch.no_grad():
    out_feats = layer(node_feats, adj_matrix, print_attn_probs=True)
print("Adjacency matrix", adj_matrix)
print("Input features", node_feats)
print("Output features", out_feats)
node_feats_g = node_feats.clone().requires_grad_()
layer(node_feats_g, adj_matrix).sum().backward()
print("GAT grads", node_feats_g.grad, layer.a.grad)
mean_layer = GATLayer(2, 3, num_heads=3, concat_heads=False)
print("averaged heads", mean_layer(node_feats, adj_matrix).shape)

# ---------------------------------------------------------------- node classification (Cora's stand-in)
rng = np.random.default_rng(0)
n, n_feat, n_class = 80, 12, 2
labels_np = np.repeat([0, 1], n // 2)
p = np.where(labels_np[:, None] == labels_np[None, :], 0.15, 0.01)
upper = np.triu(rng.random((n, n)) < p, 1)
adj_np = (upper | upper.T).astype(np.float32)
feats_np = (rng.normal(size=(n, n_feat)) + 0.4 * labels_np[:, None] * (np.arange(n_feat) < 4)).astype(np.float32)
order = rng.permutation(n)
train_mask = torch.zeros(n, dtype=torch.bool)
val_mask = torch.zeros(n, dtype=torch.bool)
test_mask = torch.zeros(n, dtype=torch.bool)
train_mask[torch.from_numpy(order[:20])] = True
val_mask[torch.from_numpy(order[20:40])] = True
test_mask[torch.from_numpy(order[40:])] = True
x = torch.from_numpy(feats_np)
y = torch.from_numpy(labels_np)
A = torch.from_numpy(adj_np) + torch.eye(n)
deg = A.sum(dim=-1)
d_inv_sqrt = deg.pow(-0.5)
A_norm = d_inv_sqrt[:, None] * A * d_inv_sqrt[None, :]
print("graph", int(adj_np.sum() // 2), "edges", train_mask.sum().item(), val_mask.sum().item(), test_mask.sum().item())


class MLPModel(nn.Module):
    def __init__(self, c_in, c_hidden, c_out, num_layers=2, dp_rate=0.1):
        super().__init__()
        layers = []
        in_channels, out_channels = c_in, c_hidden
        for l_idx in range(num_layers - 1):
            layers += [nn.Linear(in_channels, out_channels), nn.ReLU(inplace=True), nn.Dropout(dp_rate)]
            in_channels = c_hidden
        layers += [nn.Linear(in_channels, c_out)]
        self.layers = nn.Sequential(*layers)

    def forward(self, x, *args, **kwargs):
        return self.layers(x)


class GNNModel(nn.Module):
    def __init__(self, c_in, c_hidden, c_out, num_layers=2, dp_rate=0.1):
        super().__init__()
        layers = []
        in_channels, out_channels = c_in, c_hidden
        for l_idx in range(num_layers - 1):
            layers += [GCNLayer(in_channels, out_channels), nn.ReLU(inplace=True), nn.Dropout(dp_rate)]
            in_channels = c_hidden
        layers += [GCNLayer(in_channels, c_out)]
        self.layers = nn.ModuleList(layers)

    def forward(self, x, adj):
        for layer in self.layers:
            if isinstance(layer, GCNLayer):
                x = layer(x, adj)
            else:
                x = layer(x)
        return x


def train_node_classifier(model_name, **model_kwargs):
    torch.manual_seed(42)
    model = (MLPModel if model_name == "MLP" else GNNModel)(c_in=n_feat, c_out=n_class, **model_kwargs)
    optimizer = optim.Adam(model.parameters(), lr=1e-2, weight_decay=2e-3)
    loss_module = nn.CrossEntropyLoss()

    def step(mode):
        out = model(x[None], A_norm[None] * deg[None, :, None])[0] if model_name != "MLP" else model(x)
        mask = {"train": train_mask, "val": val_mask, "test": test_mask}[mode]
        loss = loss_module(out[mask], y[mask])
        acc = (out[mask].argmax(dim=-1) == y[mask]).sum().float() / mask.sum()
        return loss, acc

    for epoch in range(60):
        model.train()
        loss, acc = step("train")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if epoch % 20 == 0:
            model.eval()
            with torch.no_grad():
                val_loss, val_acc = step("val")
            print(f"{model_name} epoch {epoch:2d} | train loss {loss.item():.6f} acc {acc.item():.4f} | "
                  f"val loss {val_loss.item():.6f} acc {val_acc.item():.4f}")
    model.eval()
    with torch.no_grad():
        _, train_acc = step("train")
        _, val_acc = step("val")
        _, test_acc = step("test")
    print(f"{model_name}: train {100.0 * train_acc:4.2f}% val {100.0 * val_acc:4.2f}% test {100.0 * test_acc:4.2f}%")


train_node_classifier("MLP", c_hidden=16, num_layers=2, dp_rate=0.1)
train_node_classifier("GNN", c_hidden=16, num_layers=2, dp_rate=0.1)

# ---------------------------------------------------------------- graph classification (MUTAG's stand-in)
graphs = []
for g in range(48):
    size = int(rng.integers(5, 10))
    cyclic = g % 2
    adj = np.zeros((size, size), dtype=np.float32)
    for i in range(size - 1):
        adj[i, i + 1] = adj[i + 1, i] = 1
    if cyclic:
        adj[0, size - 1] = adj[size - 1, 0] = 1
    feats = rng.normal(size=(size, 4)).astype(np.float32)
    graphs.append((feats, adj, cyclic))


def collate(batch):
    sizes = [f.shape[0] for f, _, _ in batch]
    total = sum(sizes)
    adj = torch.zeros(total, total)
    offset = 0
    for (f, a, _), s in zip(batch, sizes):
        adj[offset:offset + s, offset:offset + s] = torch.from_numpy(a)
        offset += s
    feats = torch.cat([torch.from_numpy(f) for f, _, _ in batch])
    batch_idx = torch.repeat_interleave(torch.arange(len(batch)), torch.tensor(sizes))
    labels = torch.tensor([c for _, _, c in batch], dtype=torch.float32)
    return feats, adj + torch.eye(total), batch_idx, labels


def global_mean_pool(x, batch_idx, size):
    sums = torch.zeros(size, x.shape[-1]).index_add_(0, batch_idx, x)
    counts = torch.zeros(size).index_add_(0, batch_idx, torch.ones(x.shape[0]))
    return sums / counts[:, None]


class GraphGNNModel(nn.Module):
    def __init__(self, c_in, c_hidden, c_out, dp_rate_linear=0.5, **kwargs):
        super().__init__()
        self.GNN = GNNModel(c_in=c_in, c_hidden=c_hidden, c_out=c_hidden, **kwargs)
        self.head = nn.Sequential(nn.Dropout(dp_rate_linear), nn.Linear(c_hidden, c_out))

    def forward(self, x, adj, batch_idx, num_graphs):
        x = self.GNN(x[None], adj[None])[0]
        x = global_mean_pool(x, batch_idx, num_graphs)
        x = self.head(x)
        return x


torch.manual_seed(42)
model = GraphGNNModel(c_in=4, c_hidden=16, c_out=1, num_layers=3, dp_rate_linear=0.5, dp_rate=0.0)
optimizer = optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.0)
loss_module = nn.BCEWithLogitsLoss()
train_graphs, test_graphs = graphs[:32], graphs[32:]
for epoch in range(8):
    model.train()
    perm = torch.randperm(len(train_graphs)).tolist()
    for start in range(0, len(perm), 8):
        feats, adj, batch_idx, labels = collate([train_graphs[i] for i in perm[start:start + 8]])
        x_out = model(feats, adj, batch_idx, len(labels)).squeeze(dim=-1)
        loss = loss_module(x_out, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    preds = (x_out > 0).float()
    acc = (preds == labels).sum().float() / preds.shape[0]
    print(f"graph epoch {epoch} | loss {loss.item():.6f} acc {acc.item():.4f}")
model.eval()
with torch.no_grad():
    feats, adj, batch_idx, labels = collate(test_graphs)
    x_out = model(feats, adj, batch_idx, len(labels)).squeeze(dim=-1)
    print("test acc", ((x_out > 0).float() == labels).float().mean().item(), "logits", x_out[:4])
