"""tkipf/pygcn (layers.py, models.py, utils.py, train.py) on a synthetic citation graph, with the
adjacency kept dense (the script's scipy sparse matrix replaced by numpy; the products still go through
torch.spmm): encode_onehot, row-normalize (r_inv with isinf set to 0), symmetric adjacency by
adj + adj.T.multiply(adj.T > adj) - adj.multiply(adj.T > adj) in numpy form, GraphConvolution with a
uniform_(-stdv, stdv) reset_parameters and torch.spmm(adj, torch.mm(input, self.weight)), a two-layer GCN
with F.dropout(training=self.training) and log_softmax, accuracy by max(1)[1].type_as(labels), Adam with
weight decay, the train loop printing loss/acc for train and val per epoch with time omitted, and
test(); then the same data through a GAT layer (pyGAT's _prepare_attentional_mechanism_input: Wh1 + Wh2.T,
LeakyReLU, masking by torch.where(adj > 0, e, -9e15), ELU between heads)."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.nn.modules.module import Module
from torch.nn.parameter import Parameter
import math

torch.set_num_threads(1)


def encode_onehot(labels):
    classes = sorted(set(labels))
    classes_dict = {c: np.identity(len(classes))[i, :] for i, c in enumerate(classes)}
    labels_onehot = np.array(list(map(classes_dict.get, labels)), dtype=np.int32)
    return labels_onehot


def normalize(mx):
    rowsum = np.array(mx.sum(1))
    r_inv = np.power(rowsum, -1).flatten()
    r_inv[np.isinf(r_inv)] = 0.
    r_mat_inv = np.diag(r_inv)
    mx = r_mat_inv.dot(mx)
    return mx


def accuracy(output, labels):
    preds = output.max(1)[1].type_as(labels)
    correct = preds.eq(labels).double()
    correct = correct.sum()
    return correct / len(labels)


def load_data(n_nodes=140, n_feats=40, n_classes=4, seed=7):
    rng = np.random.RandomState(seed)
    labels_raw = [f"class_{i}" for i in rng.randint(0, n_classes, n_nodes)]
    onehot = encode_onehot(labels_raw)
    cls = onehot.argmax(1)
    centers = rng.rand(n_classes, n_feats) < 0.15
    feats = ((rng.rand(n_nodes, n_feats) < 0.05) | (centers[cls] & (rng.rand(n_nodes, n_feats) < 0.7)))
    features = feats.astype(np.float32)
    edges = []
    for i in range(n_nodes):
        for j in range(i + 1, n_nodes):
            p = 0.08 if cls[i] == cls[j] else 0.01
            if rng.rand() < p:
                edges.append((i, j))
    edges = np.array(edges)
    adj = np.zeros((n_nodes, n_nodes), dtype=np.float32)
    adj[edges[:, 0], edges[:, 1]] = 1
    upper = adj.T > adj
    adj = adj + adj.T * upper - adj * upper
    features = normalize(features)
    adj = normalize(adj + np.eye(adj.shape[0]))
    idx_train = range(40)
    idx_val = range(40, 80)
    idx_test = range(80, 140)
    features = torch.FloatTensor(np.array(features))
    labels = torch.LongTensor(np.where(onehot)[1])
    adj = torch.FloatTensor(adj)
    idx_train = torch.LongTensor(idx_train)
    idx_val = torch.LongTensor(idx_val)
    idx_test = torch.LongTensor(idx_test)
    print(f"Loading synthetic dataset: {len(edges)} edges, {features.shape} features")
    return adj, features, labels, idx_train, idx_val, idx_test


class GraphConvolution(Module):
    def __init__(self, in_features, out_features, bias=True):
        super(GraphConvolution, self).__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(torch.FloatTensor(in_features, out_features))
        if bias:
            self.bias = Parameter(torch.FloatTensor(out_features))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1. / math.sqrt(self.weight.size(1))
        self.weight.data.uniform_(-stdv, stdv)
        if self.bias is not None:
            self.bias.data.uniform_(-stdv, stdv)

    def forward(self, input, adj):
        support = torch.mm(input, self.weight)
        output = torch.spmm(adj, support)
        if self.bias is not None:
            return output + self.bias
        else:
            return output

    def __repr__(self):
        return self.__class__.__name__ + " (" + str(self.in_features) + " -> " + str(self.out_features) + ")"


class GCN(nn.Module):
    def __init__(self, nfeat, nhid, nclass, dropout):
        super(GCN, self).__init__()
        self.gc1 = GraphConvolution(nfeat, nhid)
        self.gc2 = GraphConvolution(nhid, nclass)
        self.dropout = dropout

    def forward(self, x, adj):
        x = F.relu(self.gc1(x, adj))
        x = F.dropout(x, self.dropout, training=self.training)
        x = self.gc2(x, adj)
        return F.log_softmax(x, dim=1)


class GraphAttentionLayer(nn.Module):
    def __init__(self, in_features, out_features, dropout, alpha, concat=True):
        super(GraphAttentionLayer, self).__init__()
        self.dropout = dropout
        self.in_features = in_features
        self.out_features = out_features
        self.alpha = alpha
        self.concat = concat
        self.W = nn.Parameter(torch.empty(size=(in_features, out_features)))
        nn.init.xavier_uniform_(self.W.data, gain=1.414)
        self.a = nn.Parameter(torch.empty(size=(2 * out_features, 1)))
        nn.init.xavier_uniform_(self.a.data, gain=1.414)
        self.leakyrelu = nn.LeakyReLU(self.alpha)

    def forward(self, h, adj):
        Wh = torch.mm(h, self.W)
        e = self._prepare_attentional_mechanism_input(Wh)
        zero_vec = -9e15 * torch.ones_like(e)
        attention = torch.where(adj > 0, e, zero_vec)
        attention = F.softmax(attention, dim=1)
        attention = F.dropout(attention, self.dropout, training=self.training)
        h_prime = torch.matmul(attention, Wh)
        if self.concat:
            return F.elu(h_prime)
        else:
            return h_prime

    def _prepare_attentional_mechanism_input(self, Wh):
        Wh1 = torch.matmul(Wh, self.a[:self.out_features, :])
        Wh2 = torch.matmul(Wh, self.a[self.out_features:, :])
        e = Wh1 + Wh2.T
        return self.leakyrelu(e)

    def __repr__(self):
        return self.__class__.__name__ + " (" + str(self.in_features) + " -> " + str(self.out_features) + ")"


class GAT(nn.Module):
    def __init__(self, nfeat, nhid, nclass, dropout, alpha, nheads):
        super(GAT, self).__init__()
        self.dropout = dropout
        self.attentions = [GraphAttentionLayer(nfeat, nhid, dropout=dropout, alpha=alpha, concat=True)
                           for _ in range(nheads)]
        for i, attention in enumerate(self.attentions):
            self.add_module("attention_{}".format(i), attention)
        self.out_att = GraphAttentionLayer(nhid * nheads, nclass, dropout=dropout, alpha=alpha, concat=False)

    def forward(self, x, adj):
        x = F.dropout(x, self.dropout, training=self.training)
        x = torch.cat([att(x, adj) for att in self.attentions], dim=1)
        x = F.dropout(x, self.dropout, training=self.training)
        x = F.elu(self.out_att(x, adj))
        return F.log_softmax(x, dim=1)


np.random.seed(42)  # noqa: NPY002 - train.py's seeding
torch.manual_seed(42)
adj, features, labels, idx_train, idx_val, idx_test = load_data()
print("adj row sums", adj.sum(1)[:5], "features row sums", features.sum(1)[:3])


def run(model, optimizer, epochs, tag):
    def train(epoch):
        model.train()
        optimizer.zero_grad()
        output = model(features, adj)
        loss_train = F.nll_loss(output[idx_train], labels[idx_train])
        acc_train = accuracy(output[idx_train], labels[idx_train])
        loss_train.backward()
        optimizer.step()
        model.eval()
        output = model(features, adj)
        loss_val = F.nll_loss(output[idx_val], labels[idx_val])
        acc_val = accuracy(output[idx_val], labels[idx_val])
        if epoch % 10 == 0:
            print(f"{tag} Epoch: {epoch + 1:04d}", "loss_train: {:.4f}".format(loss_train.item()),
                  "acc_train: {:.4f}".format(acc_train.item()), "loss_val: {:.4f}".format(loss_val.item()),
                  "acc_val: {:.4f}".format(acc_val.item()))
        return loss_val.data.item()

    def test():
        model.eval()
        output = model(features, adj)
        loss_test = F.nll_loss(output[idx_test], labels[idx_test])
        acc_test = accuracy(output[idx_test], labels[idx_test])
        print(f"{tag} Test set results:", "loss= {:.4f}".format(loss_test.item()),
              "accuracy= {:.4f}".format(acc_test.item()), acc_test.dtype)

    for epoch in range(epochs):
        train(epoch)
    print(f"{tag} Optimization Finished!")
    test()


model = GCN(nfeat=features.shape[1], nhid=16, nclass=labels.max().item() + 1, dropout=0.5)
print(model)
optimizer = optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
run(model, optimizer, 60, "gcn")

torch.manual_seed(72)
gat = GAT(nfeat=features.shape[1], nhid=8, nclass=int(labels.max()) + 1, dropout=0.6, alpha=0.2, nheads=4)
print(gat)
optimizer = optim.Adam(gat.parameters(), lr=0.005, weight_decay=5e-4)
run(gat, optimizer, 40, "gat")
