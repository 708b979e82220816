"""Metric learning and the knowledge-distillation tutorial on the bundled
digits: batch-hard triplet mining from a pairwise distance matrix (the
_pairwise_distances trick with diag, clamp and a zero-distance mask, masks
from labels.unsqueeze(0) == labels.unsqueeze(1) with eye removed, hardest
positive by max and hardest negative by max-plus-masking then min), an
ArcFace head (F.normalize of features and weights, acos-free cos(theta + m)
by the angle-addition identity, torch.where(cos > th, ...), one_hot scatter_),
a center loss with centers updated by index_add_, then pytorch/tutorials'
knowledge distillation: soft targets (softmax / log_softmax with T and the
T**2 scale), CosineEmbeddingLoss between avg_pool1d-ed hidden
representations, and an MSE on feature maps through a learnable regressor;
recall@1 by cdist + topk. Seeded: every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

pixels, labels = digits()
X = torch.tensor(pixels, dtype=torch.float32).view(-1, 1, 8, 8) / 16.0
# jitter: the digits' many exactly equal patches make max-pool ties, which float rounding breaks either way
X = X + 0.02 * torch.rand(X.shape, generator=torch.Generator().manual_seed(7))
Y = torch.tensor(labels)
X_tr, Y_tr, X_te, Y_te = X[:600], Y[:600], X[1500:1700], Y[1500:1700]


def _pairwise_distances(embeddings, squared=False):
    dot_product = torch.matmul(embeddings, embeddings.t())
    square_norm = torch.diag(dot_product)
    distances = square_norm.unsqueeze(0) - 2.0 * dot_product + square_norm.unsqueeze(1)
    distances = distances.clamp(min=0.0)
    if not squared:
        mask = distances.eq(0).float()
        distances = distances + mask * 1e-16
        distances = (1.0 - mask) * torch.sqrt(distances)
    return distances


def _get_anchor_positive_triplet_mask(labels):
    indices_equal = torch.eye(labels.size(0), dtype=torch.bool, device=labels.device)
    indices_not_equal = ~indices_equal
    labels_equal = labels.unsqueeze(0) == labels.unsqueeze(1)
    return labels_equal & indices_not_equal


def _get_anchor_negative_triplet_mask(labels):
    return ~(labels.unsqueeze(0) == labels.unsqueeze(1))


def batch_hard_triplet_loss(labels, embeddings, margin, squared=False):
    pairwise_dist = _pairwise_distances(embeddings, squared=squared)
    mask_anchor_positive = _get_anchor_positive_triplet_mask(labels).float()
    anchor_positive_dist = mask_anchor_positive * pairwise_dist
    hardest_positive_dist, _ = anchor_positive_dist.max(1, keepdim=True)
    mask_anchor_negative = _get_anchor_negative_triplet_mask(labels).float()
    max_anchor_negative_dist, _ = pairwise_dist.max(1, keepdim=True)
    anchor_negative_dist = pairwise_dist + max_anchor_negative_dist * (1.0 - mask_anchor_negative)
    hardest_negative_dist, _ = anchor_negative_dist.min(1, keepdim=True)
    tl = hardest_positive_dist - hardest_negative_dist + margin
    tl = F.relu(tl)
    return tl.mean(), (tl > 0).float().mean()


class Embedder(nn.Module):
    def __init__(self, dim=16):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                                      nn.Flatten())
        self.fc = nn.Linear(32, dim)

    def forward(self, x):
        return self.fc(self.features(x))


class ArcMarginProduct(nn.Module):
    def __init__(self, in_features, out_features, s=16.0, m=0.30, easy_margin=False):
        super().__init__()
        self.s, self.m = s, m
        self.weight = nn.Parameter(torch.FloatTensor(out_features, in_features))
        nn.init.xavier_uniform_(self.weight)
        self.easy_margin = easy_margin
        self.cos_m, self.sin_m = math.cos(m), math.sin(m)
        self.th = math.cos(math.pi - m)
        self.mm = math.sin(math.pi - m) * m

    def forward(self, input, label):
        cosine = F.linear(F.normalize(input), F.normalize(self.weight))
        sine = torch.sqrt((1.0 - torch.pow(cosine, 2)).clamp(0, 1))
        phi = cosine * self.cos_m - sine * self.sin_m
        if self.easy_margin:
            phi = torch.where(cosine > 0, phi, cosine)
        else:
            phi = torch.where(cosine > self.th, phi, cosine - self.mm)
        one_hot = torch.zeros(cosine.size(), device=input.device)
        one_hot.scatter_(1, label.view(-1, 1).long(), 1)
        output = (one_hot * phi) + ((1.0 - one_hot) * cosine)
        return output * self.s


class CenterLoss(nn.Module):
    def __init__(self, num_classes, feat_dim, alpha=0.5):
        super().__init__()
        self.register_buffer("centers", torch.zeros(num_classes, feat_dim))
        self.alpha = alpha

    def forward(self, x, labels):
        centers_batch = self.centers.index_select(0, labels)
        loss = (x - centers_batch).pow(2).sum(1).mean() / 2
        with torch.no_grad():
            diff = centers_batch - x
            counts = torch.bincount(labels, minlength=self.centers.size(0)).float()
            delta = torch.zeros_like(self.centers).index_add_(0, labels, diff)
            delta = delta / (1 + counts.unsqueeze(1))
            self.centers -= self.alpha * delta
        return loss


@torch.no_grad()
def recall_at_1(model):
    model.eval()
    emb = F.normalize(model(X_te.to(next(model.parameters()).dtype)), dim=1)
    d = torch.cdist(emb, emb)
    d.fill_diagonal_(float("inf"))
    nn_idx = d.topk(1, largest=False).indices.squeeze(1)
    model.train()
    return (Y_te[nn_idx] == Y_te).float().mean().item()


embeddings = torch.tensor([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]])
print("pairwise", _pairwise_distances(embeddings).tolist(), "squared", _pairwise_distances(embeddings, True).tolist())
lbl = torch.tensor([0, 0, 1, 1, 2])
print("ap mask\n", _get_anchor_positive_triplet_mask(lbl).int(), "\nan mask rows", _get_anchor_negative_triplet_mask(lbl).sum(1).tolist())

loader = DataLoader(TensorDataset(X_tr, Y_tr), batch_size=60, shuffle=True,
                    generator=torch.Generator().manual_seed(0))
torch.manual_seed(1)
# float64: the dot-product distance trick cancels digits, which sqrt's gradient then amplifies
triplet_model = Embedder().double()
torch.manual_seed(1)
arc_model, arc_head = Embedder(), ArcMarginProduct(16, 10)
center = CenterLoss(10, 16)
opt_t = torch.optim.Adam(triplet_model.parameters(), lr=3e-3)
opt_a = torch.optim.Adam(list(arc_model.parameters()) + list(arc_head.parameters()), lr=3e-3)
for epoch in range(3):
    for xb, yb in loader:
        loss_t, frac = batch_hard_triplet_loss(yb, triplet_model(xb.double()), margin=0.5)
        opt_t.zero_grad()
        loss_t.backward()
        opt_t.step()
        feats = arc_model(xb)
        loss_a = F.cross_entropy(arc_head(feats, yb), yb) + 0.01 * center(feats, yb)
        opt_a.zero_grad()
        loss_a.backward()
        opt_a.step()
    print(f"epoch {epoch} | triplet {loss_t.item():.6f} active {frac.item():.4f} | recall@1 "
          f"{recall_at_1(triplet_model):.4f} | arcface {loss_a.item():.6f} recall@1 {recall_at_1(arc_model):.4f}")
print("center norms", [round(v, 5) for v in center.centers.norm(dim=1)[:4].tolist()])
with torch.no_grad():
    cos = F.linear(F.normalize(arc_model(X_te)), F.normalize(arc_head.weight))
    print(f"arcface test accuracy {(cos.argmax(1) == Y_te).float().mean().item():.4f}",
          f"mean target angle {torch.rad2deg(torch.acos(cos.gather(1, Y_te[:, None]).clamp(-1, 1))).mean().item():.4f}")


# ------------------------------------------------------------------ knowledge distillation tutorial
class DeepNN(nn.Module):
    def __init__(self, num_classes=10):
        super(DeepNN, self).__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(16, 16, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2))
        self.classifier = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, num_classes))

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


class LightNN(nn.Module):
    def __init__(self, num_classes=10):
        super(LightNN, self).__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(16, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2))
        self.classifier = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, num_classes))

    def forward(self, x):
        x = self.features(x)
        flattened_conv_output = torch.flatten(x, 1)
        x = self.classifier(flattened_conv_output)
        flattened_conv_output_after_pooling = F.avg_pool1d(flattened_conv_output, 2)
        return x, flattened_conv_output_after_pooling, self.features(torch.zeros(0, 1, 8, 8)).shape


class DeepNNCosine(DeepNN):
    def forward(self, x):
        x = self.features(x)
        flattened_conv_output = torch.flatten(x, 1)
        x = self.classifier(flattened_conv_output)
        flattened_conv_output_after_pooling = F.avg_pool1d(flattened_conv_output, 2)
        return x, flattened_conv_output_after_pooling


class ModifiedLightNNRegressor(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(16, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2))
        self.regressor = nn.Sequential(nn.Conv2d(8, 8, kernel_size=3, padding=1))
        self.classifier = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, num_classes))

    def forward(self, x):
        x = self.features(x)
        regressor_output = self.regressor(x)
        x = torch.flatten(x, 1)
        return self.classifier(x), regressor_output


def train(model, loader, epochs, learning_rate):
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    model.train()
    for epoch in range(epochs):
        running_loss = 0.0
        for inputs, labels in loader:
            optimizer.zero_grad()
            outputs = model(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
    print(f"teacher loss: {running_loss / len(loader):.6f}")


def test(model, extra=False):
    model.eval()
    with torch.no_grad():
        outputs = model(X_te)
        if isinstance(outputs, tuple):
            outputs = outputs[0]
        _, predicted = torch.max(outputs.data, 1)
        return 100 * (predicted == Y_te).sum().item() / Y_te.size(0)


def train_knowledge_distillation(teacher, student, loader, epochs, learning_rate, T, soft_target_loss_weight,
                                 ce_loss_weight):
    ce_loss = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(student.parameters(), lr=learning_rate)
    teacher.eval()
    student.train()
    for epoch in range(epochs):
        running_loss = 0.0
        for inputs, labels in loader:
            optimizer.zero_grad()
            with torch.no_grad():
                teacher_logits = teacher(inputs)
            student_logits = student(inputs)[0]
            soft_targets = nn.functional.softmax(teacher_logits / T, dim=-1)
            soft_prob = nn.functional.log_softmax(student_logits / T, dim=-1)
            soft_targets_loss = torch.sum(soft_targets * (soft_targets.log() - soft_prob)) / soft_prob.size()[0] * (T ** 2)
            label_loss = ce_loss(student_logits, labels)
            loss = soft_target_loss_weight * soft_targets_loss + ce_loss_weight * label_loss
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        print(f"KD epoch {epoch + 1}/{epochs}, loss: {running_loss / len(loader):.6f}")


def train_cosine_loss(teacher, student, loader, epochs, learning_rate, hidden_rep_loss_weight, ce_loss_weight):
    ce_loss = nn.CrossEntropyLoss()
    cosine_loss = nn.CosineEmbeddingLoss()
    optimizer = torch.optim.Adam(student.parameters(), lr=learning_rate)
    teacher.eval()
    student.train()
    for epoch in range(epochs):
        running_loss = 0.0
        for inputs, labels in loader:
            optimizer.zero_grad()
            with torch.no_grad():
                _, teacher_hidden_representation = teacher(inputs)
            student_logits, student_hidden_representation, _ = student(inputs)
            hidden_rep_loss = cosine_loss(student_hidden_representation, teacher_hidden_representation,
                                          target=torch.ones(inputs.size(0)))
            label_loss = ce_loss(student_logits, labels)
            loss = hidden_rep_loss_weight * hidden_rep_loss + ce_loss_weight * label_loss
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        print(f"cosine epoch {epoch + 1}/{epochs}, loss: {running_loss / len(loader):.6f}")


def train_mse_loss(teacher, student, loader, epochs, learning_rate, feature_map_weight, ce_loss_weight):
    ce_loss = nn.CrossEntropyLoss()
    mse_loss = nn.MSELoss()
    optimizer = torch.optim.Adam(student.parameters(), lr=learning_rate)
    teacher.eval()
    student.train()
    for epoch in range(epochs):
        running_loss = 0.0
        for inputs, labels in loader:
            optimizer.zero_grad()
            with torch.no_grad():
                teacher_feature_map = teacher.features(inputs)
            student_logits, regressor_feature_map = student(inputs)
            hidden_rep_loss = mse_loss(regressor_feature_map, teacher_feature_map)
            label_loss = ce_loss(student_logits, labels)
            loss = feature_map_weight * hidden_rep_loss + ce_loss_weight * label_loss
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        print(f"mse epoch {epoch + 1}/{epochs}, loss: {running_loss / len(loader):.6f}")


torch.manual_seed(42)
nn_deep = DeepNN()
train(nn_deep, loader, epochs=3, learning_rate=3e-3)
test_accuracy_deep = test(nn_deep)
torch.manual_seed(42)
nn_light = LightNN()
torch.manual_seed(42)
new_nn_light = LightNN()
print("Norm of 1st layer of nn_light:", f"{torch.norm(nn_light.features[0].weight).item():.6f}")
print("Norm of 1st layer of new_nn_light:", f"{torch.norm(new_nn_light.features[0].weight).item():.6f}")
total_params_deep = "{:,}".format(sum(p.numel() for p in nn_deep.parameters()))
total_params_light = "{:,}".format(sum(p.numel() for p in nn_light.parameters()))
print(f"DeepNN parameters: {total_params_deep}", f"LightNN parameters: {total_params_light}",
      "empty batch features", nn_light(X_te[:1])[2])
train_knowledge_distillation(teacher=nn_deep, student=new_nn_light, loader=loader, epochs=2, learning_rate=3e-3, T=2,
                             soft_target_loss_weight=0.25, ce_loss_weight=0.75)
print(f"Teacher accuracy: {test_accuracy_deep:.2f}%  Student accuracy with KD: {test(new_nn_light):.2f}%")

torch.manual_seed(42)
nn_deep_cos = DeepNNCosine()
nn_deep_cos.load_state_dict(nn_deep.state_dict())
print(f"cosine teacher accuracy {test(nn_deep_cos):.2f}%")
sample_input = X_te[:2]
print("teacher hidden", nn_deep_cos(sample_input)[1].shape, "student hidden", nn_light(sample_input)[1].shape)
torch.manual_seed(42)
modified_nn_light = LightNN()
train_cosine_loss(nn_deep_cos, modified_nn_light, loader, epochs=2, learning_rate=3e-3, hidden_rep_loss_weight=0.25,
                  ce_loss_weight=0.75)
print(f"Student accuracy with CosineLoss: {test(modified_nn_light):.2f}%")
torch.manual_seed(42)
modified_nn_light_reg = ModifiedLightNNRegressor()
train_mse_loss(nn_deep, modified_nn_light_reg, loader, epochs=2, learning_rate=3e-3, feature_map_weight=0.25,
               ce_loss_weight=0.75)
print(f"Student accuracy with MSE feature maps: {test(modified_nn_light_reg):.2f}%")
