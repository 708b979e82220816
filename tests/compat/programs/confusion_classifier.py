"""A classification tutorial on three Gaussian blobs: nn.CrossEntropyLoss with
Adam, accuracy per epoch, a confusion matrix built three ways (bincount,
index_put_ with accumulate, a loop), per-class precision/recall/F1, softmax
probabilities and class weights / label smoothing variants of the loss."""

import torch
from torch import nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(3)

num_classes = 3
centers = torch.tensor([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
labels = torch.randint(0, num_classes, (150,))
points = centers[labels] + 1.2 * torch.randn(150, 2)
print(points.shape, labels.shape, labels[:12])
print("class counts", torch.bincount(labels))
perm = torch.randperm(150)
tr, te = perm[:120], perm[120:]
X_train, y_train, X_test, y_test = points[tr], labels[tr], points[te], labels[te]

model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, num_classes))
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)


def accuracy_fn(y_true, y_pred):
    correct = torch.eq(y_true, y_pred).sum().item()
    return (correct / len(y_pred)) * 100


for epoch in range(40):
    model.train()
    logits = model(X_train)
    loss = criterion(logits, y_train)
    acc = accuracy_fn(y_train, logits.argmax(dim=1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 8 == 0:
        model.eval()
        with torch.inference_mode():
            test_logits = model(X_test)
            test_loss = criterion(test_logits, y_test)
            test_acc = accuracy_fn(y_test, test_logits.argmax(dim=1))
        print(f"Epoch: {epoch} | Loss: {loss:.5f}, Acc: {acc:.2f}% | Test loss: {test_loss:.5f}, Test acc: {test_acc:.2f}%")

model.eval()
with torch.no_grad():
    logits = model(points)
probs = torch.softmax(logits, dim=1)
preds = probs.argmax(dim=1)
print(probs[:4])
print(preds[:20])
print(torch.max(probs[:5], 1))

cm = torch.bincount(labels * num_classes + preds, minlength=num_classes ** 2).reshape(num_classes, num_classes)
print("confusion matrix (bincount)\n", cm)
cm2 = torch.zeros(num_classes, num_classes, dtype=torch.long)
cm2.index_put_((labels, preds), torch.ones_like(labels), accumulate=True)
print("index_put_ equal", torch.equal(cm, cm2))
cm3 = torch.zeros(num_classes, num_classes)
for t, p in zip(labels.view(-1), preds.view(-1)):
    cm3[t.long(), p.long()] += 1
print(cm3)
print(cm3.diag() / cm3.sum(1))
tp = cm.diag().float()
precision = tp / cm.sum(0).float()
recall = tp / cm.sum(1).float()
f1 = 2 * precision * recall / (precision + recall)
print("precision", precision)
print("recall", recall)
print("f1", f1, "macro", f1.mean().item())
for i in range(num_classes):
    print(f"class {i}: precision {precision[i]:.3f} recall {recall[i]:.3f} support {cm[i].sum().item()}")
print(f"overall accuracy {100 * tp.sum() / cm.sum():.2f}%")

print("weighted loss", nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5]))(logits, labels))
print("smoothed loss", nn.CrossEntropyLoss(label_smoothing=0.1)(logits, labels))
print("sum loss", F.cross_entropy(logits[:10], labels[:10], reduction="sum"))
print("per-sample", F.cross_entropy(logits[:5], labels[:5], reduction="none"))
print("nll", F.nll_loss(F.log_softmax(logits[:5], 1), labels[:5]))
print("ignore", F.cross_entropy(logits[:6], torch.tensor([0, 1, -100, 2, -100, 1])))
onehot = F.one_hot(labels[:6], num_classes)
print(onehot)
print("soft targets", F.cross_entropy(logits[:6], onehot.float() * 0.9 + 0.1 / 3))
