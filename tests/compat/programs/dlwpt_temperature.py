""""Deep Learning with PyTorch" (Stevens, Antiga, Viehmann) chapters 3-6 as its
notebooks write them: tensor storage and views (storage_offset, stride, t(),
is_contiguous, contiguous), a wine-quality-style table (one-hot by
scatter_(1, target.unsqueeze(1), 1.0), torch.le / torch.gt masks, mean/var
normalization), the thermometer model fitted with hand-written derivatives
(dloss_fn, dmodel_dw) and then with autograd (params.grad.zero_()), the
optim.SGD / Adam versions, a train/validation split with torch.randperm,
validation under torch.no_grad and a requires_grad check; then nn.Linear on
unsqueeze(1) inputs and an nn.Sequential built from an OrderedDict with
named_parameters and a per-layer gradient. Seeded: every number agrees."""

from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim

torch.set_printoptions(edgeitems=2, linewidth=75)
torch.manual_seed(123)

# ---------------------------------------------------------------- chapter 3: tensors
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
second_point = points[1]
print("offset", second_point.storage_offset(), "size", second_point.size(), "stride", points.stride())
points_t = points.t()
print("transposed stride", points_t.stride(), points.is_contiguous(), points_t.is_contiguous())
points_t_cont = points_t.contiguous()
print(points_t_cont, points_t_cont.stride(), points_t_cont.is_contiguous())
some_t = torch.ones(3, 4, 5)
transpose_t = some_t.transpose(0, 2)
print(some_t.shape, transpose_t.shape, some_t.stride(), transpose_t.stride())
double_points = torch.zeros(10, 2, dtype=torch.double)
short_points = torch.tensor([[1, 2], [3, 4]], dtype=torch.short)
print(double_points.dtype == torch.float64, short_points.dtype == torch.int16)
points_64 = torch.rand(5, dtype=torch.double)
points_short = points_64.to(torch.short)
print("mixed", (points_64 * points_short).dtype == torch.float64)
points_np = points.numpy()
print(points_np, type(points_np).__name__)

# ---------------------------------------------------------------- chapter 4: a wine-quality-like table
rng = np.random.default_rng(0)
wineq_numpy = np.concatenate([rng.normal(5.0, 1.5, (60, 4)), rng.integers(3, 9, (60, 1))], axis=1).astype(np.float32)
wineq = torch.from_numpy(wineq_numpy)
print(wineq.shape, wineq.dtype == torch.float32)
data = wineq[:, :-1]
target = wineq[:, -1].long()
print(data.shape, target.shape, target[:8])
target_onehot = torch.zeros(target.shape[0], 10)
target_onehot.scatter_(1, target.unsqueeze(1), 1.0)
print("onehot", target_onehot[:3])
data_mean = torch.mean(data, dim=0)
data_var = torch.var(data, dim=0)
data_normalized = (data - data_mean) / torch.sqrt(data_var)
print("mean", data_mean, "var", data_var)
bad_indexes = target <= 3
print(bad_indexes.shape, bad_indexes.dtype == torch.bool, bad_indexes.sum())
bad_data = data[bad_indexes]
mid_data = data[(target > 3) & (target < 7)]
good_data = data[target >= 7]
print("bad/mid/good means", bad_data.mean(0), mid_data.mean(0), good_data.mean(0))
total_sulfur_threshold = 5.0
total_sulfur_data = data[:, 3]
predicted_indexes = torch.lt(total_sulfur_data, total_sulfur_threshold)
actual_indexes = target > 5
n_matches = torch.sum(actual_indexes & predicted_indexes).item()
n_predicted = torch.sum(predicted_indexes).item()
n_actual = torch.sum(actual_indexes).item()
print(n_matches, n_matches / n_predicted, n_matches / n_actual)

# ---------------------------------------------------------------- chapter 5: the mechanics of learning
t_c = [0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0]
t_u = [35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4]
t_c = torch.tensor(t_c)
t_u = torch.tensor(t_u)


def model(t_u, w, b):
    return w * t_u + b


def loss_fn(t_p, t_c):
    squared_diffs = (t_p - t_c) ** 2
    return squared_diffs.mean()


w = torch.ones(())
b = torch.zeros(())
t_p = model(t_u, w, b)
print(t_p)
loss = loss_fn(t_p, t_c)
print(loss)
x = torch.ones(())
y = torch.ones(3, 1)
z = torch.ones(1, 3)
a = torch.ones(2, 1, 1)
print(f"shapes: x: {x.shape}, y: {y.shape}")
print(f"        z: {z.shape}, a: {a.shape}")
print("x * y:", (x * y).shape)
print("y * z:", (y * z).shape)
print("y * z * a:", (y * z * a).shape)


def dloss_fn(t_p, t_c):
    dsq_diffs = 2 * (t_p - t_c) / t_p.size(0)
    return dsq_diffs


def dmodel_dw(t_u, w, b):
    return t_u


def dmodel_db(t_u, w, b):
    return 1.0


def grad_fn(t_u, t_c, t_p, w, b):
    dloss_dtp = dloss_fn(t_p, t_c)
    dloss_dw = dloss_dtp * dmodel_dw(t_u, w, b)
    dloss_db = dloss_dtp * dmodel_db(t_u, w, b)
    return torch.stack([dloss_dw.sum(), dloss_db.sum()])


def training_loop(n_epochs, learning_rate, params, t_u, t_c, print_params=True):
    for epoch in range(1, n_epochs + 1):
        w, b = params
        t_p = model(t_u, w, b)
        loss = loss_fn(t_p, t_c)
        grad = grad_fn(t_u, t_c, t_p, w, b)
        params = params - learning_rate * grad
        if epoch in {1, 2, 3, 10, 11, 99, 100, 4000, 5000}:
            print('Epoch %d, Loss %f' % (epoch, float(loss)))
            if print_params:
                print('    Params:', params)
                print('    Grad:  ', grad)
        if not torch.isfinite(loss).all():
            break
    return params


training_loop(n_epochs=10, learning_rate=1e-2, params=torch.tensor([1.0, 0.0]), t_u=t_u, t_c=t_c)
t_un = 0.1 * t_u
params = training_loop(n_epochs=100, learning_rate=1e-2, params=torch.tensor([1.0, 0.0]), t_u=t_un, t_c=t_c,
                       print_params=False)
print(params)

params = torch.tensor([1.0, 0.0], requires_grad=True)
print(params.grad is None)
loss = loss_fn(model(t_u, *params), t_c)
loss.backward()
print(params.grad)


def training_loop_autograd(n_epochs, learning_rate, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        if params.grad is not None:
            params.grad.zero_()
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)
        loss.backward()
        with torch.no_grad():
            params -= learning_rate * params.grad
        if epoch % 500 == 0:
            print('Epoch %d, Loss %f' % (epoch, float(loss)))
    return params


print(training_loop_autograd(n_epochs=1500, learning_rate=1e-2,
                             params=torch.tensor([1.0, 0.0], requires_grad=True), t_u=t_un, t_c=t_c))
print(dir(optim)[:3], 'SGD' in dir(optim))


def training_loop_optim(n_epochs, optimizer, params, t_u, t_c):
    for epoch in range(1, n_epochs + 1):
        t_p = model(t_u, *params)
        loss = loss_fn(t_p, t_c)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if epoch % 500 == 0:
            print('Epoch %d, Loss %f' % (epoch, float(loss)))
    return params


params = torch.tensor([1.0, 0.0], requires_grad=True)
optimizer = optim.Adam([params], lr=1e-1)
print(training_loop_optim(n_epochs=1000, optimizer=optimizer, params=params, t_u=t_u, t_c=t_c))

n_samples = t_u.shape[0]
n_val = int(0.2 * n_samples)
shuffled_indices = torch.randperm(n_samples)
train_indices = shuffled_indices[:-n_val]
val_indices = shuffled_indices[-n_val:]
print(train_indices, val_indices)
train_t_u, train_t_c = t_u[train_indices], t_c[train_indices]
val_t_u, val_t_c = t_u[val_indices], t_c[val_indices]
train_t_un, val_t_un = 0.1 * train_t_u, 0.1 * val_t_u


def training_loop_val(n_epochs, optimizer, params, train_t_u, val_t_u, train_t_c, val_t_c):
    for epoch in range(1, n_epochs + 1):
        train_t_p = model(train_t_u, *params)
        train_loss = loss_fn(train_t_p, train_t_c)
        with torch.no_grad():
            val_t_p = model(val_t_u, *params)
            val_loss = loss_fn(val_t_p, val_t_c)
            assert val_loss.requires_grad is False
        optimizer.zero_grad()
        train_loss.backward()
        optimizer.step()
        if epoch <= 3 or epoch % 500 == 0:
            print(f"Epoch {epoch}, Training loss {train_loss.item():.4f}, Validation loss {val_loss.item():.4f}")
    return params


params = torch.tensor([1.0, 0.0], requires_grad=True)
optimizer = optim.SGD([params], lr=1e-2)
print(training_loop_val(1500, optimizer, params, train_t_un, val_t_un, train_t_c, val_t_c))

# ---------------------------------------------------------------- chapter 6: nn
t_c_u = t_c.unsqueeze(1)
t_u_u = t_u.unsqueeze(1)
train_t_un, val_t_un = t_u_u[train_indices] * 0.1, t_u_u[val_indices] * 0.1
train_t_c, val_t_c = t_c_u[train_indices], t_c_u[val_indices]
linear_model = nn.Linear(1, 1)
print(linear_model(val_t_un))
print(linear_model.weight, linear_model.bias)
x = torch.ones(10, 1)
print(linear_model(x).shape)


def training_loop_nn(n_epochs, optimizer, model, loss_fn, t_u_train, t_u_val, t_c_train, t_c_val, every=1000):
    for epoch in range(1, n_epochs + 1):
        t_p_train = model(t_u_train)
        loss_train = loss_fn(t_p_train, t_c_train)
        t_p_val = model(t_u_val)
        loss_val = loss_fn(t_p_val, t_c_val)
        optimizer.zero_grad()
        loss_train.backward()
        optimizer.step()
        if epoch == 1 or epoch % every == 0:
            print(f"Epoch {epoch}, Training loss {loss_train.item():.4f}, Validation loss {loss_val.item():.4f}")


optimizer = optim.SGD(linear_model.parameters(), lr=1e-2)
training_loop_nn(3000, optimizer, linear_model, nn.MSELoss(), train_t_un, val_t_un, train_t_c, val_t_c)
print(linear_model.weight, linear_model.bias)

seq_model = nn.Sequential(OrderedDict([
    ('hidden_linear', nn.Linear(1, 8)),
    ('hidden_activation', nn.Tanh()),
    ('output_linear', nn.Linear(8, 1))
]))
print(seq_model)
print([param.shape for param in seq_model.parameters()])
for name, param in seq_model.named_parameters():
    print(name, param.shape)
print(seq_model.output_linear.bias)
optimizer = optim.SGD(seq_model.parameters(), lr=1e-3)
# (the book runs 5000 epochs; past ~1000 this lr makes the fit chaotic: float32 and float64 runs part there)
training_loop_nn(600, optimizer, seq_model, nn.MSELoss(), train_t_un, val_t_un, train_t_c, val_t_c, every=200)
print('output', seq_model(val_t_un))
print('answer', val_t_c)
print('hidden', seq_model.hidden_linear.weight.grad)
