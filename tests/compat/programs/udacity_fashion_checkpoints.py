"""Udacity's deep-learning-v2-pytorch "Intro to PyTorch" parts 5 and 6 on the bundled 8x8 digits dressed
as Fashion-MNIST: a Classifier with dropout and log_softmax, top-k predictions and the
equals/torch.mean(equals.type(torch.FloatTensor)) accuracy, the for/else training loop with a no_grad
validation pass and "{:.3f}".format of tensors, then fc_model.Network with a ModuleList of hidden layers,
the validation() helper, saving a state_dict and a checkpoint dict to a temporary directory, the size
mismatch error of loading into a different architecture, and load_checkpoint."""

import os
import tempfile

import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader, TensorDataset

from _data import digits

torch.set_num_threads(1)
torch.manual_seed(7)

pixels, labels = digits()
images = (torch.tensor(pixels[:900], dtype=torch.float32) / 16.0 - 0.5) / 0.5  # Normalize((0.5,), (0.5,))
images = images.view(-1, 1, 8, 8)
targets = torch.tensor(labels[:900])
trainloader = DataLoader(TensorDataset(images[:640], targets[:640]), batch_size=64, shuffle=True)
testloader = DataLoader(TensorDataset(images[640:], targets[640:]), batch_size=64, shuffle=True)
classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
           "Ankle Boot"]


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 32)
        self.fc4 = nn.Linear(32, 10)
        # Dropout module with 0.2 drop probability
        self.dropout = nn.Dropout(p=0.2)

    def forward(self, x):
        # make sure input tensor is flattened
        x = x.view(x.shape[0], -1)
        x = self.dropout(F.relu(self.fc1(x)))
        x = self.dropout(F.relu(self.fc2(x)))
        x = self.dropout(F.relu(self.fc3(x)))
        # output so no dropout here
        x = F.log_softmax(self.fc4(x), dim=1)
        return x


model = Classifier()
images_b, labels_b = next(iter(testloader))
# Get the class probabilities
ps = torch.exp(model(images_b))
print(ps.shape)
top_p, top_class = ps.topk(1, dim=1)
# Look at the most likely classes for the first 10 examples
print(top_class[:10, :])
equals = top_class == labels_b.view(*top_class.shape)
accuracy = torch.mean(equals.type(torch.FloatTensor))
print(f"Accuracy: {accuracy.item() * 100}%")

criterion = nn.NLLLoss()
optimizer = optim.Adam(model.parameters(), lr=0.003)
epochs = 6
steps = 0
train_losses, test_losses = [], []
for e in range(epochs):
    running_loss = 0
    for images_b, labels_b in trainloader:
        optimizer.zero_grad()
        log_ps = model(images_b)
        loss = criterion(log_ps, labels_b)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
    else:
        test_loss = 0
        accuracy = 0
        # Turn off gradients for validation, saves memory and computations
        with torch.no_grad():
            model.eval()
            for images_b, labels_b in testloader:
                log_ps = model(images_b)
                test_loss += criterion(log_ps, labels_b)
                ps = torch.exp(log_ps)
                top_p, top_class = ps.topk(1, dim=1)
                equals = top_class == labels_b.view(*top_class.shape)
                accuracy += torch.mean(equals.type(torch.FloatTensor))
        model.train()
        train_losses.append(running_loss / len(trainloader))
        test_losses.append(test_loss / len(testloader))
        print("Epoch: {}/{}.. ".format(e + 1, epochs),
              "Training Loss: {:.3f}.. ".format(train_losses[-1]),
              "Test Loss: {:.3f}.. ".format(test_losses[-1]),
              "Test Accuracy: {:.3f}".format(accuracy / len(testloader)))
print("test loss types", type(test_losses[-1]).__name__, test_losses[-1].requires_grad, test_losses[-1].dtype)

model.eval()
img = images[700]
with torch.no_grad():
    output = model.forward(img.view(1, 64))
ps = torch.exp(output)
print("prediction", classes[ps.argmax().item()], "true", classes[targets[700].item()],
      "max prob {:.4f}".format(ps.max()))


# ---- part 6: saving and loading models (fc_model.py) ----
class Network(nn.Module):
    def __init__(self, input_size, output_size, hidden_layers, drop_p=0.5):
        super().__init__()
        # Input to a hidden layer
        self.hidden_layers = nn.ModuleList([nn.Linear(input_size, hidden_layers[0])])
        # Add a variable number of more hidden layers
        layer_sizes = zip(hidden_layers[:-1], hidden_layers[1:])
        self.hidden_layers.extend([nn.Linear(h1, h2) for h1, h2 in layer_sizes])
        self.output = nn.Linear(hidden_layers[-1], output_size)
        self.dropout = nn.Dropout(p=drop_p)

    def forward(self, x):
        for each in self.hidden_layers:
            x = F.relu(each(x))
            x = self.dropout(x)
        x = self.output(x)
        return F.log_softmax(x, dim=1)


def validation(model, testloader, criterion):
    accuracy = 0
    test_loss = 0
    for images, labels in testloader:
        images = images.resize_(images.size()[0], 64)
        output = model.forward(images)
        test_loss += criterion(output, labels).item()
        ps = torch.exp(output)
        equality = (labels.data == ps.max(1)[1])
        accuracy += equality.type_as(torch.FloatTensor()).mean()
    return test_loss, accuracy


def train(model, trainloader, testloader, criterion, optimizer, epochs=5, print_every=40):
    steps = 0
    running_loss = 0
    for e in range(epochs):
        model.train()
        for images, labels in trainloader:
            steps += 1
            images.resize_(images.size()[0], 64)
            optimizer.zero_grad()
            output = model.forward(images)
            loss = criterion(output, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if steps % print_every == 0:
                model.eval()
                with torch.no_grad():
                    test_loss, accuracy = validation(model, testloader, criterion)
                print("Epoch: {}/{}.. ".format(e + 1, epochs),
                      "Training Loss: {:.3f}.. ".format(running_loss / print_every),
                      "Test Loss: {:.3f}.. ".format(test_loss / len(testloader)),
                      "Test Accuracy: {:.3f}".format(accuracy / len(testloader)))
                running_loss = 0
                model.train()


model = Network(64, 10, [64, 32, 16], drop_p=0.2)
criterion = nn.NLLLoss()
optimizer = optim.Adam(model.parameters(), lr=0.002)
train(model, trainloader, testloader, criterion, optimizer, epochs=4, print_every=10)

print("Our model: \n\n", model, "\n")
print("The state dict keys: \n\n", model.state_dict().keys())

tmp = tempfile.mkdtemp()
torch.save(model.state_dict(), os.path.join(tmp, "checkpoint.pth"))
state_dict = torch.load(os.path.join(tmp, "checkpoint.pth"))
print(state_dict.keys())
model.load_state_dict(state_dict)

# Try this
model2 = Network(64, 10, [40, 20, 10])
try:
    model2.load_state_dict(state_dict)
except RuntimeError as err:
    print("RuntimeError", isinstance(err, RuntimeError), str(err).splitlines()[0])
    print(len(str(err).splitlines()), "lines;", str(err).splitlines()[1].strip())

checkpoint = {"input_size": 64,
              "output_size": 10,
              "hidden_layers": [each.out_features for each in model.hidden_layers],
              "state_dict": model.state_dict()}
torch.save(checkpoint, os.path.join(tmp, "checkpoint.pth"))


def load_checkpoint(filepath):
    checkpoint = torch.load(filepath)
    model = Network(checkpoint["input_size"], checkpoint["output_size"], checkpoint["hidden_layers"])
    model.load_state_dict(checkpoint["state_dict"])
    return model


model3 = load_checkpoint(os.path.join(tmp, "checkpoint.pth"))
print(model3)
model.eval()
model3.eval()
with torch.no_grad():
    test_loss, accuracy = validation(model3, testloader, criterion)
    same = torch.equal(model(images[640:700].view(60, 64)), model3(images[640:700].view(60, 64)))
print("reloaded test loss {:.4f} accuracy {:.4f} identical outputs {}".format(
    test_loss / len(testloader), accuracy / len(testloader), same))
print("files", sorted(os.listdir(tmp)), "hidden", checkpoint["hidden_layers"])
