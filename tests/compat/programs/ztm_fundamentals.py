"""The Zero to Mastery course's notebooks 00 (PyTorch fundamentals) and 01
(PyTorch workflow), written the course's way: scalars/vectors/MATRIX/TENSOR
with ndim and item(), keyword factories (torch.rand(size=...),
torch.arange(start=, end=, step=), zeros_like(input=)), tensor.type(...) and
dtype mixes, element-wise vs matrix multiplication by a loop and by
torch.matmul/mm, the transposed-shape error, nn.Linear on a seeded input,
aggregation with torch.max/min/mean/sum and argmax, reshape/view sharing,
stack/squeeze/unsqueeze/permute, indexing, the numpy bridge, reproducibility
with torch.manual_seed / torch.random.manual_seed, the device-agnostic idiom
and the exercises; then the workflow: a straight-line dataset, a
LinearRegressionModel with nn.Parameter weights, inference_mode predictions,
an L1Loss/SGD train-test loop printing the loss tensors (grad_fn names
included), torch.save/torch.load of the state_dict through pathlib, and the
nn.Linear version. Seeded: every number agrees."""

import tempfile
from pathlib import Path

import numpy as np
import torch
from torch import nn

torch.set_num_threads(1)

# ---------------------------------------------------------------- 00 fundamentals
scalar = torch.tensor(7)
print(scalar, scalar.ndim, scalar.item())
vector = torch.tensor([7, 7])
print(vector, vector.ndim, vector.shape)
MATRIX = torch.tensor([[7, 8],
                       [9, 10]])
print(MATRIX, MATRIX.ndim, MATRIX.shape)
TENSOR = torch.tensor([[[1, 2, 3],
                        [3, 6, 9],
                        [2, 4, 5]]])
print(TENSOR, TENSOR.ndim, TENSOR.shape, TENSOR[0])

torch.manual_seed(0)
random_tensor = torch.rand(size=(3, 4))
print(random_tensor, random_tensor.dtype == torch.float32)
random_image_size_tensor = torch.rand(size=(224, 224, 3))
print(random_image_size_tensor.shape, random_image_size_tensor.ndim)
zeros = torch.zeros(size=(3, 4))
ones = torch.ones(size=(3, 4))
print(zeros, ones, ones.dtype == torch.float32)
zero_to_ten = torch.arange(start=0, end=10, step=1)
print(zero_to_ten)
ten_zeros = torch.zeros_like(input=zero_to_ten)
print(ten_zeros)

float_32_tensor = torch.tensor([3.0, 6.0, 9.0],
                               dtype=None,
                               device=None,
                               requires_grad=False)
print(float_32_tensor.shape, float_32_tensor.dtype == torch.float32, float_32_tensor.device)
float_16_tensor = torch.tensor([3.0, 6.0, 9.0], dtype=torch.float16)
print(float_16_tensor, float_16_tensor.dtype == torch.half)
print(float_16_tensor * float_32_tensor, (float_16_tensor * float_32_tensor).dtype == torch.float32)
int_32_tensor = torch.tensor([3, 6, 9], dtype=torch.int32)
print(float_32_tensor * int_32_tensor, (int_32_tensor * int_32_tensor).dtype == torch.int32)
long_tensor = torch.tensor([3, 6, 9], dtype=torch.long)
print(float_16_tensor * long_tensor)

some_tensor = torch.rand(3, 4)
print(some_tensor)
print(f"Shape of tensor: {some_tensor.shape}")
print(f"Datatype of tensor is float32: {some_tensor.dtype == torch.float32}")
print(f"Device tensor is stored on: {some_tensor.device}")

tensor = torch.tensor([1, 2, 3])
print(tensor + 10, tensor * 10, tensor)
tensor = tensor - 10
print(tensor)
tensor = tensor + 10
print(tensor, torch.multiply(tensor, 10), torch.add(tensor, 10), torch.mul(tensor, 10))
print(tensor, "*", tensor)
print("Equals:", tensor * tensor)
print(torch.matmul(tensor, tensor), tensor @ tensor)
value = 0
for i in range(len(tensor)):
    value += tensor[i] * tensor[i]
print(value)

tensor_A = torch.tensor([[1, 2],
                         [3, 4],
                         [5, 6]], dtype=torch.float32)
tensor_B = torch.tensor([[7, 10],
                         [8, 11],
                         [9, 12]], dtype=torch.float32)
try:
    torch.matmul(tensor_A, tensor_B)
except RuntimeError as e:
    print("RuntimeError:", str(e).startswith("mat1 and mat2 shapes cannot be multiplied (3x2 and 3x2)"))
print(tensor_A)
print(tensor_B.T)
print(f"Original shapes: tensor_A = {tensor_A.shape}, tensor_B = {tensor_B.shape}\n")
print(f"New shapes: tensor_A = {tensor_A.shape} (same as above), tensor_B.T = {tensor_B.T.shape}\n")
print(f"Multiplying: {tensor_A.shape} * {tensor_B.T.shape} <- inner dimensions match\n")
output = torch.matmul(tensor_A, tensor_B.T)
print(output)
print(f"\nOutput shape: {output.shape}")
print(torch.mm(tensor_A, tensor_B.T))

torch.manual_seed(42)
linear = torch.nn.Linear(in_features=2,
                         out_features=6)
x = tensor_A
output = linear(x)
print(f"Input shape: {x.shape}\n")
print(f"Output:\n{output}\n\nOutput shape: {output.shape}")

x = torch.arange(0, 100, 10)
print(x)
print(f"Minimum: {x.min()}")
print(f"Maximum: {x.max()}")
print(f"Mean: {x.type(torch.float32).mean()}")
print(f"Sum: {x.sum()}")
print(torch.max(x), torch.min(x), torch.mean(x.type(torch.float32)), torch.sum(x))
try:
    x.mean()
except RuntimeError as e:
    print("mean of long:", str(e)[:60])
tensor = torch.arange(10, 100, 10)
print(f"Tensor: {tensor}")
print(f"Index where max value occurs: {tensor.argmax()}")
print(f"Index where min value occurs: {tensor.argmin()}")
tensor = torch.arange(10., 100., 10.)
tensor_float16 = tensor.type(torch.float16)
print(tensor_float16)
tensor_int8 = tensor.type(torch.int8)
print(tensor_int8)

x = torch.arange(1., 8.)
print(x, x.shape)
x_reshaped = x.reshape(1, 7)
print(x_reshaped, x_reshaped.shape)
z = x.view(1, 7)
print(z, z.shape)
z[:, 0] = 5
print(z, x)
x_stacked = torch.stack([x, x, x, x], dim=0)
print(x_stacked)
print(torch.stack([x, x, x, x], dim=1).shape, torch.vstack([x, x]).shape, torch.hstack([x, x]).shape)
print(f"Previous tensor: {x_reshaped}")
print(f"Previous shape: {x_reshaped.shape}")
x_squeezed = x_reshaped.squeeze()
print(f"\nNew tensor: {x_squeezed}")
print(f"New shape: {x_squeezed.shape}")
x_unsqueezed = x_squeezed.unsqueeze(dim=0)
print(f"\nNew tensor: {x_unsqueezed}")
print(f"New shape: {x_unsqueezed.shape}")
print(x_squeezed.unsqueeze(dim=1).shape)
x_original = torch.rand(size=(224, 224, 3))
x_permuted = x_original.permute(2, 0, 1)
print(f"Previous shape: {x_original.shape}")
print(f"New shape: {x_permuted.shape}")
x_original[0, 0, 0] = 728218
print(x_original[0, 0, 0], x_permuted[0, 0, 0])

x = torch.arange(1, 10).reshape(1, 3, 3)
print(x, x.shape)
print(f"First square bracket:\n{x[0]}")
print(f"Second square bracket: {x[0][0]}")
print(f"Third square bracket: {x[0][0][0]}")
print(x[:, 0])
print(x[:, :, 1])
print(x[:, 1, 1])
print(x[0, 0, :])
print(x[0][2][2], x[:, :, 2], x[0, 1:, :2])

array = np.arange(1.0, 8.0)
tensor = torch.from_numpy(array)
print(array, tensor, tensor.dtype == torch.float64)
print(torch.from_numpy(array).type(torch.float32).dtype == torch.float32)
array = array + 1
print(array, tensor)
tensor = torch.ones(7)
numpy_tensor = tensor.numpy()
print(tensor, numpy_tensor, numpy_tensor.dtype)
tensor = tensor + 1
print(tensor, numpy_tensor)

random_tensor_A = torch.rand(3, 4)
random_tensor_B = torch.rand(3, 4)
print(f"Tensor A:\n{random_tensor_A}\n")
print(f"Tensor B:\n{random_tensor_B}\n")
print("Does Tensor A equal Tensor B? (anywhere)")
print(random_tensor_A == random_tensor_B)
RANDOM_SEED = 42
torch.manual_seed(seed=RANDOM_SEED)
random_tensor_C = torch.rand(3, 4)
torch.random.manual_seed(seed=RANDOM_SEED)
random_tensor_D = torch.rand(3, 4)
print(f"Tensor C:\n{random_tensor_C}\n")
print(f"Tensor D:\n{random_tensor_D}\n")
print("Does Tensor C equal Tensor D? (anywhere)")
print(random_tensor_C == random_tensor_D)

print(torch.cuda.is_available())
device = "cuda" if torch.cuda.is_available() else "cpu"
print(device, torch.cuda.device_count())
tensor = torch.tensor([1, 2, 3])
print(tensor, tensor.device)
tensor_on_gpu = tensor.to(device)
print(tensor_on_gpu)
tensor_back_on_cpu = tensor_on_gpu.cpu().numpy()
print(tensor_back_on_cpu)

# the exercises
torch.manual_seed(0)
x = torch.rand(7, 7)
y = torch.rand(1, 7)
print(torch.matmul(x, y.T), torch.matmul(x, y.T).shape)
torch.manual_seed(1234)
tensor_A = torch.rand(2, 3)
tensor_B = torch.rand(2, 3)
tensor_C = torch.mm(tensor_A, tensor_B.T)
print(tensor_C, tensor_C.max(), tensor_C.min(), tensor_C.argmax(), tensor_C.argmin())
torch.manual_seed(7)
tensor_D = torch.rand(1, 1, 1, 10)
tensor_E = tensor_D.squeeze()
print(tensor_D, tensor_D.shape)
print(tensor_E, tensor_E.shape)

# ---------------------------------------------------------------- 01 workflow
weight = 0.7
bias = 0.3
start = 0
end = 1
step = 0.02
X = torch.arange(start, end, step).unsqueeze(dim=1)
y = weight * X + bias
print(X[:10], y[:10], len(X), len(y))
train_split = int(0.8 * len(X))
X_train, y_train = X[:train_split], y[:train_split]
X_test, y_test = X[train_split:], y[train_split:]
print(len(X_train), len(y_train), len(X_test), len(y_test))


class LinearRegressionModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.weights = nn.Parameter(torch.randn(1,
                                                dtype=torch.float),
                                    requires_grad=True)
        self.bias = nn.Parameter(torch.randn(1,
                                             dtype=torch.float),
                                 requires_grad=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.weights * x + self.bias


torch.manual_seed(42)
model_0 = LinearRegressionModel()
print(list(model_0.parameters()))
print(list(model_0.state_dict().keys()), [v.tolist() for v in model_0.state_dict().values()])
with torch.inference_mode():
    y_preds = model_0(X_test)
print(f"Number of testing samples: {len(X_test)}")
print(f"Number of predictions made: {len(y_preds)}")
print(f"Predicted values:\n{y_preds}")
print(y_test - y_preds)
with torch.no_grad():
    print(model_0(X_test)[:3])

loss_fn = nn.L1Loss()
optimizer = torch.optim.SGD(params=model_0.parameters(),
                            lr=0.01)
torch.manual_seed(42)
epochs = 100
train_loss_values = []
test_loss_values = []
epoch_count = []
for epoch in range(epochs):
    model_0.train()
    y_pred = model_0(X_train)
    loss = loss_fn(y_pred, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    model_0.eval()
    with torch.inference_mode():
        test_pred = model_0(X_test)
        test_loss = loss_fn(test_pred, y_test.type(torch.float))
        if epoch % 10 == 0:
            epoch_count.append(epoch)
            train_loss_values.append(loss.detach().numpy())
            test_loss_values.append(test_loss.detach().numpy())
            print(f"Epoch: {epoch} | MAE Train Loss: {loss} | MAE Test Loss: {test_loss} ")
print(np.array(train_loss_values).round(6), np.array(test_loss_values).round(6))
print("The model learned the following values for weights and bias:")
print([(k, v.tolist()) for k, v in model_0.state_dict().items()])
print("\nAnd the original values for weights and bias are:")
print(f"weights: {weight}, bias: {bias}")
model_0.eval()
with torch.inference_mode():
    y_preds = model_0(X_test)
print(y_preds)

with tempfile.TemporaryDirectory() as tmp:
    MODEL_PATH = Path(tmp) / "models"
    MODEL_PATH.mkdir(parents=True, exist_ok=True)
    MODEL_NAME = "01_pytorch_workflow_model_0.pth"
    MODEL_SAVE_PATH = MODEL_PATH / MODEL_NAME
    print(f"Saving model to: {MODEL_SAVE_PATH.relative_to(tmp)}")
    torch.save(obj=model_0.state_dict(),
               f=MODEL_SAVE_PATH)
    print(sorted(p.name for p in MODEL_PATH.iterdir()))
    loaded_model_0 = LinearRegressionModel()
    print(loaded_model_0.load_state_dict(torch.load(f=MODEL_SAVE_PATH)))
    loaded_model_0.eval()
    with torch.inference_mode():
        loaded_model_preds = loaded_model_0(X_test)
    print(y_preds == loaded_model_preds)


class LinearRegressionModelV2(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear_layer = nn.Linear(in_features=1,
                                      out_features=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear_layer(x)


torch.manual_seed(42)
model_1 = LinearRegressionModelV2()
print(model_1, [(k, v.tolist()) for k, v in model_1.state_dict().items()])
print(next(model_1.parameters()).device)
model_1.to(device)
print(next(model_1.parameters()).device)
loss_fn = nn.L1Loss()
optimizer = torch.optim.SGD(params=model_1.parameters(), lr=0.01)
torch.manual_seed(42)
epochs = 300
X_train = X_train.to(device)
X_test = X_test.to(device)
y_train = y_train.to(device)
y_test = y_test.to(device)
for epoch in range(epochs):
    model_1.train()
    y_pred = model_1(X_train)
    loss = loss_fn(y_pred, y_train)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    model_1.eval()
    with torch.inference_mode():
        test_pred = model_1(X_test)
        test_loss = loss_fn(test_pred, y_test)
    if epoch % 50 == 0:
        print(f"Epoch: {epoch} | Train loss: {loss} | Test loss: {test_loss}")
from pprint import pprint  # noqa: E402 - where the notebook imports it

print("The model learned the following values for weights and bias:")
pprint({k: v.tolist() for k, v in model_1.state_dict().items()})
with tempfile.TemporaryDirectory() as tmp:
    MODEL_SAVE_PATH = Path(tmp) / "01_pytorch_workflow_model_1.pth"
    torch.save(obj=model_1.state_dict(), f=MODEL_SAVE_PATH)
    loaded_model_1 = LinearRegressionModelV2()
    loaded_model_1.load_state_dict(torch.load(MODEL_SAVE_PATH))
    loaded_model_1.to(device)
    print(f"Loaded model:\n{loaded_model_1}")
    print(f"Model on device:\n{next(loaded_model_1.parameters()).device}")
    loaded_model_1.eval()
    with torch.inference_mode():
        loaded_model_1_preds = loaded_model_1(X_test)
    print(y_preds[:2], loaded_model_1_preds[:2], torch.allclose(model_1(X_test), loaded_model_1_preds))
