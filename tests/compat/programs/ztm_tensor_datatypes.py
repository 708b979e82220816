"""learnpytorch.io's "00. PyTorch Fundamentals" as the notebook runs it, values printed as cells show
them: tensor datatypes (float16/32/64, int8, the three big errors: dtype, shape, device, printed as
the notebook prints them), type conversions with .type()/.to(), aggregation and argmax, reshape/view/
stack/squeeze/unsqueeze/permute with "Previous/New" shape prints, indexing, NumPy round trips and their
dtypes, seeded reproducibility, and device-agnostic code on a CPU-only machine."""

import numpy as np
import torch

torch.set_num_threads(1)
torch.manual_seed(0)

scalar = torch.tensor(7)
print(scalar, scalar.ndim, scalar.item(), type(scalar.item()))
vector = torch.tensor([7, 7])
print(vector, vector.ndim, vector.shape)
MATRIX = torch.tensor([[7, 8], [9, 10]])
print(MATRIX, MATRIX.ndim, MATRIX[1], MATRIX.shape)
TENSOR = torch.tensor([[[1, 2, 3], [3, 6, 9], [2, 4, 5]]])
print(TENSOR, TENSOR.ndim, TENSOR.shape, TENSOR[0])

random_tensor = torch.rand(size=(3, 4))
print(random_tensor.dtype)
random_image_size_tensor = torch.rand(size=(224, 224, 3))
print(random_image_size_tensor.shape, random_image_size_tensor.ndim)
zeros = torch.zeros(size=(3, 4))
print(zeros, zeros.dtype)
ones = torch.ones(size=(3, 4))
print(ones, ones.dtype)
zero_to_ten = torch.arange(start=0, end=10, step=1)
print(zero_to_ten, zero_to_ten.dtype)
ten_zeros = torch.zeros_like(input=zero_to_ten)
print(ten_zeros, ten_zeros.dtype)

# Default datatype for tensors is float32
float_32_tensor = torch.tensor([3.0, 6.0, 9.0],
                               dtype=None,  # defaults to None, which is torch.float32 or whatever datatype is passed
                               device=None,  # defaults to None, which uses the default tensor type
                               requires_grad=False)  # if True, operations performed on the tensor are recorded
print((float_32_tensor.shape, float_32_tensor.dtype, float_32_tensor.device))

float_16_tensor = torch.tensor([3.0, 6.0, 9.0], dtype=torch.float16)  # torch.half would also work
print(float_16_tensor.dtype)
print(float_16_tensor * float_32_tensor, (float_16_tensor * float_32_tensor).dtype)
int_32_tensor = torch.tensor([3, 6, 9], dtype=torch.int32)
print(int_32_tensor, int_32_tensor * float_32_tensor, (int_32_tensor * float_32_tensor).dtype)
long_tensor = torch.tensor([3, 6, 9], dtype=torch.long)
print(long_tensor.dtype, (long_tensor * int_32_tensor).dtype, (float_16_tensor * long_tensor).dtype)
float_64_tensor = torch.tensor([3.0, 6.0, 9.0], dtype=torch.float64)
print(float_64_tensor, (float_64_tensor + float_32_tensor).dtype, (float_64_tensor + 1).dtype)

# Create a tensor
some_tensor = torch.rand(3, 4)

# Find out details about it
print(some_tensor)
print(f"Shape of tensor: {some_tensor.shape}")
print(f"Datatype of tensor: {some_tensor.dtype}")
print(f"Device tensor is stored on: {some_tensor.device}")  # will default to CPU

# the three big errors: wrong datatype, shape, device
tensor_A = torch.tensor([[1, 2], [3, 4], [5, 6]], dtype=torch.float32)
tensor_B = torch.tensor([[7, 10], [8, 11], [9, 12]], dtype=torch.float32)
try:
    torch.matmul(tensor_A, tensor_B)  # (this will error)
except RuntimeError:
    print("RuntimeError: shapes cannot be multiplied")
try:
    torch.matmul(tensor_A, tensor_B.type(torch.float64).T)
except RuntimeError:
    print("RuntimeError: expected m1 and m2 to have the same dtype")
print(torch.matmul(tensor_A, tensor_B.T))
print(tensor_A @ tensor_B.T)
print(torch.mm(tensor_A, tensor_B.T))

print(tensor_A)
print(tensor_B)
print(tensor_A)
print(tensor_B.T)
# The operation works when tensor_B is transposed
print(f"Original shapes: tensor_A = {tensor_A.shape}, tensor_B = {tensor_B.shape}\n")
print(f"New shapes: tensor_A = {tensor_A.shape} (same as above), tensor_B.T = {tensor_B.T.shape}\n")
print(f"Multiplying: {tensor_A.shape} * {tensor_B.T.shape} <- inner dimensions match\n")
print("Output:\n")
output = torch.matmul(tensor_A, tensor_B.T)
print(output)
print(f"\nOutput shape: {output.shape}")

# Since the linear layer starts with a random weights matrix, let's make it reproducible (more on this later)
torch.manual_seed(42)
# This uses matrix multiplication
linear = torch.nn.Linear(in_features=2,  # in_features = matches inner dimension of input
                         out_features=6)  # out_features = describes outer value
x = tensor_A
output = linear(x)
print(f"Input shape: {x.shape}\n")
print(f"Output:\n{output}\n\nOutput shape: {output.shape}")
print(type(linear), type(linear.weight), linear.weight.dtype, output.dtype)

# Create a tensor
x = torch.arange(0, 100, 10)
print(x)
print(f"Minimum: {x.min()}")
print(f"Maximum: {x.max()}")
# print(f"Mean: {x.mean()}") # this will error
print(f"Mean: {x.type(torch.float32).mean()}")  # won't work without float datatype
print(f"Sum: {x.sum()}")
print((torch.max(x), torch.min(x), torch.mean(x.type(torch.float32)), torch.sum(x)))
try:
    x.mean()
except RuntimeError:
    print("mean of a torch.int64 tensor raises RuntimeError")

# Create a tensor
tensor = torch.arange(10, 100, 10)
print(f"Tensor: {tensor}")

# Returns index of max and min values
print(f"Index where max value occurs: {tensor.argmax()}")
print(f"Index where min value occurs: {tensor.argmin()}")

# Create a tensor and check its datatype
tensor = torch.arange(10., 100., 10.)
print(tensor.dtype)

# Create a float16 tensor
tensor_float16 = tensor.type(torch.float16)
print(tensor_float16)

# Create an int8 tensor
tensor_int8 = tensor.type(torch.int8)
print(tensor_int8)
print(tensor.type(), tensor_float16.type(), tensor_int8.type(), tensor.type(torch.uint8).type())
print(tensor.to(torch.int16), tensor.int(), tensor.long().dtype, tensor.half().dtype, tensor.double().dtype,
      tensor.bool().dtype, tensor.to(dtype=torch.float16))  # (numpy has no bfloat16: minigrad neither)
print(torch.tensor([300., -1.5, 2.7]).type(torch.uint8), torch.tensor([-1.7, 1.7]).int())

# Create a tensor
x = torch.arange(1., 8.)
print((x, x.shape))
# Add an extra dimension
x_reshaped = x.reshape(1, 7)
print((x_reshaped, x_reshaped.shape))
# Change view (keeps same data as original but changes view)
# See more: https://stackoverflow.com/a/54507446/7900723
z = x.view(1, 7)
print((z, z.shape))
# Changing z changes x
z[:, 0] = 5
print((z, x))
# Stack tensors on top of each other
x_stacked = torch.stack([x, x, x, x], dim=0)  # try changing dim to dim=1 and see what happens
print(x_stacked)
print(torch.stack([x, x, x, x], dim=1))
print(torch.vstack([x, x]).shape, torch.hstack([x, x]).shape)

print(f"Previous tensor: {x_reshaped}")
print(f"Previous shape: {x_reshaped.shape}")

# Remove extra dimension from x_reshaped
x_squeezed = x_reshaped.squeeze()
print(f"\nNew tensor: {x_squeezed}")
print(f"New shape: {x_squeezed.shape}")

print(f"Previous tensor: {x_squeezed}")
print(f"Previous shape: {x_squeezed.shape}")

## Add an extra dimension with unsqueeze
x_unsqueezed = x_squeezed.unsqueeze(dim=0)
print(f"\nNew tensor: {x_unsqueezed}")
print(f"New shape: {x_unsqueezed.shape}")

# Create tensor with specific shape
x_original = torch.rand(size=(224, 224, 3))

# Permute the original tensor to rearrange the axis order
x_permuted = x_original.permute(2, 0, 1)  # shifts axis 0->1, 1->2, 2->0

print(f"Previous shape: {x_original.shape}")
print(f"New shape: {x_permuted.shape}")
x_original[0, 0, 0] = 728218
print(x_permuted[0, 0, 0])

# Create a tensor
x = torch.arange(1, 10).reshape(1, 3, 3)
print((x, x.shape))
# Let's index bracket by bracket
print(f"First square bracket:\n{x[0]}")
print(f"Second square bracket: {x[0][0]}")
print(f"Third square bracket: {x[0][0][0]}")
# Get all values of 0th dimension and the 0 index of 1st dimension
print(x[:, 0])
# Get all values of 0th & 1st dimensions but only index 1 of 2nd dimension
print(x[:, :, 1])
# Get all values of the 0 dimension but only the 1 index value of the 1st and 2nd dimension
print(x[:, 1, 1])
# Get index 0 of 0th and 1st dimension and all values of 2nd dimension
print(x[0, 0, :])  # same as x[0][0]
print(x[0, 2, 2], x[:, :, 2])

# NumPy array to tensor
array = np.arange(1.0, 8.0)
tensor = torch.from_numpy(array)
print((array, tensor))
print(tensor.dtype, torch.from_numpy(array).type(torch.float32).dtype)
# Change the array, keep the tensor
array = array + 1
print((array, tensor))
# Tensor to NumPy array
tensor = torch.ones(7)  # create a tensor of ones with dtype=float32
numpy_tensor = tensor.numpy()  # will be dtype=float32 unless changed
print((tensor, numpy_tensor))
print(numpy_tensor.dtype, type(numpy_tensor))
# Change the tensor, keep the array the same
tensor = tensor + 1
print((tensor, numpy_tensor))
print(torch.tensor(np.array([1, 2, 3], dtype=np.int32)).dtype, torch.tensor(np.float32(2.5)).dtype,
      torch.tensor(np.array([True])).dtype, torch.as_tensor(np.zeros(2, dtype=np.uint8)).dtype)

# Create two random tensors
random_tensor_A = torch.rand(3, 4)
random_tensor_B = torch.rand(3, 4)

print(f"Tensor A:\n{random_tensor_A}\n")
print(f"Tensor B:\n{random_tensor_B}\n")
print("Does Tensor A equal Tensor B? (anywhere)")
print(random_tensor_A == random_tensor_B)

# Set the random seed
RANDOM_SEED = 42  # try changing this to different values and see what happens to the numbers below
torch.manual_seed(seed=RANDOM_SEED)
random_tensor_C = torch.rand(3, 4)

# Have to reset the seed every time a new rand() is called
# Without this, tensor_D would be different to tensor_C
torch.random.manual_seed(seed=RANDOM_SEED)  # try commenting this line out and seeing what happens
random_tensor_D = torch.rand(3, 4)

print(f"Tensor C:\n{random_tensor_C}\n")
print(f"Tensor D:\n{random_tensor_D}\n")
print("Does Tensor C equal Tensor D? (anywhere)")
print(random_tensor_C == random_tensor_D)

# Check for GPU
print(torch.cuda.is_available())
# Set device type
device = "cuda" if torch.cuda.is_available() else "cpu"
print(device)
# Count number of devices
print(torch.cuda.device_count())
# Create tensor (default on CPU)
tensor = torch.tensor([1, 2, 3])

# Tensor not on GPU
print(tensor, tensor.device)

# Move tensor to GPU (if available)
tensor_on_gpu = tensor.to(device)
print(tensor_on_gpu)
# Instead, copy the tensor back to cpu
tensor_back_on_cpu = tensor_on_gpu.cpu().numpy()
print(tensor_back_on_cpu)
print(tensor_on_gpu)
print(tensor_on_gpu.device, str(tensor_on_gpu.device), repr(tensor_on_gpu.device), tensor_on_gpu.device.index)
