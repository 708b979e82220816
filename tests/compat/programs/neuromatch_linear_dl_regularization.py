"""Neuromatch Academy's deep-learning course, W1D2 (linear deep learning) and W1D5 (regularization),
as its students run the tutorials: the hierarchical "tree of life" items/features data, a deep linear
network (LNNet) with small-std normal init trained by plain SGD on the summed squared error, the
input-output SVD (torch.linalg.svd) and the network's singular-value trajectory along the data's
singular vectors (diag of U^T W_tot V), representational similarity matrices from hidden
activations, illusory correlations; then W1D5's overfitting MLP with train/test curves, the
Frobenius norm of the weights, L1 and L2 penalties added to the loss, dropout versus none, early
stopping on the validation loss with a deep-copied best model, and the weight decay in SGD."""

import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.set_num_threads(1)


def set_seed(seed=None, seed_torch=True):
    if seed is None:
        seed = np.random.choice(2 ** 32)  # noqa: NPY002
    np.random.seed(seed)  # noqa: NPY002 - the course's helper
    if seed_torch:
        torch.manual_seed(seed)
        torch.backends.cudnn.benchmark = False
        torch.backends.cudnn.deterministic = True
    print(f"Random seed {seed} has been set.")


SEED = 2021
set_seed(seed=SEED)
DEVICE = "cpu"

# the tree: 8 items (leaves), features = the path of nodes from the root
label_tensor = torch.tensor([
    [1, 1, 1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 1, 1, 1],
    [1, 1, 0, 0, 0, 0, 0, 0],
    [0, 0, 1, 1, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1, 1],
    [1, 0, 0, 0, 0, 0, 0, 0],
    [0, 1, 0, 0, 0, 0, 0, 0],
    [0, 0, 1, 0, 0, 0, 0, 0],
    [0, 0, 0, 1, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 0, 0, 0],
    [0, 0, 0, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 0, 1],
]).T.float()
item_names = ["Goldfish", "Tuna", "Robin", "Canary", "Rose", "Daisy", "Pine", "Oak"]
feature_tensor = torch.eye(8)
print("labels", label_tensor.shape, label_tensor.dtype, "features", feature_tensor.shape)


class LNNet(nn.Module):
    def __init__(self, in_dim, hid_dim, out_dim):
        super().__init__()
        self.in_hid = nn.Linear(in_dim, hid_dim, bias=False)
        self.hid_out = nn.Linear(hid_dim, out_dim, bias=False)

    def forward(self, x):
        hid = self.in_hid(x)
        out = self.hid_out(hid)
        return out, hid


def initializer_(model, gamma=1e-12):
    for weight in model.parameters():
        n_out, n_in = weight.shape
        sigma = gamma / np.sqrt(n_in + n_out)
        nn.init.normal_(weight, mean=0.0, std=sigma)


def net_svd(model, in_dim):
    W_tot = torch.eye(in_dim)
    for weight in model.parameters():
        W_tot = weight.detach() @ W_tot
    U, SIGMA, Vt = torch.linalg.svd(W_tot)
    return U, SIGMA, Vt


def net_rsm(h):
    rsm = h @ h.T
    return rsm


def train(model, inputs, targets, n_epochs, lr, illusory_i=0):
    in_dim = inputs.size(1)
    losses = np.zeros(n_epochs)
    modes = np.zeros((n_epochs, in_dim))
    rs_mats = []
    illusions = np.zeros(n_epochs)
    optimizer = optim.SGD(model.parameters(), lr=lr)
    for i in range(n_epochs):
        optimizer.zero_grad()
        predictions, hiddens = model(inputs)
        loss = F.mse_loss(predictions, targets)
        loss.backward()
        optimizer.step()
        U, Σ, V = net_svd(model, in_dim)
        illusions[i] = predictions[illusory_i, -1].item()
        losses[i] = loss.item()
        modes[i] = Σ.detach().numpy()
        rs_mats.append(net_rsm(hiddens.detach()))
    return losses, modes, torch.stack(rs_mats, dim=0).numpy(), illusions


# the data's own SVD
dim_input = 8
dim_hidden = 30
dim_output = 15
U, S, Vh = torch.linalg.svd(label_tensor.T @ feature_tensor / 8, full_matrices=False)
print("input-output singular values", S)
print("|first left vector|", U[:, 0].abs(), "sum of |V[0]|", Vh[0].abs().sum())
lr = 8.0
n_epochs = 250
set_seed(SEED)
dlnn_model = LNNet(dim_input, dim_hidden, dim_output)
initializer_(dlnn_model, gamma=1e-6)
losses, modes, rsms, ills = train(dlnn_model, feature_tensor, label_tensor.T.contiguous() if False else label_tensor,
                                  n_epochs, lr)
for epoch in (0, 25, 50, 75, 100, 150, 249):
    print(f"epoch {epoch:3d} loss {losses[epoch]:.6f} modes {np.round(modes[epoch][:4], 4)}")
print("final rsm diag", np.round(np.diag(rsms[-1]), 4))
print("final rsm[0]", np.round(rsms[-1][0], 4))
pred, hid = dlnn_model(feature_tensor)
print("reconstruction error", F.mse_loss(pred, label_tensor).item() < 1e-3)

# the singular values along the data's own singular vectors
W_tot = dlnn_model.hid_out.weight.detach() @ dlnn_model.in_hid.weight.detach()
aligned = torch.diag(U.T @ W_tot.T.T @ Vh.T) if False else torch.diag(U.T @ W_tot @ Vh.T)
print("aligned", aligned.abs())

# illusory correlations: a new feature "can_fly", true for the birds only, learned with the rest
can_fly = torch.tensor([0, 0, 1, 1, 0, 0, 0, 0], dtype=torch.float32).unsqueeze(1)
targets_ill = torch.cat([label_tensor, can_fly], dim=1)
set_seed(SEED)
ill_model = LNNet(dim_input, dim_hidden, dim_output + 1)
initializer_(ill_model, gamma=1e-6)
losses_ill, _, _, ills = train(ill_model, feature_tensor, targets_ill, 150, lr, illusory_i=0)
print("goldfish can_fly trajectory", np.round(ills[::30], 5) + 0.0)
print("final loss", round(float(losses_ill[-1]), 6))

# W1D5: regularization on an over-parameterized MLP
set_seed(SEED)
N = 40
x = torch.linspace(-1, 1, N).view(-1, 1)
y = torch.sin(3 * x) + 0.3 * torch.randn(N, 1)
x_test = torch.linspace(-1, 1, 97).view(-1, 1)
y_test = torch.sin(3 * x_test)
perm = torch.randperm(N)
train_idx, val_idx = perm[:30], perm[30:]


class Net(nn.Module):
    def __init__(self, p=0.0):
        super().__init__()
        self.main = nn.Sequential(nn.Linear(1, 100), nn.ReLU(), nn.Dropout(p), nn.Linear(100, 100), nn.ReLU(),
                                  nn.Dropout(p), nn.Linear(100, 1))

    def forward(self, x):
        return self.main(x)


def calculate_frobenius_norm(model):
    norm = 0.0
    for name, param in model.named_parameters():
        norm += torch.sum(param ** 2)
    norm = norm ** 0.5
    return norm


def l1_reg(model):
    reg = 0
    for param in model.parameters():
        reg += torch.sum(torch.abs(param))
    return reg


def l2_reg(model):
    reg = 0
    for param in model.parameters():
        reg += torch.sum(param ** 2)
    return reg


def run(name, p=0.0, l1=0.0, l2=0.0, wd=0.0, epochs=200, early=False):
    set_seed(SEED)
    model = Net(p)
    print(name, "initial frobenius norm", f"{calculate_frobenius_norm(model).item():.4f}")
    opt = optim.SGD(model.parameters(), lr=0.02, momentum=0.9, weight_decay=wd)
    best_loss, best_model, best_epoch, wait = float("inf"), None, 0, 0
    for epoch in range(epochs):
        model.train()
        opt.zero_grad()
        loss = F.mse_loss(model(x[train_idx]), y[train_idx])
        total = loss
        if l1:
            total = total + l1 * l1_reg(model)
        if l2:
            total = total + l2 * l2_reg(model)
        total.backward()
        opt.step()
        model.eval()
        with torch.no_grad():
            val = F.mse_loss(model(x[val_idx]), y[val_idx]).item()
        if val < best_loss:
            best_loss, best_model, best_epoch, wait = val, copy.deepcopy(model), epoch, 0
        else:
            wait += 1
            if early and wait >= 30:
                print(name, "early stop at", epoch)
                break
        if epoch % 100 == 99:
            print(f"{name} epoch {epoch} train {loss.item():.5f} val {val:.5f}")
    model = best_model if early else model
    with torch.no_grad():
        test = F.mse_loss(model(x_test), y_test).item()
    print(f"{name} best epoch {best_epoch} best val {best_loss:.5f} test {test:.5f} "
          f"norm {calculate_frobenius_norm(model).item():.4f}")


run("plain")
run("l1", l1=1e-4)
run("l2", l2=1e-3)
run("dropout", p=0.3)
run("weight decay", wd=1e-2)
run("early stopping", epochs=300, early=True)
