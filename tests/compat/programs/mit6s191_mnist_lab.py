"""MIT 6.S191 Lab 2 part 1 (MNIST digit classification) in PyTorch on the bundled 8x8 digits: a
DataLoader over a TensorDataset, build_fc_model with nn.Flatten, the lab's train() accumulating
loss.item() * images.size(0) and correct predictions per epoch, evaluate() under torch.no_grad, then
build_cnn_model with two Conv2d/MaxPool2d stages, a summary of its shapes through a dummy input,
softmax predictions for one test image, and the hand-written training loop with a loss history
(the lab's tqdm and plotting left out)."""

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(191)

pixels, labels = digits()
train_images = torch.tensor(pixels[:640], dtype=torch.float32).view(-1, 1, 8, 8) / 16.0
train_labels = torch.tensor(labels[:640])
test_images = torch.tensor(pixels[640:800], dtype=torch.float32).view(-1, 1, 8, 8) / 16.0
test_labels = torch.tensor(labels[640:800])
train_dataset = TensorDataset(train_images, train_labels)
test_dataset = TensorDataset(test_images, test_labels)
image, label = train_dataset[0]
print(image.size())
print(label)
BATCH_SIZE = 64
trainset_loader = DataLoader(train_dataset, batch_size=BATCH_SIZE, shuffle=True)
testset_loader = DataLoader(test_dataset, batch_size=BATCH_SIZE, shuffle=False)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def build_fc_model():
    fc_model = nn.Sequential(
        nn.Flatten(),
        nn.Linear(8 * 8, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )
    return fc_model


fc_model_sequential = build_fc_model()
fc_model = fc_model_sequential.to(device)
print(fc_model)
loss_function = nn.CrossEntropyLoss()
optimizer = optim.SGD(fc_model.parameters(), lr=0.1)


def train(model, dataloader, criterion, optimizer, epochs):
    model.train()
    for epoch in range(epochs):
        total_loss = 0
        correct_pred = 0
        total_pred = 0
        for images, labels in trainset_loader:
            images, labels = images.to(device), labels.to(device)
            outputs = model(images)
            optimizer.zero_grad()
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * images.size(0)
            predicted = torch.argmax(outputs, dim=1)
            correct_pred += (predicted == labels).sum().item()
            total_pred += labels.size(0)
        total_epoch_loss = total_loss / total_pred
        epoch_accuracy = correct_pred / total_pred
        print(f"Epoch {epoch + 1}, Loss: {total_epoch_loss}, Accuracy: {epoch_accuracy:.4f}")


EPOCHS = 4
train(fc_model, trainset_loader, loss_function, optimizer, EPOCHS)


def evaluate(model, dataloader, loss_function):
    model.eval()
    test_loss = 0
    correct_pred = 0
    total_pred = 0
    with torch.no_grad():
        for images, labels in testset_loader:
            images, labels = images.to(device), labels.to(device)
            outputs = model(images)
            loss = loss_function(outputs, labels)
            test_loss += loss.item() * images.size(0)
            predicted = torch.argmax(outputs, dim=1)
            correct_pred += (predicted == labels).sum().item()
            total_pred += labels.size(0)
    test_loss /= total_pred
    test_acc = correct_pred / total_pred
    return test_loss, test_acc


test_loss, test_acc = evaluate(fc_model, trainset_loader, loss_function)
print("Test accuracy:", round(test_acc, 4))


def build_cnn_model():
    class CNN(nn.Module):
        def __init__(self):
            super(CNN, self).__init__()
            self.conv1 = nn.Conv2d(1, 12, kernel_size=3)
            self.pool = nn.MaxPool2d(kernel_size=2)
            self.conv2 = nn.Conv2d(12, 18, kernel_size=2)
            self.flatten = nn.Flatten()
            self.fc1 = nn.Linear(18 * 2 * 2, 64)
            self.fc2 = nn.Linear(64, 10)
            self.relu = nn.ReLU()

        def forward(self, x):
            x = self.conv1(x)
            x = self.relu(x)
            x = self.pool(x)
            x = self.conv2(x)
            x = self.relu(x)
            x = self.flatten(x)
            x = self.fc1(x)
            x = self.relu(x)
            x = self.fc2(x)
            return x

    return CNN()


cnn_model = build_cnn_model().to(device)
x = torch.randn(1, 1, 8, 8).to(device)
print(cnn_model)
for name, module in cnn_model.named_children():
    x = module(x)
    print(f"{name:8s} {tuple(x.shape)}")
print("parameters", sum(p.numel() for p in cnn_model.parameters() if p.requires_grad))

batch_size = 32
epochs = 4
optimizer = optim.SGD(cnn_model.parameters(), lr=0.1, momentum=0.9)
loss_history = []
for epoch in range(epochs):
    total_loss = 0
    correct_pred = 0
    total_pred = 0
    cnn_model.train()
    for idx, (images, labels) in enumerate(trainset_loader):
        images, labels = images.to(device), labels.to(device)
        logits = cnn_model(images)
        loss = loss_function(logits, labels)
        loss_value = loss.item()
        loss_history.append(loss_value)
        total_loss += loss_value * images.size(0)
        predicted = torch.argmax(logits, dim=1)
        correct_pred += (predicted == labels).sum().item()
        total_pred += labels.size(0)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    total_epoch_loss = total_loss / total_pred
    epoch_accuracy = correct_pred / total_pred
    print(f"Epoch {epoch + 1}, Loss: {total_epoch_loss:.5f}, Accuracy: {epoch_accuracy:.4f}")

test_loss, test_acc = evaluate(cnn_model, testset_loader, loss_function)
print(f"Test accuracy: {test_acc:.4f} loss {test_loss:.5f}")
test_image, test_label = test_dataset[0]
test_image = test_image.to(device).unsqueeze(0)
predictions = torch.softmax(cnn_model(test_image), dim=1)
print(predictions)
prediction = torch.argmax(predictions)
print(prediction)
print("Label of this digit is:", test_label)
print("loss history (every 10th)", np.round(loss_history[::10], 4))
