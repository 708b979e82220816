"""The UvA deep learning tutorial 8 (deep energy-based generative models),
written its way at a small size on the bundled digits (16x16, scaled to
[-1, 1]) with the Lightning module unrolled: a Swish CNN scoring images,
the Sampler with a replay buffer of examples (np.random.binomial for the
share of fresh noise, random.choices of old samples, chunk back into the
buffer), generate_samples' Langevin dynamics (requires_grad switched off on
the parameters and on for the images, torch.set_grad_enabled(True) and
restored, noise.normal_(0, 0.005), inp_imgs.data.add_ / clamp_, the
gradient's data clamped, grad.detach_() and zero_(), model.train(was)),
the contrastive-divergence loss with its energy regulariser, Adam with
beta1 = 0 and StepLR, a validation contrast against torch.rand_like noise,
and the tutorial's out-of-distribution checks (random, flipped, shifted
images). Seeded: every number agrees."""

import random

import _data
import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
import torch.utils.data as data

torch.set_num_threads(1)
device = torch.device("cpu")


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - as pl.seed_everything does
    torch.manual_seed(seed)


seed_everything(42)
pixels, labels = _data.digits()
imgs = np.kron(pixels.reshape(-1, 1, 8, 8), np.ones((1, 1, 2, 2))).astype(np.float32) / 16.0
imgs = (imgs - 0.5) / 0.5
train_set = data.TensorDataset(torch.from_numpy(imgs[:96]), torch.from_numpy(labels[:96]))
test_set = data.TensorDataset(torch.from_numpy(imgs[128:192]), torch.from_numpy(labels[128:192]))
train_loader = data.DataLoader(train_set, batch_size=16, shuffle=True, drop_last=True)
test_loader = data.DataLoader(test_set, batch_size=32, shuffle=False, drop_last=False)


class Swish(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


class CNNModel(nn.Module):
    def __init__(self, hidden_features=16, out_dim=1, **kwargs):
        super().__init__()
        c_hid1 = hidden_features // 2
        c_hid2 = hidden_features
        c_hid3 = hidden_features * 2
        self.cnn_layers = nn.Sequential(
            nn.Conv2d(1, c_hid1, kernel_size=5, stride=2, padding=4),
            Swish(),
            nn.Conv2d(c_hid1, c_hid2, kernel_size=3, stride=2, padding=1),
            Swish(),
            nn.Conv2d(c_hid2, c_hid3, kernel_size=3, stride=2, padding=1),
            Swish(),
            nn.Conv2d(c_hid3, c_hid3, kernel_size=3, stride=2, padding=1),
            Swish(),
            nn.Flatten(),
            nn.Linear(c_hid3 * 4, c_hid3),
            Swish(),
            nn.Linear(c_hid3, out_dim),
        )

    def forward(self, x):
        x = self.cnn_layers(x).squeeze(dim=-1)
        return x


class Sampler:
    def __init__(self, model, img_shape, sample_size, max_len=8192):
        """
        Args:
            model: Neural network to use for modeling E_theta
            img_shape: Shape of the images to model
            sample_size: Batch size of the samples
            max_len: Maximum number of data points to keep in the buffer
        """
        super().__init__()
        self.model = model
        self.img_shape = img_shape
        self.sample_size = sample_size
        self.max_len = max_len
        self.examples = [(torch.rand((1,) + img_shape) * 2 - 1) for _ in range(self.sample_size)]

    def sample_new_exmps(self, steps=60, step_size=10):
        n_new = np.random.binomial(self.sample_size, 0.05)  # noqa: NPY002 - the tutorial's call
        rand_imgs = torch.rand((n_new,) + self.img_shape) * 2 - 1
        old_imgs = torch.cat(random.choices(self.examples, k=self.sample_size - n_new), dim=0)
        inp_imgs = torch.cat([rand_imgs, old_imgs], dim=0).detach().to(device)
        inp_imgs = Sampler.generate_samples(self.model, inp_imgs, steps=steps, step_size=step_size)
        self.examples = list(inp_imgs.to(torch.device("cpu")).chunk(self.sample_size, dim=0)) + self.examples
        self.examples = self.examples[: self.max_len]
        return inp_imgs

    @staticmethod
    def generate_samples(model, inp_imgs, steps=60, step_size=10, return_img_per_step=False):
        is_training = model.training
        model.eval()
        for p in model.parameters():
            p.requires_grad = False
        inp_imgs.requires_grad = True
        had_gradients_enabled = torch.is_grad_enabled()
        torch.set_grad_enabled(True)
        noise = torch.randn(inp_imgs.shape, device=inp_imgs.device)
        imgs_per_step = []
        for _ in range(steps):
            noise.normal_(0, 0.005)
            inp_imgs.data.add_(noise.data)
            inp_imgs.data.clamp_(min=-1.0, max=1.0)
            out_imgs = -model(inp_imgs)
            out_imgs.sum().backward()
            inp_imgs.grad.data.clamp_(-0.03, 0.03)
            inp_imgs.data.add_(-step_size * inp_imgs.grad.data)
            inp_imgs.grad.detach_()
            inp_imgs.grad.zero_()
            inp_imgs.data.clamp_(min=-1.0, max=1.0)
            if return_img_per_step:
                imgs_per_step.append(inp_imgs.clone().detach())
        for p in model.parameters():
            p.requires_grad = True
        model.train(is_training)
        torch.set_grad_enabled(had_gradients_enabled)
        if return_img_per_step:
            return torch.stack(imgs_per_step, dim=0)
        else:
            return inp_imgs


class DeepEnergyModel(nn.Module):
    def __init__(self, img_shape, batch_size, alpha=0.1, lr=1e-4, beta1=0.0, **CNN_args):
        super().__init__()
        self.hparams = dict(img_shape=img_shape, batch_size=batch_size, alpha=alpha, lr=lr, beta1=beta1)
        self.cnn = CNNModel(**CNN_args)
        self.sampler = Sampler(self.cnn, img_shape=img_shape, sample_size=batch_size)
        self.example_input_array = torch.zeros(1, *img_shape)

    def forward(self, x):
        z = self.cnn(x)
        return z

    def configure_optimizers(self):
        optimizer = optim.Adam(self.parameters(), lr=self.hparams["lr"], betas=(self.hparams["beta1"], 0.999))
        scheduler = optim.lr_scheduler.StepLR(optimizer, 1, gamma=0.97)
        return [optimizer], [scheduler]

    def training_step(self, batch, batch_idx):
        real_imgs, _ = batch
        small_noise = torch.randn_like(real_imgs) * 0.005
        real_imgs.add_(small_noise).clamp_(min=-1.0, max=1.0)
        fake_imgs = self.sampler.sample_new_exmps(steps=10, step_size=10)
        inp_imgs = torch.cat([real_imgs, fake_imgs], dim=0)
        real_out, fake_out = self.cnn(inp_imgs).chunk(2, dim=0)
        reg_loss = self.hparams["alpha"] * (real_out**2 + fake_out**2).mean()
        cdiv_loss = fake_out.mean() - real_out.mean()
        loss = reg_loss + cdiv_loss
        return loss, reg_loss, cdiv_loss, real_out.mean(), fake_out.mean()

    def validation_step(self, batch, batch_idx):
        real_imgs, _ = batch
        fake_imgs = torch.rand_like(real_imgs) * 2 - 1
        inp_imgs = torch.cat([real_imgs, fake_imgs], dim=0)
        real_out, fake_out = self.cnn(inp_imgs).chunk(2, dim=0)
        cdiv = fake_out.mean() - real_out.mean()
        return cdiv, real_out.mean(), fake_out.mean()


seed_everything(42)
model = DeepEnergyModel(img_shape=(1, 16, 16), batch_size=train_loader.batch_size, lr=1e-3, beta1=0.0)
print(model.cnn, sum(p.numel() for p in model.parameters()), model.example_input_array.shape)
print("buffer", len(model.sampler.examples), model.sampler.examples[0].shape,
      round(torch.cat(model.sampler.examples).mean().item(), 6))
(optimizer,), (scheduler,) = model.configure_optimizers()
for epoch in range(2):
    model.train()
    for batch_idx, batch in enumerate(train_loader):
        loss, reg_loss, cdiv_loss, real_mean, fake_mean = model.training_step(batch, batch_idx)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if batch_idx % 2 == 0:
            print(f"epoch {epoch} step {batch_idx} | loss {loss.item():.6f} reg {reg_loss.item():.6f} "
                  f"cdiv {cdiv_loss.item():.6f} | real {real_mean.item():.6f} fake {fake_mean.item():.6f}")
    scheduler.step()
    model.eval()
    with torch.no_grad():
        for batch_idx, batch in enumerate(test_loader):
            cdiv, real_mean, fake_mean = model.validation_step(batch, batch_idx)
            print(f"  val {batch_idx} | cdiv {cdiv.item():.6f} real {real_mean.item():.6f} "
                  f"fake {fake_mean.item():.6f}")
    print(f"  lr {scheduler.get_last_lr()[0]:.8f} buffer {len(model.sampler.examples)} "
          f"grad enabled {torch.is_grad_enabled()} params trainable "
          f"{all(p.requires_grad for p in model.parameters())} training {model.cnn.training}")

seed_everything(43)
start_imgs = torch.rand((4,) + model.hparams["img_shape"]) * 2 - 1
torch.set_grad_enabled(False)
imgs_per_step = Sampler.generate_samples(model.cnn, start_imgs.clone(), steps=12, step_size=10,
                                         return_img_per_step=True)
print("grad enabled after sampling", torch.is_grad_enabled(), imgs_per_step.shape)
torch.set_grad_enabled(True)
with torch.no_grad():
    energies = [model.cnn(imgs_per_step[i]).mean().item() for i in range(0, 12, 4)]
print("energy along the chain", [round(e, 6) for e in energies],
      "pixels at +-1", round((imgs_per_step[-1].abs() == 1).float().mean().item(), 6))


@torch.no_grad()
def compare_images(img1, img2):
    imgs = torch.stack([img1, img2], dim=0).to(model.cnn.cnn_layers[0].weight.device)
    score1, score2 = model.cnn(imgs).cpu().chunk(2, dim=0)
    print(f"Score original image: {score1.item():4.6f} | Score transformed image: {score2.item():4.6f}")


exmp_img = test_set[0][0].to(model.cnn.cnn_layers[0].weight.device)
with torch.no_grad():
    rand_imgs = torch.rand((8,) + model.hparams["img_shape"]).to(model.cnn.cnn_layers[0].weight.device)
    rand_imgs = rand_imgs * 2 - 1.0
    rand_out = model.cnn(rand_imgs).mean()
    print(f"Average score for random images: {rand_out.item():4.6f}")
    train_imgs, _ = next(iter(train_loader))
    train_out = model.cnn(train_imgs.to(device)).mean()
    print(f"Average score for training images: {train_out.item():4.6f}")
compare_images(exmp_img, exmp_img.flip(dims=(1, 2)))
compare_images(exmp_img, torch.zeros_like(exmp_img) - 1)
img_shifted = torch.roll(exmp_img, shifts=(3, 3), dims=(1, 2))
compare_images(exmp_img, img_shifted)
