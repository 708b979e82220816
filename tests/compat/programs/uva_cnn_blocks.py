"""The UvA deep learning tutorial 5 (Inception, ResNet and DenseNet), written
its way at a small size on the bundled digits (tinted RGB, 16x16) in place of
CIFAR-10: per-channel DATA_MEANS / DATA_STD normalisation, a random flip of
batch rows, act_fn_by_name holding classes, InceptionBlock with c_red / c_out
dicts and torch.cat of four branches, GoogleNet with hparams in a
SimpleNamespace and _init_params (kaiming_normal_ by nonlinearity name,
constant_ BatchNorm), ResNetBlock and PreActResNetBlock with subsampling and
1x1 downsampling, ResNet built from num_blocks / c_hidden, DenseLayer /
DenseBlock / TransitionLayer and DenseNet, parameter counts, and a short
training of each with SGD (momentum, weight decay) and MultiStepLR, then eval-mode accuracy. Seeded: every number
agrees."""

from types import SimpleNamespace

import _data
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
import torch.utils.data as data

torch.set_num_threads(1)
torch.manual_seed(42)
device = torch.device("cpu")

pixels, labels = _data.digits()
tint = np.array([[0.9, 0.4, 0.3], [0.2, 0.7, 0.5], [0.6, 0.6, 0.9]], dtype=np.float32)
imgs = np.kron(pixels.reshape(-1, 1, 8, 8), np.ones((1, 1, 2, 2))).astype(np.float32) / 16.0
imgs = imgs * tint[labels % 3][:, :, None, None]
train_images, test_images = imgs[:256], imgs[256:384]
DATA_MEANS = train_images.mean(axis=(0, 2, 3))
DATA_STD = train_images.std(axis=(0, 2, 3))
print("Data mean", np.round(DATA_MEANS, 5))
print("Data std", np.round(DATA_STD, 5))
mean_t = torch.tensor(DATA_MEANS).view(1, 3, 1, 1)
std_t = torch.tensor(DATA_STD).view(1, 3, 1, 1)
train_set = data.TensorDataset((torch.from_numpy(train_images) - mean_t) / std_t, torch.from_numpy(labels[:256]))
test_set = data.TensorDataset((torch.from_numpy(test_images) - mean_t) / std_t, torch.from_numpy(labels[256:384]))
train_loader = data.DataLoader(train_set, batch_size=64, shuffle=True, drop_last=True)
test_loader = data.DataLoader(test_set, batch_size=64, shuffle=False, drop_last=False)
imgs_batch, _ = next(iter(train_loader))
print("Batch mean", imgs_batch.mean(dim=[0, 2, 3]))
print("Batch std", imgs_batch.std(dim=[0, 2, 3]))

act_fn_by_name = {"tanh": nn.Tanh, "relu": nn.ReLU, "leakyrelu": nn.LeakyReLU, "gelu": nn.GELU}


class InceptionBlock(nn.Module):
    def __init__(self, c_in, c_red: dict, c_out: dict, act_fn):
        """
        Args:
            c_in: Number of input feature maps from the previous layers
            c_red: Dictionary with keys "3x3" and "5x5" specifying the output of the dimensionality reducing 1x1 convolutions
            c_out: Dictionary with keys "1x1", "3x3", "5x5", and "max"
            act_fn: Activation class constructor (e.g. nn.ReLU)
        """
        super().__init__()
        self.conv_1x1 = nn.Sequential(
            nn.Conv2d(c_in, c_out["1x1"], kernel_size=1), nn.BatchNorm2d(c_out["1x1"]), act_fn()
        )
        self.conv_3x3 = nn.Sequential(
            nn.Conv2d(c_in, c_red["3x3"], kernel_size=1),
            nn.BatchNorm2d(c_red["3x3"]),
            act_fn(),
            nn.Conv2d(c_red["3x3"], c_out["3x3"], kernel_size=3, padding=1),
            nn.BatchNorm2d(c_out["3x3"]),
            act_fn(),
        )
        self.conv_5x5 = nn.Sequential(
            nn.Conv2d(c_in, c_red["5x5"], kernel_size=1),
            nn.BatchNorm2d(c_red["5x5"]),
            act_fn(),
            nn.Conv2d(c_red["5x5"], c_out["5x5"], kernel_size=5, padding=2),
            nn.BatchNorm2d(c_out["5x5"]),
            act_fn(),
        )
        self.max_pool = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, padding=1, stride=1),
            nn.Conv2d(c_in, c_out["max"], kernel_size=1),
            nn.BatchNorm2d(c_out["max"]),
            act_fn(),
        )

    def forward(self, x):
        x_1x1 = self.conv_1x1(x)
        x_3x3 = self.conv_3x3(x)
        x_5x5 = self.conv_5x5(x)
        x_max = self.max_pool(x)
        x_out = torch.cat([x_1x1, x_3x3, x_5x5, x_max], dim=1)
        return x_out


class GoogleNet(nn.Module):
    def __init__(self, num_classes=10, act_fn_name="relu", **kwargs):
        super().__init__()
        self.hparams = SimpleNamespace(
            num_classes=num_classes, act_fn_name=act_fn_name, act_fn=act_fn_by_name[act_fn_name]
        )
        self._create_network()
        self._init_params()

    def _create_network(self):
        self.input_net = nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=3, padding=1), nn.BatchNorm2d(16), self.hparams.act_fn()
        )
        self.inception_blocks = nn.Sequential(
            InceptionBlock(
                16,
                c_red={"3x3": 8, "5x5": 4},
                c_out={"1x1": 4, "3x3": 8, "5x5": 2, "max": 2},
                act_fn=self.hparams.act_fn,
            ),
            InceptionBlock(
                16,
                c_red={"3x3": 8, "5x5": 4},
                c_out={"1x1": 6, "3x3": 8, "5x5": 4, "max": 6},
                act_fn=self.hparams.act_fn,
            ),
            nn.MaxPool2d(3, stride=2, padding=1),
            InceptionBlock(
                24,
                c_red={"3x3": 8, "5x5": 4},
                c_out={"1x1": 8, "3x3": 12, "5x5": 4, "max": 8},
                act_fn=self.hparams.act_fn,
            ),
        )
        self.output_net = nn.Sequential(
            nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(32, self.hparams.num_classes)
        )

    def _init_params(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity=self.hparams.act_fn_name)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.input_net(x)
        x = self.inception_blocks(x)
        x = self.output_net(x)
        return x


class ResNetBlock(nn.Module):
    def __init__(self, c_in, act_fn, subsample=False, c_out=-1):
        super().__init__()
        if not subsample:
            c_out = c_in
        self.net = nn.Sequential(
            nn.Conv2d(c_in, c_out, kernel_size=3, padding=1, stride=1 if not subsample else 2, bias=False),
            nn.BatchNorm2d(c_out),
            act_fn(),
            nn.Conv2d(c_out, c_out, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
        )
        self.downsample = nn.Conv2d(c_in, c_out, kernel_size=1, stride=2) if subsample else None
        self.act_fn = act_fn()

    def forward(self, x):
        z = self.net(x)
        if self.downsample is not None:
            x = self.downsample(x)
        out = z + x
        out = self.act_fn(out)
        return out


class PreActResNetBlock(nn.Module):
    def __init__(self, c_in, act_fn, subsample=False, c_out=-1):
        super().__init__()
        if not subsample:
            c_out = c_in
        self.net = nn.Sequential(
            nn.BatchNorm2d(c_in),
            act_fn(),
            nn.Conv2d(c_in, c_out, kernel_size=3, padding=1, stride=1 if not subsample else 2, bias=False),
            nn.BatchNorm2d(c_out),
            act_fn(),
            nn.Conv2d(c_out, c_out, kernel_size=3, padding=1, bias=False),
        )
        self.downsample = (
            nn.Sequential(nn.BatchNorm2d(c_in), act_fn(), nn.Conv2d(c_in, c_out, kernel_size=1, stride=2, bias=False))
            if subsample
            else None
        )

    def forward(self, x):
        z = self.net(x)
        if self.downsample is not None:
            x = self.downsample(x)
        out = z + x
        return out


resnet_blocks_by_name = {"ResNetBlock": ResNetBlock, "PreActResNetBlock": PreActResNetBlock}


class ResNet(nn.Module):
    def __init__(
        self,
        num_classes=10,
        num_blocks=[1, 1, 1],  # noqa: B006 - the tutorial's defaults
        c_hidden=[8, 16, 32],  # noqa: B006
        act_fn_name="relu",
        block_name="ResNetBlock",
        **kwargs,
    ):
        super().__init__()
        assert block_name in resnet_blocks_by_name
        self.hparams = SimpleNamespace(
            num_classes=num_classes,
            c_hidden=c_hidden,
            num_blocks=num_blocks,
            act_fn_name=act_fn_name,
            act_fn=act_fn_by_name[act_fn_name],
            block_class=resnet_blocks_by_name[block_name],
        )
        self._create_network()
        self._init_params()

    def _create_network(self):
        c_hidden = self.hparams.c_hidden
        if self.hparams.block_class == PreActResNetBlock:
            self.input_net = nn.Sequential(nn.Conv2d(3, c_hidden[0], kernel_size=3, padding=1, bias=False))
        else:
            self.input_net = nn.Sequential(
                nn.Conv2d(3, c_hidden[0], kernel_size=3, padding=1, bias=False),
                nn.BatchNorm2d(c_hidden[0]),
                self.hparams.act_fn(),
            )
        blocks = []
        for block_idx, block_count in enumerate(self.hparams.num_blocks):
            for bc in range(block_count):
                subsample = bc == 0 and block_idx > 0
                blocks.append(
                    self.hparams.block_class(
                        c_in=c_hidden[block_idx if not subsample else (block_idx - 1)],
                        act_fn=self.hparams.act_fn,
                        subsample=subsample,
                        c_out=c_hidden[block_idx],
                    )
                )
        self.blocks = nn.Sequential(*blocks)
        self.output_net = nn.Sequential(
            nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(c_hidden[-1], self.hparams.num_classes)
        )

    def _init_params(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity=self.hparams.act_fn_name)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.input_net(x)
        x = self.blocks(x)
        x = self.output_net(x)
        return x


class DenseLayer(nn.Module):
    def __init__(self, c_in, bn_size, growth_rate, act_fn):
        super().__init__()
        self.net = nn.Sequential(
            nn.BatchNorm2d(c_in),
            act_fn(),
            nn.Conv2d(c_in, bn_size * growth_rate, kernel_size=1, bias=False),
            nn.BatchNorm2d(bn_size * growth_rate),
            act_fn(),
            nn.Conv2d(bn_size * growth_rate, growth_rate, kernel_size=3, padding=1, bias=False),
        )

    def forward(self, x):
        out = self.net(x)
        out = torch.cat([out, x], dim=1)
        return out


class DenseBlock(nn.Module):
    def __init__(self, c_in, num_layers, bn_size, growth_rate, act_fn):
        super().__init__()
        layers = []
        for layer_idx in range(num_layers):
            layers.append(
                DenseLayer(
                    c_in=c_in + layer_idx * growth_rate,
                    bn_size=bn_size,
                    growth_rate=growth_rate,
                    act_fn=act_fn,
                )
            )
        self.block = nn.Sequential(*layers)

    def forward(self, x):
        out = self.block(x)
        return out


class TransitionLayer(nn.Module):
    def __init__(self, c_in, c_out, act_fn):
        super().__init__()
        self.transition = nn.Sequential(
            nn.BatchNorm2d(c_in),
            act_fn(),
            nn.Conv2d(c_in, c_out, kernel_size=1, bias=False),
            nn.AvgPool2d(kernel_size=2, stride=2),
        )

    def forward(self, x):
        return self.transition(x)


class DenseNet(nn.Module):
    def __init__(
        self, num_classes=10, num_layers=[2, 2, 2], bn_size=2, growth_rate=4, act_fn_name="relu",  # noqa: B006
        **kwargs
    ):
        super().__init__()
        self.hparams = SimpleNamespace(
            num_classes=num_classes,
            num_layers=num_layers,
            bn_size=bn_size,
            growth_rate=growth_rate,
            act_fn_name=act_fn_name,
            act_fn=act_fn_by_name[act_fn_name],
        )
        self._create_network()
        self._init_params()

    def _create_network(self):
        c_hidden = self.hparams.growth_rate * self.hparams.bn_size
        self.input_net = nn.Sequential(
            nn.Conv2d(3, c_hidden, kernel_size=3, padding=1)
        )
        blocks = []
        for block_idx, num_layers in enumerate(self.hparams.num_layers):
            blocks.append(
                DenseBlock(
                    c_in=c_hidden,
                    num_layers=num_layers,
                    bn_size=self.hparams.bn_size,
                    growth_rate=self.hparams.growth_rate,
                    act_fn=self.hparams.act_fn,
                )
            )
            c_hidden = c_hidden + num_layers * self.hparams.growth_rate
            if block_idx < len(self.hparams.num_layers) - 1:
                blocks.append(TransitionLayer(c_in=c_hidden, c_out=c_hidden // 2, act_fn=self.hparams.act_fn))
                c_hidden = c_hidden // 2
        self.blocks = nn.Sequential(*blocks)
        self.output_net = nn.Sequential(
            nn.BatchNorm2d(c_hidden),
            self.hparams.act_fn(),
            nn.AdaptiveAvgPool2d((1, 1)),
            nn.Flatten(),
            nn.Linear(c_hidden, self.hparams.num_classes),
        )

    def _init_params(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity=self.hparams.act_fn_name)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.input_net(x)
        x = self.blocks(x)
        x = self.output_net(x)
        return x


model_dict = {"GoogleNet": GoogleNet, "ResNet": ResNet, "DenseNet": DenseNet}


def create_model(model_name, model_hparams):
    if model_name in model_dict:
        return model_dict[model_name](**model_hparams)
    else:
        assert False, f'Unknown model name "{model_name}". Available models are: {str(model_dict.keys())}'  # noqa: B011


try:
    create_model("VGG", {})
except AssertionError as e:
    print("AssertionError:", e)


def random_horizontal_flip(imgs):
    flip = torch.rand(imgs.shape[0]) < 0.5
    return torch.where(flip[:, None, None, None], imgs.flip(-1), imgs)


def train_model(model_name, optimizer_name, optimizer_hparams, epochs=1, **model_hparams):
    torch.manual_seed(42)
    model = create_model(model_name, model_hparams).to(device)
    print(f"{model_name} {model_hparams.get('block_name', '')} params "
          f"{sum(np.prod(p.shape) for p in model.parameters())} buffers {len(list(model.buffers()))}")
    if optimizer_name == "Adam":
        optimizer = optim.AdamW(model.parameters(), **optimizer_hparams)
    elif optimizer_name == "SGD":
        optimizer = optim.SGD(model.parameters(), **optimizer_hparams)
    else:
        assert False, f'Unknown optimizer: "{optimizer_name}"'  # noqa: B011
    scheduler = optim.lr_scheduler.MultiStepLR(optimizer, milestones=[1, 2], gamma=0.1)
    loss_module = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        model.train()
        for batch_idx, (imgs, labels) in enumerate(train_loader):
            imgs = random_horizontal_flip(imgs)
            preds = model(imgs)
            loss = loss_module(preds, labels)
            acc = (preds.argmax(dim=-1) == labels).float().mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            print(f"  epoch {epoch} batch {batch_idx} | train_loss {loss.item():.6f} | train_acc {acc:.4f}")
        scheduler.step()
        print(f"  lr {scheduler.get_last_lr()[0]:.6f}")
    model.eval()
    with torch.no_grad():
        correct, total, loss_sum = 0, 0, 0.0
        for imgs, labels in test_loader:
            preds = model(imgs)
            loss_sum += loss_module(preds, labels).item() * labels.shape[0]
            correct += (preds.argmax(dim=-1) == labels).sum().item()
            total += labels.shape[0]
    print(f"  test_loss {loss_sum / total:.6f} test_acc {correct / total:.4f}")
    return model


# The tutorial trains GoogleNet and DenseNet with Adam; here SGD: their convs' biases feed BatchNorm, so their
# gradients are rounding noise (~1e-8, different in every implementation), which Adam scales up to full steps.
googlenet = train_model(
    model_name="GoogleNet",
    model_hparams={"num_classes": 10, "act_fn_name": "relu"},
    optimizer_name="SGD",
    optimizer_hparams={"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4},
    num_classes=10,
    act_fn_name="relu",
)
print(np.round(googlenet.inception_blocks[0].conv_3x3[1].running_mean[:3].numpy(), 6).tolist(),
      googlenet.hparams.act_fn_name)
resnet = train_model(
    model_name="ResNet",
    optimizer_name="SGD",
    optimizer_hparams={"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4},
    num_classes=10, c_hidden=[8, 16, 32], num_blocks=[1, 1, 1], act_fn_name="relu",
)
preact = train_model(
    model_name="ResNet",
    optimizer_name="SGD",
    optimizer_hparams={"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4},
    num_classes=10, c_hidden=[8, 16, 32], num_blocks=[1, 1, 1], act_fn_name="relu", block_name="PreActResNetBlock",
)
densenet = train_model(
    model_name="DenseNet",
    optimizer_name="SGD",
    optimizer_hparams={"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4},
    num_classes=10, num_layers=[2, 2, 2], bn_size=2, growth_rate=4, act_fn_name="relu",
)
for name, m in [("googlenet", googlenet), ("resnet", resnet), ("preact", preact), ("densenet", densenet)]:
    x = test_set[0][0].unsqueeze(0)
    with torch.no_grad():
        print(name, np.round(m(x).softmax(dim=-1)[0, :4].numpy(), 6).tolist(),
              [tuple(c.shape) for c in list(m.parameters())[:2]])
print(resnet.blocks[1].downsample, resnet.blocks[1].net[0].stride, preact.blocks[2].downsample[2].weight.shape)
