"""Attention-based deep multiple-instance learning (Ilse et al.), as the MIL tutorials write it: bags of
variable size as a Dataset of tensors, a DataLoader with batch_size=1, the gated attention pooling
(tanh * sigmoid branches, softmax over the instances), a Subset / random_split train-test split on a
seeded generator, Adam with weight_decay and betas=(0.9, 0.999), the bag-level error, the instance-level
attention ranking of the positive instances, and the same model with mean and max pooling for contrast."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset, Subset, random_split

torch.manual_seed(0)
torch.set_num_threads(1)


class Bags(Dataset):
    # a bag is positive when it holds at least one instance drawn around the "key" prototype
    def __init__(self, n_bags, gen):
        self.bags, self.labels, self.keys = [], [], []
        protos = torch.randn(4, 6, generator=gen)
        for _ in range(n_bags):
            size = int(torch.randint(4, 11, (1,), generator=gen))
            kinds = torch.randint(1, 4, (size,), generator=gen)
            if torch.rand(1, generator=gen).item() < 0.5:
                n_key = int(torch.randint(1, 3, (1,), generator=gen))
                kinds[torch.randperm(size, generator=gen)[:n_key]] = 0
            x = protos[kinds] + 0.5 * torch.randn(size, 6, generator=gen)
            self.bags.append(x)
            self.labels.append(torch.tensor(float((kinds == 0).any())))
            self.keys.append(kinds == 0)

    def __len__(self):
        return len(self.bags)

    def __getitem__(self, i):
        return self.bags[i], self.labels[i], self.keys[i]


class MIL(nn.Module):
    def __init__(self, pooling="gated", d=6, hidden=16, att=8):
        super().__init__()
        self.pooling = pooling
        self.feature = nn.Sequential(nn.Linear(d, hidden), nn.ReLU())
        self.attention_V = nn.Linear(hidden, att)
        self.attention_U = nn.Linear(hidden, att)
        self.attention_w = nn.Linear(att, 1)
        self.classifier = nn.Linear(hidden, 1)

    def forward(self, x):
        h = self.feature(x.squeeze(0))  # (K, hidden)
        if self.pooling == "gated":
            a = self.attention_w(torch.tanh(self.attention_V(h)) * torch.sigmoid(self.attention_U(h)))
            a = F.softmax(torch.transpose(a, 1, 0), dim=1)  # (1, K)
            z = torch.mm(a, h)
        elif self.pooling == "mean":
            a, z = None, h.mean(0, keepdim=True)
        else:
            a, z = None, h.max(0, keepdim=True).values
        return self.classifier(z).squeeze(), a


gen = torch.Generator().manual_seed(0)
data = Bags(60, gen)
train_set, test_set = random_split(data, [40, 20], generator=torch.Generator().manual_seed(1))
print("bag sizes", [data[i][0].shape[0] for i in range(6)], "positive share", sum(float(y) for _, y, _ in data) / 60)
first_ten = Subset(data, range(10))
print("subset", len(first_ten), "label of its 3rd", first_ten[2][1].item(), "split", len(train_set), len(test_set))

for pooling in ("gated", "mean", "max"):
    torch.manual_seed(2)
    model = MIL(pooling)
    opt = torch.optim.Adam(model.parameters(), lr=5e-3, betas=(0.9, 0.999), weight_decay=1e-4)
    loader = DataLoader(train_set, batch_size=1, shuffle=True, generator=torch.Generator().manual_seed(3))
    for epoch in range(8):
        total, errors = 0.0, 0
        for x, y, _ in loader:
            logit, _ = model(x)
            loss = F.binary_cross_entropy_with_logits(logit, y.squeeze(0))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            errors += int((logit > 0).float().item() != y.item())
        if epoch % 4 == 3:
            print(f"{pooling} epoch {epoch + 1} | loss {total / len(loader):.5f} | error {errors / len(loader):.4f}")
    model.eval()
    with torch.no_grad():
        test_err = sum(int((model(x.unsqueeze(0))[0] > 0).item() != bool(y)) for x, y, _ in test_set) / 20
        print(f"{pooling} test error {test_err:.4f}")
        if pooling == "gated":
            hits, count = 0, 0
            for x, y, key in test_set:
                if y.item() == 1:
                    _, a = model(x.unsqueeze(0))
                    hits += int(key[a.argmax()].item())
                    count += 1
            x, y, key = test_set[0]
            _, a = model(x.unsqueeze(0))
            print("attention argmax on a key instance", f"{hits}/{count}")
            print("bag 0 attention", [round(v, 4) for v in a.squeeze(0).tolist()], "keys", key.nonzero().flatten().tolist())
