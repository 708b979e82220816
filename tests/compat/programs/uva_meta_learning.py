"""The UvA deep learning tutorial 16 (meta-learning: learning to learn),
written its way at a small size on the bundled digits (classes 0-5 to
meta-train, 6-9 to meta-test) with a small CNN in place of the DenseNet:
FewShotBatchSampler (indices per class by torch.where, torch.randperm and
random.shuffle, index batches of 0-d tensors, query interleaving by slicing
the index list), a DataLoader with batch_sampler=, split_batch by chunk,
Prototypical Networks (prototypes from torch.unique(...).sort() and class
means, squared distances by broadcasting, log_softmax of -dist, labels by
(classes[None] == targets[:, None]).long().argmax), and ProtoMAML's
first-order inner loop (deepcopy of the model, a local SGD, an output
layer initialised from 2 * prototypes and -||p||^2 with
.detach().requires_grad_(), .data updates and grad.fill_(0), the
straight-through (w - w0).detach() + w0 trick, the local gradients added to
the global ones with p_global.grad += p_local.grad). Seeded: every number
agrees."""

import random
from collections import defaultdict
from copy import deepcopy

import _data
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torch.utils.data as data

torch.set_num_threads(1)
device = torch.device("cpu")
random.seed(42)
torch.manual_seed(42)

pixels, labels = _data.digits()
images = torch.from_numpy(pixels.astype(np.float32) / 16.0).view(-1, 1, 8, 8)
targets = torch.from_numpy(labels)
train_mask, test_mask = targets < 6, targets >= 6
train_set = data.TensorDataset(images[train_mask][:180], targets[train_mask][:180])
test_set = data.TensorDataset(images[test_mask][:120], targets[test_mask][:120])
print("train", len(train_set), torch.unique(train_set.tensors[1]).tolist(), "test", len(test_set),
      torch.unique(test_set.tensors[1]).tolist())


class FewShotBatchSampler:
    def __init__(self, dataset_targets, N_way, K_shot, include_query=False, shuffle=True, shuffle_once=False):
        """
        Inputs:
            dataset_targets - PyTorch tensor of the labels of the data elements.
            N_way - Number of classes to sample per batch.
            K_shot - Number of examples to sample per class in the batch.
            include_query - If True, returns batch of size N_way*K_shot*2, which
                            can be split into support and query set.
            shuffle - If True, examples and classes are newly shuffled in each
                      iteration (for training)
            shuffle_once - If True, examples and classes are shuffled once in
                           the beginning, but kept constant across iterations
                           (for validation)
        """
        super().__init__()
        self.dataset_targets = dataset_targets
        self.N_way = N_way
        self.K_shot = K_shot
        self.shuffle = shuffle
        self.include_query = include_query
        if self.include_query:
            self.K_shot *= 2
        self.batch_size = self.N_way * self.K_shot
        self.classes = torch.unique(self.dataset_targets).tolist()
        self.num_classes = len(self.classes)
        self.indices_per_class = {}
        self.batches_per_class = {}
        for c in self.classes:
            self.indices_per_class[c] = torch.where(self.dataset_targets == c)[0]
            self.batches_per_class[c] = self.indices_per_class[c].shape[0] // self.K_shot
        self.iterations = sum(self.batches_per_class.values()) // self.N_way
        self.class_list = [c for c in self.classes for _ in range(self.batches_per_class[c])]
        if shuffle_once or self.shuffle:
            self.shuffle_data()
        else:
            sort_idxs = [
                i + p * self.num_classes for i, c in enumerate(self.classes) for p in range(self.batches_per_class[c])
            ]
            self.class_list = np.array(self.class_list)[np.argsort(sort_idxs)].tolist()

    def shuffle_data(self):
        for c in self.classes:
            perm = torch.randperm(self.indices_per_class[c].shape[0])
            self.indices_per_class[c] = self.indices_per_class[c][perm]
        random.shuffle(self.class_list)

    def __iter__(self):
        if self.shuffle:
            self.shuffle_data()
        start_index = defaultdict(int)
        for it in range(self.iterations):
            class_batch = self.class_list[it * self.N_way : (it + 1) * self.N_way]
            index_batch = []
            for c in class_batch:
                index_batch.extend(self.indices_per_class[c][start_index[c] : start_index[c] + self.K_shot])
                start_index[c] += self.K_shot
            if self.include_query:
                index_batch = index_batch[::2] + index_batch[1::2]
            yield index_batch

    def __len__(self):
        return self.iterations


N_WAY = 3
K_SHOT = 2
train_data_loader = data.DataLoader(
    train_set,
    batch_sampler=FewShotBatchSampler(train_set.tensors[1], include_query=True, N_way=N_WAY, K_shot=K_SHOT,
                                      shuffle=True),
    num_workers=0,
)
val_data_loader = data.DataLoader(
    test_set,
    batch_sampler=FewShotBatchSampler(test_set.tensors[1], include_query=True, N_way=N_WAY, K_shot=K_SHOT,
                                      shuffle=False, shuffle_once=True),
    num_workers=0,
)
print("iterations", len(train_data_loader), len(val_data_loader))
imgs, tgts = next(iter(val_data_loader))
print("first val batch", imgs.shape, tgts.tolist())


def split_batch(imgs, targets):
    support_imgs, query_imgs = imgs.chunk(2, dim=0)
    support_targets, query_targets = targets.chunk(2, dim=0)
    return support_imgs, query_imgs, support_targets, query_targets


def get_convnet(output_size):
    return nn.Sequential(
        nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, kernel_size=3, padding=1), nn.ReLU(), nn.Flatten(),
        nn.Linear(16 * 4 * 4, output_size),
    )


class ProtoNet(nn.Module):
    def __init__(self, proto_dim, lr):
        super().__init__()
        self.hparams = dict(proto_dim=proto_dim, lr=lr)
        self.model = get_convnet(output_size=proto_dim)

    @staticmethod
    def calculate_prototypes(features, targets):
        classes, _ = torch.unique(targets).sort()
        prototypes = []
        for c in classes:
            p = features[torch.where(targets == c)[0]].mean(dim=0)
            prototypes.append(p)
        prototypes = torch.stack(prototypes, dim=0)
        return prototypes, classes

    def classify_feats(self, prototypes, classes, feats, targets):
        dist = torch.pow(prototypes[None, :] - feats[:, None], 2).sum(dim=2)
        preds = F.log_softmax(-dist, dim=1)
        labels = (classes[None, :] == targets[:, None]).long().argmax(dim=-1)
        acc = (preds.argmax(dim=1) == labels).float().mean()
        return preds, labels, acc

    def calculate_loss(self, batch, mode):
        imgs, targets = batch
        features = self.model(imgs)
        support_feats, query_feats, support_targets, query_targets = split_batch(features, targets)
        prototypes, classes = ProtoNet.calculate_prototypes(support_feats, support_targets)
        preds, labels, acc = self.classify_feats(prototypes, classes, query_feats, query_targets)
        loss = F.cross_entropy(preds, labels)
        return loss, acc


torch.manual_seed(42)
protonet = ProtoNet(proto_dim=16, lr=1e-3)
optimizer = optim.AdamW(protonet.parameters(), lr=protonet.hparams["lr"])
scheduler = optim.lr_scheduler.MultiStepLR(optimizer, milestones=[1], gamma=0.1)
for epoch in range(2):
    protonet.train()
    for step, batch in enumerate(train_data_loader):
        loss, acc = protonet.calculate_loss(batch, mode="train")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 3 == 0:
            print(f"protonet epoch {epoch} step {step} | loss {loss.item():.6f} acc {acc.item():.4f}")
    scheduler.step()
    protonet.eval()
    with torch.no_grad():
        accs = [protonet.calculate_loss(batch, mode="val")[1].item() for batch in val_data_loader]
    print(f"protonet epoch {epoch} | val acc {np.mean(accs):.6f}")
with torch.no_grad():
    feats = protonet.model(test_set.tensors[0][:12])
    prototypes, classes = ProtoNet.calculate_prototypes(feats, test_set.tensors[1][:12])
# (distances, not the prototypes themselves: the last layer's bias moves all features alike, so its
# gradient is rounding noise, which AdamW's normalised steps turn into differences of a whole lr)
print("prototypes", prototypes.shape, classes.tolist(), torch.cdist(prototypes, prototypes)[0])


class ProtoMAML(nn.Module):
    def __init__(self, proto_dim, lr, lr_inner, lr_output, num_inner_steps):
        super().__init__()
        self.hparams = dict(proto_dim=proto_dim, lr=lr, lr_inner=lr_inner, lr_output=lr_output,
                            num_inner_steps=num_inner_steps)
        self.model = get_convnet(output_size=proto_dim)

    def run_model(self, local_model, output_weight, output_bias, imgs, labels):
        feats = local_model(imgs)
        preds = F.linear(feats, output_weight, output_bias)
        loss = F.cross_entropy(preds, labels)
        acc = (preds.argmax(dim=1) == labels).float()
        return loss, preds, acc

    def adapt_few_shot(self, support_imgs, support_targets):
        support_feats = self.model(support_imgs)
        prototypes, classes = ProtoNet.calculate_prototypes(support_feats, support_targets)
        support_labels = (classes[None, :] == support_targets[:, None]).long().argmax(dim=-1)
        local_model = deepcopy(self.model)
        local_model.train()
        local_optim = optim.SGD(local_model.parameters(), lr=self.hparams["lr_inner"])
        local_optim.zero_grad()
        init_weight = 2 * prototypes
        init_bias = -torch.norm(prototypes, dim=1) ** 2
        output_weight = init_weight.detach().requires_grad_()
        output_bias = init_bias.detach().requires_grad_()
        for _ in range(self.hparams["num_inner_steps"]):
            loss, _, _ = self.run_model(local_model, output_weight, output_bias, support_imgs, support_labels)
            loss.backward()
            local_optim.step()
            output_weight.data -= self.hparams["lr_output"] * output_weight.grad
            output_bias.data -= self.hparams["lr_output"] * output_bias.grad
            local_optim.zero_grad()
            output_weight.grad.fill_(0)
            output_bias.grad.fill_(0)
        output_weight = (output_weight - init_weight).detach() + init_weight
        output_bias = (output_bias - init_bias).detach() + init_bias
        return local_model, output_weight, output_bias, classes

    def outer_loop(self, batch, optimizer=None, mode="train"):
        accuracies = []
        losses = []
        self.model.zero_grad()
        for task_batch in batch:
            imgs, targets = task_batch
            support_imgs, query_imgs, support_targets, query_targets = split_batch(imgs, targets)
            local_model, output_weight, output_bias, classes = self.adapt_few_shot(support_imgs, support_targets)
            query_labels = (classes[None, :] == query_targets[:, None]).long().argmax(dim=-1)
            loss, preds, acc = self.run_model(local_model, output_weight, output_bias, query_imgs, query_labels)
            if mode == "train":
                loss.backward()
                for p_global, p_local in zip(self.model.parameters(), local_model.parameters()):
                    p_global.grad += p_local.grad
            accuracies.append(acc.mean().detach())
            losses.append(loss.detach())
        if mode == "train":
            optimizer.step()
            optimizer.zero_grad()
        return sum(losses) / len(losses), sum(accuracies) / len(accuracies)


def task_batches(loader, tasks_per_batch):
    """TaskBatchSampler's grouping: consecutive few-shot batches as one meta-batch."""
    group = []
    for batch in loader:
        group.append(batch)
        if len(group) == tasks_per_batch:
            yield group
            group = []


torch.manual_seed(42)
protomaml = ProtoMAML(proto_dim=16, lr=1e-3, lr_inner=0.1, lr_output=0.1, num_inner_steps=2)
optimizer = optim.AdamW(protomaml.parameters(), lr=protomaml.hparams["lr"])
for epoch in range(2):
    protomaml.train()
    for step, meta_batch in enumerate(task_batches(train_data_loader, tasks_per_batch=4)):
        loss, acc = protomaml.outer_loop(meta_batch, optimizer, mode="train")
        print(f"protomaml epoch {epoch} step {step} | loss {loss.item():.6f} acc {acc.item():.4f}")
    val_losses, val_accs = [], []
    for meta_batch in task_batches(val_data_loader, tasks_per_batch=4):
        torch.set_grad_enabled(True)
        loss, acc = protomaml.outer_loop(meta_batch, mode="val")
        torch.set_grad_enabled(False)
        val_losses.append(loss.item())
        val_accs.append(acc.item())
    torch.set_grad_enabled(True)
    print(f"protomaml epoch {epoch} | val loss {np.mean(val_losses):.6f} val acc {np.mean(val_accs):.6f}")
grads = [p.grad for p in protomaml.model.parameters()]
print("global grads zeroed", all(g is None or g.abs().sum().item() == 0 for g in grads),
      "first weight", protomaml.model[0].weight[0, 0, 0].tolist())
