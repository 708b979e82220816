"""Two short PyTorch tutorials on the bundled digits: "Adversarial Example
Generation" (FGSM: the gradient of the loss with respect to the input,
data.grad.data.sign(), clamp to the valid range, accuracy against epsilon)
and "Knowledge Distillation" (a frozen teacher, a student trained on
KLDivLoss(log_softmax(s/T), softmax(t/T)) * T^2 plus cross entropy, and the
cosine-embedding hidden-representation variant). Fixed weights and batches:
every number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

from _data import digits

torch.set_num_threads(1)

pixels, labels = digits()
x = torch.tensor(pixels, dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0
y = torch.tensor(labels)
x_train, y_train, x_test, y_test = x[:1200], y[:1200], x[1200:1500], y[1200:1500]


def fix(model, phase):
    with torch.no_grad():
        for i, p in enumerate(model.parameters()):
            fan_in = p[0].numel() if p.dim() > 1 else p.numel()
            p.copy_(torch.cos(torch.arange(p.numel(), dtype=torch.float32) * phase + i).reshape(p.shape)
                    / fan_in ** 0.5)
    return model


class Net(nn.Module):
    def __init__(self, width=16):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, width, 3, padding=1)
        self.conv2 = nn.Conv2d(width, 2 * width, 3, padding=1)
        self.fc1 = nn.Linear(2 * width * 4, 64)
        self.fc2 = nn.Linear(64, 10)

    def hidden(self, x):
        x = F.relu(self.conv1(x))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.adaptive_avg_pool2d(x, 2)
        return torch.flatten(x, 1)

    def forward(self, x):
        x = F.relu(self.fc1(self.hidden(x)))
        return F.log_softmax(self.fc2(x), dim=1)


def train(model, epochs, lr=1e-3):
    opt = optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        for b in range(0, 1200, 100):
            opt.zero_grad()
            loss = F.nll_loss(model(x_train[b:b + 100]), y_train[b:b + 100])
            loss.backward()
            opt.step()
    return loss.item()


def accuracy(model, data=x_test):
    with torch.no_grad():
        return (model(data).argmax(1) == y_test).float().mean().item()


model = fix(Net(), 0.9)
print("train loss", round(train(model, 4, 3e-3), 5), "clean accuracy", round(accuracy(model), 4))
model.eval()


# FGSM attack code
def fgsm_attack(image, epsilon, data_grad):
    # Collect the element-wise sign of the data gradient
    sign_data_grad = data_grad.sign()
    # Create the perturbed image by adjusting each pixel of the input image
    perturbed_image = image + epsilon * sign_data_grad
    # Adding clipping to maintain [0,1] range
    perturbed_image = torch.clamp(perturbed_image, 0, 1)
    return perturbed_image


def test(model, epsilon):
    correct = 0
    adv_examples = []
    for i in range(0, 300, 50):
        data, target = x_test[i:i + 50].clone(), y_test[i:i + 50]
        data.requires_grad = True
        output = model(data)
        init_pred = output.max(1, keepdim=True)[1]
        loss = F.nll_loss(output, target)
        model.zero_grad()
        loss.backward()
        data_grad = data.grad.data
        perturbed_data = fgsm_attack(data, epsilon, data_grad)
        output = model(perturbed_data)
        final_pred = output.max(1, keepdim=True)[1]
        correct += (final_pred.squeeze(1) == target).sum().item()
        flipped = ((init_pred.squeeze(1) == target) & (final_pred.squeeze(1) != target)).nonzero().flatten()
        for j in flipped[:1].tolist():
            adv_examples.append((init_pred[j].item(), final_pred[j].item()))
    final_acc = correct / 300
    print(f"Epsilon: {epsilon}\tTest Accuracy = {correct} / 300 = {final_acc:.4f}\tflips {adv_examples[:3]}")
    return final_acc


accuracies = [test(model, eps) for eps in [0, .05, .1, .2]]
g = torch.autograd.grad(F.nll_loss(model(x_test[:4]), y_test[:4]), model.conv1.weight)[0]
print("input-free grad norm", round(g.norm().item(), 6), "weights untouched", model.conv1.weight.grad is not None)

# knowledge distillation: a wide teacher, a narrow student
teacher = model
student = fix(Net(width=4), 1.7)
T, soft_target_loss_weight, ce_loss_weight = 2.0, 0.25, 0.75
print("student params", sum(p.numel() for p in student.parameters()),
      "teacher params", sum(p.numel() for p in teacher.parameters()))


def train_knowledge_distillation(teacher, student, epochs, learning_rate):
    ce_loss = nn.CrossEntropyLoss()
    kl = nn.KLDivLoss(reduction="batchmean")
    optimizer = optim.Adam(student.parameters(), lr=learning_rate)
    teacher.eval()
    student.train()
    for epoch in range(epochs):
        running_loss = 0.0
        for b in range(0, 1200, 100):
            inputs, labels = x_train[b:b + 100], y_train[b:b + 100]
            optimizer.zero_grad()
            with torch.no_grad():
                teacher_logits = teacher(inputs)
            student_logits = student(inputs)
            soft_targets = nn.functional.softmax(teacher_logits / T, dim=-1)
            soft_prob = nn.functional.log_softmax(student_logits / T, dim=-1)
            soft_targets_loss = torch.sum(soft_targets * (soft_targets.log() - soft_prob)) / soft_prob.size()[0] * (T**2)
            kl_form = kl(soft_prob, soft_targets) * (T**2)
            label_loss = ce_loss(student_logits, labels)
            loss = soft_target_loss_weight * soft_targets_loss + ce_loss_weight * label_loss
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        print(f"Epoch {epoch + 1}/{epochs}, Loss: {running_loss / 12:.6f}, kl form agrees "
              f"{torch.allclose(kl_form, soft_targets_loss, atol=1e-5)}")


train_knowledge_distillation(teacher, student, epochs=3, learning_rate=3e-3)
print("student accuracy", round(accuracy(student), 4))

# the hidden-representation variant: cosine embedding loss between flattened features
cosine_loss = nn.CosineEmbeddingLoss()
with torch.no_grad():
    th = teacher.hidden(x_train[:100])
sh = student.hidden(x_train[:100])
sh = F.avg_pool1d(sh.unsqueeze(1), kernel_size=1).squeeze(1)
proj = nn.Linear(sh.shape[1], th.shape[1])
fix(proj, 0.3)
hidden_loss = cosine_loss(proj(sh), th, target=torch.ones(100))
hidden_loss.backward()
print("hidden cosine loss", round(hidden_loss.item(), 6), "proj grad", round(proj.weight.grad.abs().sum().item(), 5))
print("kl_div log_target", round(F.kl_div(torch.log_softmax(sh, 1), torch.log_softmax(th[:, :sh.shape[1]], 1),
                                          reduction="sum", log_target=True).item(), 5),
      "mean", round(F.kl_div(torch.log_softmax(sh, 1), torch.softmax(th[:, :sh.shape[1]], 1),
                             reduction="mean").item(), 7))
