"""K-fold cross-validation as the blog tutorials write it: folds from a shuffled
index (torch.randperm / tensor_split), SubsetRandomSampler loaders per fold, a
reset_weights() that calls reset_parameters() on every layer that has one,
per-fold accuracy printed and averaged, a results dict, the best fold's
state_dict kept, then a hyperparameter grid over learning rates."""

import torch
from torch import nn
from torch.utils.data import DataLoader, SubsetRandomSampler, TensorDataset

torch.set_num_threads(1)
torch.manual_seed(42)

n = 200
X = torch.randn(n, 6)
w_true = torch.tensor([1.0, -1.0, 0.5, 0.0, 2.0, -0.5])
y = ((X @ w_true + 0.3 * torch.randn(n)) > 0).long()
dataset = TensorDataset(X, y)
print("positives", y.sum().item(), "of", n)

k_folds = 5
num_epochs = 6
loss_function = nn.CrossEntropyLoss()
results = {}
indices = torch.randperm(n)
folds = torch.tensor_split(indices, k_folds)
print([len(f) for f in folds], folds[0][:6])


def reset_weights(m):
    for layer in m.children():
        if hasattr(layer, "reset_parameters"):
            print(f"Reset trainable parameters of layer = {layer}")
            layer.reset_parameters()


class SimpleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 2))

    def forward(self, x):
        return self.layers(x)


network = SimpleNet()
best_state, best_acc = None, -1.0
print("--------------------------------")
for fold in range(k_folds):
    print(f"FOLD {fold}")
    print("--------------------------------")
    test_ids = folds[fold]
    train_ids = torch.cat([folds[j] for j in range(k_folds) if j != fold])
    g = torch.Generator().manual_seed(fold)
    train_subsampler = SubsetRandomSampler(train_ids.tolist(), generator=g)
    test_subsampler = SubsetRandomSampler(test_ids.tolist(), generator=g)
    trainloader = DataLoader(dataset, batch_size=20, sampler=train_subsampler)
    testloader = DataLoader(dataset, batch_size=20, sampler=test_subsampler)
    network.layers.apply(reset_weights) if fold == 0 else reset_weights(network.layers)
    optimizer = torch.optim.Adam(network.parameters(), lr=1e-2)
    for epoch in range(num_epochs):
        current_loss = 0.0
        for i, (inputs, targets) in enumerate(trainloader):
            optimizer.zero_grad()
            outputs = network(inputs)
            loss = loss_function(outputs, targets)
            loss.backward()
            optimizer.step()
            current_loss += loss.item()
        if epoch % 2 == 1:
            print(f"Epoch {epoch + 1}: loss after {i + 1} mini-batches {current_loss / (i + 1):.3f}")
    correct, total = 0, 0
    with torch.no_grad():
        for inputs, targets in testloader:
            outputs = network(inputs)
            _, predicted = torch.max(outputs.data, 1)
            total += targets.size(0)
            correct += (predicted == targets).sum().item()
    acc = 100.0 * correct / total
    print(f"Accuracy for fold {fold}: {acc:.1f} %")
    print("--------------------------------")
    results[fold] = acc
    if acc > best_acc:
        best_acc = acc
        best_state = {k: v.clone() for k, v in network.state_dict().items()}

print(f"K-FOLD CROSS VALIDATION RESULTS FOR {k_folds} FOLDS")
print("--------------------------------")
total = 0.0
for key, value in results.items():
    print(f"Fold {key}: {value} %")
    total += value
print(f"Average: {total / len(results)} %")
accs = torch.tensor(list(results.values()))
print(f"mean {accs.mean():.2f} std {accs.std():.2f}")
network.load_state_dict(best_state)
with torch.no_grad():
    full_acc = (network(X).argmax(1) == y).float().mean()
print("best fold", max(results, key=results.get), f"full-data accuracy {full_acc:.3f}")

for lr in [1e-3, 1e-2, 1e-1]:
    scores = []
    for fold in range(k_folds):
        torch.manual_seed(fold)
        model = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 2))
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        test_ids = folds[fold]
        train_ids = torch.cat([folds[j] for j in range(k_folds) if j != fold])
        for step in range(30):
            opt.zero_grad()
            loss_function(model(X[train_ids]), y[train_ids]).backward()
            opt.step()
        with torch.no_grad():
            scores.append((model(X[test_ids]).argmax(1) == y[test_ids]).float().mean().item())
    print(f"lr {lr:g}: fold accuracies {[round(s, 3) for s in scores]} mean {sum(scores) / k_folds:.4f}")
