"""What beginners print with type() and isinstance() while learning: the classes of tensors, parameters,
grads, shapes, devices, dtypes, named-tuple results (torch.return_types), layers in a Sequential,
losses, optimizers, schedulers, datasets and loaders and their batches, state_dict containers, and
__class__.__name__ / __module__ strings used for model summaries."""

import collections

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(0)
torch.set_num_threads(1)

x = torch.randn(4, 3)
print(type(x), type(x.shape), type(x.size()), type(x.dtype), type(x.device), type(x[0]), type(x[0, 0]))
print(type(x.tolist()), type(x.tolist()[0][0]), type(x.numpy()), type(x.sum().item()), type(x.argmax().item()))
print(type(x.shape[0]), type(x.size(1)), type(x.numel()), type(x.dim()), type(len(x)))
print(isinstance(x, torch.Tensor), torch.is_tensor(x), isinstance(x.shape, tuple), isinstance(x.shape, torch.Size))
print(type(torch.max(x, 0)), type(torch.sort(x)), type(x.topk(2)), type(torch.min(x, dim=1)), type(x.max()))
values, indices = torch.max(x, 0)
print(type(values), type(indices), values.dtype, indices.dtype, len(torch.max(x, 0)), torch.max(x, 0).values.shape)
print(type(torch.float32), torch.Tensor.__name__, torch.Tensor.__module__)

model = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Dropout(0.1), nn.Linear(8, 2))
print(type(model))
for layer in model:
    print(type(layer), layer.__class__.__name__, type(layer).__module__)
print(type(model[0]), type(model[0].weight), type(model[0].weight.data), type(model[0].bias))
print(isinstance(model[0].weight, nn.Parameter), isinstance(model[0].weight, torch.Tensor),
      isinstance(model[0], nn.Module), isinstance(model, nn.Sequential), isinstance(model, nn.Module))
print(type(model.parameters()).__name__, type(list(model.parameters())), type(model.named_parameters()).__name__)
print(type(model.state_dict()), isinstance(model.state_dict(), collections.OrderedDict),
      model.state_dict()["0.weight"].shape, list(model.state_dict().keys()))
print(type(model.children()).__name__, [type(m).__name__ for m in model.modules()])

for layer in [nn.Conv2d(1, 2, 3), nn.BatchNorm1d(4), nn.LSTM(3, 4), nn.Embedding(5, 2), nn.LayerNorm(3),
              nn.MaxPool2d(2), nn.Flatten(), nn.Softmax(dim=1), nn.Identity(), nn.MultiheadAttention(4, 2),
              nn.TransformerEncoderLayer(4, 2), nn.GRU(2, 2), nn.ModuleList(), nn.ModuleDict(),
              nn.ParameterList(), nn.Upsample(scale_factor=2), nn.ConvTranspose2d(1, 1, 2), nn.Tanh()]:
    print(type(layer))

for loss_fn in [nn.MSELoss(), nn.CrossEntropyLoss(), nn.BCEWithLogitsLoss(), nn.L1Loss(), nn.NLLLoss(),
                nn.BCELoss(), nn.SmoothL1Loss(), nn.KLDivLoss(reduction="batchmean"), nn.HuberLoss()]:
    print(type(loss_fn), loss_fn)

opt = torch.optim.SGD(model.parameters(), lr=0.1)
print(type(opt), isinstance(opt, torch.optim.Optimizer), type(opt.param_groups), type(opt.state_dict()))
for cls in [torch.optim.Adam, torch.optim.AdamW, torch.optim.RMSprop, torch.optim.Adagrad]:
    o = cls(model.parameters(), lr=0.01)
    print(type(o), o.__class__.__name__)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2)
print(type(sched), isinstance(sched, torch.optim.lr_scheduler.LRScheduler))
print(type(torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=5)))
print(type(torch.optim.lr_scheduler.ReduceLROnPlateau(opt)))

X = torch.randn(10, 3)
y = torch.randint(0, 2, (10,))
ds = TensorDataset(X, y)
train, test = random_split(ds, [8, 2])
loader = DataLoader(train, batch_size=4, shuffle=True)
print(type(ds), type(ds[0]), type(ds[0][0]), type(ds[0][1]), ds[0][1].dtype, len(ds))
print(type(train), len(train), len(test), type(loader), len(loader))
xb, yb = next(iter(loader))
print(type(xb), xb.shape, xb.dtype, type(yb), yb.shape, yb.dtype)
batch = next(iter(loader))
print(type(batch), len(batch))
print(type(iter(loader)).__name__)

out = model(xb)
loss = F.cross_entropy(out, yb)
print(type(out), type(loss), loss.dtype, loss.shape, type(loss.item()))
loss.backward()
print(type(model[0].weight.grad), model[0].weight.grad.dtype, type(model[0].weight.grad_fn))
print(type(torch.no_grad()), type(torch.device("cpu")), type(torch.enable_grad()), type(torch.Size([2])))
print(type(torch.Generator()), type(torch.manual_seed(3)))
print(type(torch.nn.functional), type(F.relu).__name__, type(nn.init.xavier_uniform_).__name__)
