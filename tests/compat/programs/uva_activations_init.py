"""The UvA deep learning tutorials 3 (activation functions) and 4
(initialization and optimization), written their way on the bundled digits:
ActivationFunction modules with a config dict (Sigmoid, Tanh by exp, ReLU as
x * (x > 0).float(), LeakyReLU / ELU by torch.where, Swish), gradients by
x.clone().requires_grad_() and out.sum().backward(), BaseNetwork from
hidden_sizes with x.view(x.size(0), -1), save_model / load_model through a
JSON config and act_fn_by_name, per-layer weight gradient statistics from
params.grad.data.view(-1), an SGD-momentum training loop with true_preds
summed as tensors and formatted with {:05.2f}, early stopping on validation
accuracy, dead-neuron counting by torch.logical_and over (x == 0).all(dim=0);
then the initializations (const_init, var_init, equal_var, xavier, kaiming
through param.data.fill_ / normal_ / uniform_) with each layer's activation
variance, and the hand-written optimizers (OptimizerTemplate with grad
detach_/zero_, SGD, SGDMomentum and Adam keeping per-parameter state in
dicts keyed by tensors, p.add_ under torch.no_grad) on the pathological
curvature and the three-Gaussian surface, and on the network. Seeded: every
number agrees."""

import json
import math
import os
import tempfile

import _data
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torch.utils.data as data

torch.set_num_threads(1)
device = torch.device("cpu")
CHECKPOINT_PATH = tempfile.mkdtemp()


def set_seed(seed):
    np.random.seed(seed)  # noqa: NPY002 - the tutorial seeds numpy's legacy global state too
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed(seed)
        torch.cuda.manual_seed_all(seed)


set_seed(42)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False


class ActivationFunction(nn.Module):
    def __init__(self):
        super().__init__()
        self.name = self.__class__.__name__
        self.config = {"name": self.name}


class Sigmoid(ActivationFunction):
    def forward(self, x):
        return 1 / (1 + torch.exp(-x))


class Tanh(ActivationFunction):
    def forward(self, x):
        x_exp, neg_x_exp = torch.exp(x), torch.exp(-x)
        return (x_exp - neg_x_exp) / (x_exp + neg_x_exp)


class ReLU(ActivationFunction):
    def forward(self, x):
        return x * (x > 0).float()


class LeakyReLU(ActivationFunction):
    def __init__(self, alpha=0.1):
        super().__init__()
        self.config["alpha"] = alpha

    def forward(self, x):
        return torch.where(x > 0, x, self.config["alpha"] * x)


class ELU(ActivationFunction):
    def forward(self, x):
        return torch.where(x > 0, x, torch.exp(x) - 1)


class Swish(ActivationFunction):
    def forward(self, x):
        return x * torch.sigmoid(x)


act_fn_by_name = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leakyrelu": LeakyReLU, "elu": ELU,
                  "swish": Swish}


def get_grads(act_fn, x):
    """Computes the gradients of an activation function at specified positions."""
    x = x.clone().requires_grad_()
    out = act_fn(x)
    out.sum().backward()
    return x.grad


x = torch.linspace(-5, 5, 1000)
for name in act_fn_by_name:
    act_fn = act_fn_by_name[name]()
    y = act_fn(x)
    y_grads = get_grads(act_fn, x)
    x_np, y_np, y_grads_np = x.numpy(), y.detach().numpy(), y_grads.numpy()
    print(f"{act_fn.name:10s} {act_fn.config} y[::250] {np.round(y_np[::250], 5)} "
          f"grad[::250] {np.round(y_grads_np[::250], 5)} max grad {y_grads_np.max():.4f}")
print("at zero: relu grad", get_grads(ReLU(), torch.zeros(3)).tolist(),
      "elu grad", get_grads(ELU(), torch.zeros(1)).tolist(),
      "leaky grad", get_grads(LeakyReLU(), torch.tensor([-1.0, 0.0, 1.0])).tolist())
builtin = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": F.relu,
           "leakyrelu": lambda t: F.leaky_relu(t, 0.1), "elu": F.elu, "swish": F.silu}
print("same as torch's:", [torch.allclose(act_fn_by_name[n]()(x), builtin[n](x), atol=1e-6) for n in builtin])

# ---------------------------------------------------------------- the data (FashionMNIST's stand-in)
pixels, labels = _data.digits()
images = torch.from_numpy(pixels.astype(np.float32) / 16.0).view(-1, 1, 8, 8)
images = (images - 0.5) / 0.5
targets = torch.from_numpy(labels)
full_train = data.TensorDataset(images[:1200], targets[:1200])
train_set, val_set = data.random_split(full_train, [1000, 200], generator=torch.Generator().manual_seed(42))
test_set = data.TensorDataset(images[1200:1500], targets[1200:1500])
train_loader = data.DataLoader(train_set, batch_size=256, shuffle=False, drop_last=False)
val_loader = data.DataLoader(val_set, batch_size=256, shuffle=False, drop_last=False)
test_loader = data.DataLoader(test_set, batch_size=256, shuffle=False, drop_last=False)
print("split", len(train_set), len(val_set), train_set.indices[:6], val_set.indices[:6])


class BaseNetwork(nn.Module):
    def __init__(self, act_fn, input_size=64, num_classes=10, hidden_sizes=[64, 32, 32, 16]):  # noqa: B006
        """
        Args:
            act_fn: Object of the activation function that should be used as non-linearity in the network.
            input_size: Size of the input images in pixels
            num_classes: Number of classes we want to predict
            hidden_sizes: A list of integers specifying the hidden layer sizes in the NN
        """
        super().__init__()
        layers = []
        layer_sizes = [input_size] + hidden_sizes
        for layer_index in range(1, len(layer_sizes)):
            layers += [nn.Linear(layer_sizes[layer_index - 1], layer_sizes[layer_index]), act_fn]
        layers += [nn.Linear(layer_sizes[-1], num_classes)]
        self.layers = nn.Sequential(*layers)
        self.config = {
            "act_fn": act_fn.config,
            "input_size": input_size,
            "num_classes": num_classes,
            "hidden_sizes": hidden_sizes,
        }

    def forward(self, x):
        x = x.view(x.size(0), -1)
        out = self.layers(x)
        return out


def _get_config_file(model_path, model_name):
    return os.path.join(model_path, model_name + ".config")


def _get_model_file(model_path, model_name):
    return os.path.join(model_path, model_name + ".tar")


def load_model(model_path, model_name, net=None):
    config_file, model_file = _get_config_file(model_path, model_name), _get_model_file(model_path, model_name)
    assert os.path.isfile(config_file), f'Could not find the config file "{config_file}".'
    assert os.path.isfile(model_file), f'Could not find the model file "{model_file}".'
    with open(config_file) as f:
        config_dict = json.load(f)
    if net is None:
        act_fn_name = config_dict["act_fn"].pop("name").lower()
        act_fn = act_fn_by_name[act_fn_name](**config_dict.pop("act_fn"))
        net = BaseNetwork(act_fn=act_fn, **config_dict)
    net.load_state_dict(torch.load(model_file, map_location=device))
    return net


def save_model(model, model_path, model_name):
    config_dict = model.config
    os.makedirs(model_path, exist_ok=True)
    config_file, model_file = _get_config_file(model_path, model_name), _get_model_file(model_path, model_name)
    with open(config_file, "w") as f:
        json.dump(config_dict, f)
    torch.save(model.state_dict(), model_file)


def visualize_gradients(net, color="C0"):
    """Prints each weight's gradient statistics (the tutorial plots them)."""
    net.eval()
    small_loader = data.DataLoader(train_set, batch_size=256, shuffle=False)
    imgs, labels = next(iter(small_loader))
    imgs, labels = imgs.to(device), labels.to(device)
    net.zero_grad()
    preds = net(imgs)
    loss = F.cross_entropy(preds, labels)
    loss.backward()
    grads = {
        name: params.grad.data.view(-1).cpu().clone().numpy()
        for name, params in net.named_parameters()
        if "weight" in name
    }
    net.zero_grad()
    print(" ".join(f"{key}: std {np.std(grads[key]):.10f}" for key in grads))


for i, act_fn_name in enumerate(act_fn_by_name):
    set_seed(42)
    act_fn = act_fn_by_name[act_fn_name]()
    net_actfn = BaseNetwork(act_fn=act_fn).to(device)
    print(act_fn_name, end=" | ")
    visualize_gradients(net_actfn, color=f"C{i}")


def test_model(net, data_loader):
    net.eval()
    true_preds, count = 0.0, 0
    for imgs, labels in data_loader:
        imgs, labels = imgs.to(device), labels.to(device)
        with torch.no_grad():
            preds = net(imgs).argmax(dim=-1)
            true_preds += (preds == labels).sum().item()
            count += labels.shape[0]
    test_acc = true_preds / count
    return test_acc


def train_model(net, model_name, max_epochs=50, patience=7, batch_size=256, overwrite=False):
    file_exists = os.path.isfile(_get_model_file(CHECKPOINT_PATH, model_name))
    if file_exists and not overwrite:
        print("Model file already exists. Skipping training...")
    else:
        if file_exists:
            print("Model file exists, but will be overwritten...")
        optimizer = optim.SGD(net.parameters(), lr=1e-2, momentum=0.9)
        loss_module = nn.CrossEntropyLoss()
        train_loader_local = data.DataLoader(
            train_set, batch_size=batch_size, shuffle=True, drop_last=True, pin_memory=False
        )
        val_scores = []
        best_val_epoch = -1
        for epoch in range(max_epochs):
            net.train()
            true_preds, count = 0.0, 0
            for imgs, labels in train_loader_local:
                imgs, labels = imgs.to(device), labels.to(device)
                optimizer.zero_grad()
                preds = net(imgs)
                loss = loss_module(preds, labels)
                loss.backward()
                optimizer.step()
                true_preds += (preds.argmax(dim=-1) == labels).sum()
                count += labels.shape[0]
            train_acc = true_preds / count
            val_acc = test_model(net, val_loader)
            val_scores.append(val_acc)
            print(f"[Epoch {epoch + 1:2d}] Training accuracy: {train_acc * 100.0:05.2f}%, "
                  f"Validation accuracy: {val_acc * 100.0:05.2f}%")
            if len(val_scores) == 1 or val_acc > val_scores[best_val_epoch]:
                print("\t   (New best performance, saving model...)")
                save_model(net, CHECKPOINT_PATH, model_name)
                best_val_epoch = epoch
            elif best_val_epoch <= epoch - patience:
                print(f"Early stopping due to no improvement over the last {patience} epochs")
                break
    load_model(CHECKPOINT_PATH, model_name, net=net)
    test_acc = test_model(net, test_loader)
    print(f" Test accuracy: {test_acc * 100.0:4.2f}% ".center(50, "=") + "\n")
    return test_acc


for act_fn_name in ["sigmoid", "relu", "swish"]:
    print(f"Training BaseNetwork with {act_fn_name} activation...")
    set_seed(42)
    act_fn = act_fn_by_name[act_fn_name]()
    net_actfn = BaseNetwork(act_fn=act_fn).to(device)
    train_model(net_actfn, f"FashionMNIST_{act_fn_name}", max_epochs=6, patience=2, overwrite=False)
train_model(net_actfn, "FashionMNIST_swish", overwrite=False)
reloaded = load_model(CHECKPOINT_PATH, "FashionMNIST_swish")
print(reloaded.config, type(reloaded.layers[1]).__name__, reloaded.layers[1].config)
print("reloaded test acc", test_model(reloaded, test_loader))


def measure_number_dead_neurons(net):
    neurons_dead = [
        torch.ones(layer.weight.shape[0], device=device, dtype=torch.bool)
        for layer in net.layers[:-1]
        if isinstance(layer, nn.Linear)
    ]
    net.eval()
    with torch.no_grad():
        for imgs, labels in train_loader:
            layer_index = 0
            imgs = imgs.to(device)
            imgs = imgs.view(imgs.size(0), -1)
            for layer in net.layers[:-1]:
                imgs = layer(imgs)
                if isinstance(layer, ActivationFunction):
                    neurons_dead[layer_index] = torch.logical_and(neurons_dead[layer_index], (imgs == 0).all(dim=0))
                    layer_index += 1
    number_neurons_dead = [t.sum().item() for t in neurons_dead]
    print("Number of dead neurons:", number_neurons_dead)
    print(
        "In percentage:",
        ", ".join(
            [f"{(100.0 * num_dead / tens.shape[0]):4.2f}%" for tens, num_dead in zip(neurons_dead, number_neurons_dead)]
        ),
    )


set_seed(42)
net_relu = BaseNetwork(act_fn=ReLU()).to(device)
const_bias = net_relu.layers[2].bias
with torch.no_grad():
    const_bias.fill_(-0.4)
measure_number_dead_neurons(net_relu)
deep_relu = BaseNetwork(act_fn=ReLU(), hidden_sizes=[32] * 8).to(device)
measure_number_dead_neurons(deep_relu)


# ---------------------------------------------------------------- tutorial 4: initialization
class Identity(nn.Module):
    def forward(self, x):
        return x


def visualize_weight_distribution(model, color="C0"):
    weights = {}
    for name, param in model.named_parameters():
        if name.endswith(".bias"):
            continue
        key_name = f"Layer {name.split('.')[1]}"
        weights[key_name] = param.detach().view(-1).cpu().numpy()
    print("weights", " ".join(f"{k}: {np.std(v):.5f}" for k, v in weights.items()))


def visualize_activations(model, color="C0", print_variance=False):
    model.eval()
    small_loader = data.DataLoader(train_set, batch_size=1024, shuffle=False)
    imgs, labels = next(iter(small_loader))
    imgs, labels = imgs.to(device), labels.to(device)
    feats = imgs.view(imgs.shape[0], -1)
    activations = {}
    with torch.no_grad():
        for layer_index, layer in enumerate(model.layers):
            feats = layer(feats)
            if isinstance(layer, nn.Linear):
                activations[f"Layer {layer_index}"] = feats.view(-1).detach().cpu().numpy()
    if print_variance:
        for key in sorted(activations.keys()):
            print(f"{key} - Variance: {np.var(activations[key]):.6g}")


class BaseNetwork(nn.Module):
    def __init__(self, act_fn, input_size=64, num_classes=10, hidden_sizes=[64, 32, 32, 16]):  # noqa: B006
        super().__init__()
        layers = []
        layer_sizes = [input_size] + hidden_sizes
        for layer_index in range(1, len(layer_sizes)):
            layers += [nn.Linear(layer_sizes[layer_index - 1], layer_sizes[layer_index]), act_fn]
        layers += [nn.Linear(layer_sizes[-1], num_classes)]
        self.layers = nn.ModuleList(layers)
        self.config = {
            "act_fn": act_fn.__class__.__name__,
            "input_size": input_size,
            "num_classes": num_classes,
            "hidden_sizes": hidden_sizes,
        }

    def forward(self, x):
        x = x.view(x.size(0), -1)
        for layer in self.layers:
            x = layer(x)
        return x


model = BaseNetwork(act_fn=Identity()).to(device)
print(model.config, len(model.layers), model.layers[1] is model.layers[3])


def const_init(model, fill=0.0):
    for name, param in model.named_parameters():
        param.data.fill_(fill)


const_init(model, fill=0.005)
visualize_gradients(model)
visualize_activations(model, print_variance=True)


def var_init(model, std=0.01):
    for name, param in model.named_parameters():
        param.data.normal_(mean=0.0, std=std)


var_init(model, std=0.01)
visualize_activations(model, print_variance=True)
var_init(model, std=0.1)
visualize_activations(model, print_variance=True)


def equal_var_init(model):
    for name, param in model.named_parameters():
        if name.endswith(".bias"):
            param.data.fill_(0)
        else:
            param.data.normal_(std=1.0 / math.sqrt(param.shape[1]))


equal_var_init(model)
visualize_weight_distribution(model)
visualize_activations(model, print_variance=True)


def xavier_init(model):
    for name, param in model.named_parameters():
        if name.endswith(".bias"):
            param.data.fill_(0)
        else:
            bound = math.sqrt(6) / math.sqrt(param.shape[0] + param.shape[1])
            param.data.uniform_(-bound, bound)


xavier_init(model)
visualize_gradients(model)
visualize_activations(model, print_variance=True)
model = BaseNetwork(act_fn=nn.Tanh()).to(device)
xavier_init(model)
visualize_activations(model, print_variance=True)


def kaiming_init(model):
    for name, param in model.named_parameters():
        if name.endswith(".bias"):
            param.data.fill_(0)
        elif name.startswith("layers.0"):
            param.data.normal_(0, 1 / math.sqrt(param.shape[1]))
        else:
            param.data.normal_(0, math.sqrt(2) / math.sqrt(param.shape[1]))


model = BaseNetwork(act_fn=nn.ReLU()).to(device)
kaiming_init(model)
visualize_gradients(model)
visualize_activations(model, print_variance=True)


# ---------------------------------------------------------------- tutorial 4: optimization
class OptimizerTemplate:
    def __init__(self, params, lr):
        self.params = list(params)
        self.lr = lr

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.detach_()
                p.grad.zero_()

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is None:
                continue
            self.update_param(p)

    def update_param(self, p):
        raise NotImplementedError


class SGD(OptimizerTemplate):
    def __init__(self, params, lr):
        super().__init__(params, lr)

    def update_param(self, p):
        p_update = -self.lr * p.grad
        p.add_(p_update)


class SGDMomentum(OptimizerTemplate):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, lr)
        self.momentum = momentum
        self.param_momentum = {p: torch.zeros_like(p.data) for p in self.params}

    def update_param(self, p):
        self.param_momentum[p] = (1 - self.momentum) * p.grad + self.momentum * self.param_momentum[p]
        p_update = -self.lr * self.param_momentum[p]
        p.add_(p_update)


class Adam(OptimizerTemplate):
    def __init__(self, params, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(params, lr)
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.param_step = {p: 0 for p in self.params}
        self.param_momentum = {p: torch.zeros_like(p.data) for p in self.params}
        self.param_2nd_momentum = {p: torch.zeros_like(p.data) for p in self.params}

    def update_param(self, p):
        self.param_step[p] += 1
        self.param_momentum[p] = (1 - self.beta1) * p.grad + self.beta1 * self.param_momentum[p]
        self.param_2nd_momentum[p] = (1 - self.beta2) * (p.grad) ** 2 + self.beta2 * self.param_2nd_momentum[p]
        bias_correction_1 = 1 - self.beta1 ** self.param_step[p]
        bias_correction_2 = 1 - self.beta2 ** self.param_step[p]
        p_2nd_mom = self.param_2nd_momentum[p] / bias_correction_2
        p_mom = self.param_momentum[p] / bias_correction_1
        p_lr = self.lr / (torch.sqrt(p_2nd_mom) + self.eps)
        p_update = -p_lr * p_mom
        p.add_(p_update)


def pathological_curve_loss(w1, w2):
    x1_loss = torch.tanh(w1) ** 2 + 0.01 * torch.abs(w1)
    x2_loss = torch.sigmoid(w2)
    return x1_loss + x2_loss


def train_curve(optimizer_func, curve_func=pathological_curve_loss, num_updates=100, init=[5, 5]):  # noqa: B006
    weights = nn.Parameter(torch.FloatTensor(init), requires_grad=True)
    optim = optimizer_func([weights])
    list_points = []
    for _ in range(num_updates):
        loss = curve_func(weights[0], weights[1])
        list_points.append(torch.cat([weights.data.detach(), loss.unsqueeze(dim=0).detach()], dim=0))
        optim.zero_grad()
        loss.backward()
        optim.step()
    points = torch.stack(list_points, dim=0).numpy()
    return points


SGD_points = train_curve(lambda params: SGD(params, lr=10))
SGDMom_points = train_curve(lambda params: SGDMomentum(params, lr=10, momentum=0.9))
Adam_points = train_curve(lambda params: Adam(params, lr=1))
for name, points in [("SGD", SGD_points), ("SGDMom", SGDMom_points), ("Adam", Adam_points)]:
    # (SGD at lr 10 jumps across the valley at step 18, where a one-ulp difference in tanh decides the side)
    print(name, points.shape, points.dtype, np.round(points[[0, 5, 10, 15]], 5).tolist())


def bivar_gaussian(w1, w2, x_mean=0.0, y_mean=0.0, x_sig=1.0, y_sig=1.0):
    norm = 1 / (2 * np.pi * x_sig * y_sig)
    x_exp = (-1 * (w1 - x_mean) ** 2) / (2 * x_sig**2)
    y_exp = (-1 * (w2 - y_mean) ** 2) / (2 * y_sig**2)
    return norm * torch.exp(x_exp + y_exp)


def comb_func(w1, w2):
    z = -bivar_gaussian(w1, w2, x_mean=1.0, y_mean=-0.5, x_sig=0.2, y_sig=0.2)
    z -= bivar_gaussian(w1, w2, x_mean=-1.0, y_mean=0.5, x_sig=0.2, y_sig=0.2)
    z -= bivar_gaussian(w1, w2, x_mean=-0.5, y_mean=-0.8, x_sig=0.2, y_sig=0.2)
    return z


SGD_points = train_curve(lambda params: SGD(params, lr=0.5), comb_func, init=[0, 0])
SGDMom_points = train_curve(lambda params: SGDMomentum(params, lr=1, momentum=0.9), comb_func, init=[0, 0])
Adam_points = train_curve(lambda params: Adam(params, lr=0.2), comb_func, init=[0, 0])
for name, points in [("SGD", SGD_points), ("SGDMom", SGDMom_points), ("Adam", Adam_points)]:
    print(name, "steep optima", np.round(points[[0, 25, 50]], 5).tolist())


def train_with_optimizer(optimizer_func, model_name, epochs=3):
    set_seed(42)
    net = BaseNetwork(act_fn=nn.ReLU(), hidden_sizes=[64, 32, 32, 16]).to(device)
    kaiming_init(net)
    optimizer = optimizer_func(net.parameters())
    loss_module = nn.CrossEntropyLoss()
    loader = data.DataLoader(train_set, batch_size=64, shuffle=True, drop_last=True)
    for epoch in range(epochs):
        net.train()
        epoch_loss = 0.0
        for imgs, labels in loader:
            optimizer.zero_grad()
            loss = loss_module(net(imgs), labels)
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item()
        print(f"{model_name} epoch {epoch + 1} loss {epoch_loss / len(loader):.6f} "
              f"val acc {test_model(net, val_loader):.4f}")
    return net


train_with_optimizer(lambda params: SGD(params, lr=1e-1), "SGD")
train_with_optimizer(lambda params: SGDMomentum(params, lr=1e-1, momentum=0.9), "SGDMomentum")
net = train_with_optimizer(lambda params: Adam(params, lr=1e-3), "Adam")
builtin = train_with_optimizer(lambda params: optim.Adam(params, lr=1e-3), "torch.optim.Adam")
print("hand Adam == torch.optim.Adam:", all(torch.allclose(a, b, atol=1e-5)
                                            for a, b in zip(net.parameters(), builtin.parameters())))
