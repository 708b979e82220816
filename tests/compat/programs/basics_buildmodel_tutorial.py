"""PyTorch's "Learn the Basics" Build the Neural Network, Optimization and Save & Load pages as written
(images made from the seed instead of FashionMNIST): the device line, print(model), logits and
Softmax, the minibatch walk (Flatten/Linear/ReLU/Softmax shapes), named_parameters with sizes and
values, the train/test loops' printouts, and state_dict saving/loading with weights_only."""

import io

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
torch.set_num_threads(1)

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print(f"Using {device} device")


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 64),
            nn.ReLU(),
            nn.Linear(64, 64),
            nn.ReLU(),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)
print(model)

X = torch.rand(1, 28, 28, device=device)
logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")
print(logits.dtype, logits.device, pred_probab.sum(), y_pred.dtype)

input_image = torch.rand(3, 28, 28)
print(input_image.size())
flatten = nn.Flatten()
flat_image = flatten(input_image)
print(flat_image.size())
layer1 = nn.Linear(in_features=28 * 28, out_features=20)
hidden1 = layer1(flat_image)
print(hidden1.size())
print(f"Before ReLU: {hidden1}\n\n")
hidden1 = nn.ReLU()(hidden1)
print(f"After ReLU: {hidden1}")
seq_modules = nn.Sequential(
    flatten,
    layer1,
    nn.ReLU(),
    nn.Linear(20, 10)
)
input_image = torch.rand(3, 28, 28)
logits = seq_modules(input_image)
softmax = nn.Softmax(dim=1)
pred_probab = softmax(logits)
print(pred_probab)

print(f"Model structure: {model}\n\n")

for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")
for name, param in model.named_parameters():
    print(f"Layer: {name} | dtype: {param.dtype} | device: {param.device} | type: {type(param)}")

# Optimization: data as FashionMNIST's shapes, made from the seed
images = torch.rand(256, 1, 28, 28)
labels = (images.flatten(1)[:, :10].argmax(1) + (images.mean((1, 2, 3)) > 0.5).long()) % 10
training_data = TensorDataset(images[:192], labels[:192])
test_data = TensorDataset(images[192:], labels[192:])
print(type(training_data[0]), training_data[0][0].shape, training_data[0][1], training_data[0][1].dtype)

learning_rate = 1e-2
batch_size = 64
epochs = 3
train_dataloader = DataLoader(training_data, batch_size=batch_size)
test_dataloader = DataLoader(test_data, batch_size=batch_size)
for X, y in test_dataloader:
    print(f"Shape of X [N, C, H, W]: {X.shape}")
    print(f"Shape of y: {y.shape} {y.dtype}")
    break

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
print(optimizer)


def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    # Set the model to training mode - important for batch normalization and dropout layers
    # Unnecessary in this situation but added for best practices
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        # Compute prediction and loss
        pred = model(X)
        loss = loss_fn(pred, y)

        # Backpropagation
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

        if batch % 1 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test_loop(dataloader, model, loss_fn):
    # Set the model to evaluation mode - important for batch normalization and dropout layers
    # Unnecessary in this situation but added for best practices
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0

    # Evaluating the model with torch.no_grad() ensures that no gradients are computed during test mode
    # also serves to reduce unnecessary gradient computations and memory usage for tensors with requires_grad=True
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()

    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")


for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
print("Done!")

# Save and Load the Model (to memory instead of model_weights.pth)
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
buffer.seek(0)
model2 = NeuralNetwork()
print(model2.load_state_dict(torch.load(buffer, weights_only=True)))
model2.eval()
print(model2.training, model.training, [m.training for m in model2.modules()][:3])
with torch.no_grad():
    same = torch.equal(model2(images[:8]), model(images[:8]))
print("identical after load:", same)
sd = model.state_dict()
print(type(sd).__name__, list(sd.keys()))
print({k: (tuple(v.shape), str(v.dtype)) for k, v in sd.items()})
print({k: (v.dtype, v.dtype.is_floating_point, v.dtype.itemsize, v.is_floating_point()) for k, v in sd.items() if "bias" in k})
print(sd["linear_relu_stack.4.bias"].dtype == torch.float32, sd["linear_relu_stack.4.bias"].float().dtype,
      sd["linear_relu_stack.4.bias"].to(torch.float64).dtype, sd["linear_relu_stack.4.bias"].clone().dtype)
