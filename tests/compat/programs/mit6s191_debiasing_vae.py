"""MIT 6.S191 Lab 2 part 2 (debiasing facial detection) in PyTorch on generated 16x16 "faces": a standard
CNN classifier (Conv2d/BatchNorm2d/ReLU stacks, Flatten) trained with binary_cross_entropy_with_logits, its
accuracy per skin-tone group, then the DB-VAE: the encoder's outputs split into the class logit, z_mean and
z_logsigma, sampling by randn_like, a transposed-conv decoder, vae_loss_function (KL plus mean absolute
reconstruction error) applied to faces only, get_latent_mu under torch.inference_mode, and the
histogram-based resampling probabilities (np.histogram, np.digitize, smoothing) that up-weight rare faces."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(2)
rng = np.random.RandomState(2)

# ---- data: faces (a blob of a light or a rarer dark tone) and non-faces (stripes) ----
N = 320
H = W = 16
yy, xx = np.mgrid[0:H, 0:W]
images = np.zeros((N, 3, H, W), dtype=np.float32)
labels = np.zeros((N, 1), dtype=np.float32)
dark = np.zeros(N, dtype=bool)
for i in range(N):
    background = rng.uniform(0.2, 0.6, size=3)[:, None, None]
    img = np.broadcast_to(background, (3, H, W)).copy()
    if i % 2 == 0:
        labels[i] = 1.0
        dark[i] = rng.rand() < 0.15
        tone = np.array([0.35, 0.22, 0.15]) if dark[i] else np.array([0.95, 0.8, 0.7])
        cy, cx, r = rng.uniform(6, 10), rng.uniform(6, 10), rng.uniform(3.5, 5.5)
        mask = ((yy - cy) ** 2 + (xx - cx) ** 2) < r ** 2
        img[:, mask] = tone[:, None]
        img[:, int(cy) - 1, int(cx) - 2:int(cx) + 3:4] = 0.05  # eyes
    else:
        period = rng.randint(3, 6)
        img[:, (yy + xx * rng.randint(0, 2)) % period == 0] = rng.uniform(0.6, 1.0)
    images[i] = img + 0.05 * rng.randn(3, H, W)
images_t = torch.from_numpy(images)
labels_t = torch.from_numpy(labels)
print("faces", int(labels.sum()), "dark-skinned faces", int(dark.sum()), "images", tuple(images_t.shape))

n_filters = 6


def make_standard_classifier(n_outputs=1):
    Conv2d = lambda in_channels, out_channels, kernel_size=3, stride=2, padding=1: nn.Conv2d(  # noqa: E731
        in_channels, out_channels, kernel_size=kernel_size, stride=stride, padding=padding)
    BatchNormalization = nn.BatchNorm2d
    Flatten = nn.Flatten
    Dense = nn.Linear
    model = nn.Sequential(
        Conv2d(3, 1 * n_filters, kernel_size=5, stride=2, padding=2),
        nn.ReLU(),
        BatchNormalization(1 * n_filters),
        Conv2d(1 * n_filters, 2 * n_filters, kernel_size=5, stride=2, padding=2),
        nn.ReLU(),
        BatchNormalization(2 * n_filters),
        Conv2d(2 * n_filters, 4 * n_filters, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        BatchNormalization(4 * n_filters),
        Flatten(),
        Dense(4 * n_filters * 2 * 2, 32),
        nn.ReLU(),
        Dense(32, n_outputs),
    )
    return model


standard_classifier = make_standard_classifier()
print(standard_classifier)

params = dict(batch_size=32, num_epochs=4, learning_rate=5e-3)
optimizer = torch.optim.Adam(standard_classifier.parameters(), lr=params["learning_rate"])
loss_history = []


def standard_train_step(x, y):
    x = x.float()
    y = y.float()
    optimizer.zero_grad()
    logits = standard_classifier(x)
    loss = F.binary_cross_entropy_with_logits(logits, y)
    loss.backward()
    optimizer.step()
    return loss


for epoch in range(params["num_epochs"]):
    perm = torch.randperm(N)
    for idx in range(0, N, params["batch_size"]):
        batch = perm[idx:idx + params["batch_size"]]
        loss = standard_train_step(images_t[batch], labels_t[batch])
        loss_history.append(loss.detach().cpu().numpy())
    print(f"standard epoch {epoch} loss {np.mean(loss_history[-10:]):.5f}")

standard_classifier.eval()
with torch.inference_mode():
    logits = standard_classifier(images_t)
    preds = torch.sigmoid(logits).squeeze(-1)
faces = labels[:, 0] == 1
print("standard face detection: light {:.4f} dark {:.4f} non-face false positives {:.4f}".format(
    preds[faces & ~dark].mean().item(), preds[faces & dark].mean().item(), preds[~faces].mean().item()))


# ---- DB-VAE ----
def vae_loss_function(x, x_recon, mu, logsigma, kl_weight=0.0005):
    latent_loss = 0.5 * torch.sum(torch.exp(logsigma) + mu ** 2 - 1 - logsigma, dim=1)
    reconstruction_loss = torch.mean(torch.abs(x - x_recon), dim=(1, 2, 3))
    vae_loss = kl_weight * latent_loss + reconstruction_loss
    return vae_loss


def sampling(z_mean, z_logsigma):
    eps = torch.randn_like(z_mean)
    z = z_mean + torch.exp(0.5 * z_logsigma) * eps
    return z


def debiasing_loss_function(x, x_pred, y, y_logit, mu, logsigma):
    vae_loss = vae_loss_function(x, x_pred, mu, logsigma)
    classification_loss = F.binary_cross_entropy_with_logits(y_logit, y, reduction="none")
    y = y.float()
    face_indicator = (y == 1.0).float()
    total_loss = torch.mean(classification_loss * face_indicator + face_indicator * vae_loss.unsqueeze(-1))
    return total_loss, classification_loss, vae_loss


def make_face_decoder_network(latent_dim=100, n_filters=6):
    FCN = nn.Sequential(nn.Linear(latent_dim, 4 * n_filters * 2 * 2), nn.ReLU())
    deconv = nn.Sequential(
        nn.ConvTranspose2d(4 * n_filters, 2 * n_filters, kernel_size=4, stride=2, padding=1),
        nn.ReLU(),
        nn.ConvTranspose2d(2 * n_filters, n_filters, kernel_size=4, stride=2, padding=1),
        nn.ReLU(),
        nn.ConvTranspose2d(n_filters, 3, kernel_size=4, stride=2, padding=1),
    )

    class Decoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = FCN
            self.deconv = deconv

        def forward(self, z):
            x = self.fc(z).view(-1, 4 * n_filters, 2, 2)
            return self.deconv(x)

    return Decoder()


class DB_VAE(nn.Module):
    def __init__(self, latent_dim=100):
        super(DB_VAE, self).__init__()
        self.latent_dim = latent_dim
        num_encoder_dims = 2 * self.latent_dim + 1
        self.encoder = make_standard_classifier(num_encoder_dims)
        self.decoder = make_face_decoder_network(latent_dim)

    def encode(self, x):
        encoder_output = self.encoder(x)
        y_logit = encoder_output[:, 0].unsqueeze(-1)
        z_mean = encoder_output[:, 1:self.latent_dim + 1]
        z_logsigma = encoder_output[:, self.latent_dim + 1:]
        return y_logit, z_mean, z_logsigma

    def reparameterize(self, z_mean, z_logsigma):
        z = sampling(z_mean, z_logsigma)
        return z

    def decode(self, z):
        reconstruction = self.decoder(z)
        return reconstruction

    def forward(self, x):
        y_logit, z_mean, z_logsigma = self.encode(x)
        z = self.reparameterize(z_mean, z_logsigma)
        recon = self.decode(z)
        return y_logit, z_mean, z_logsigma, recon

    def predict(self, x):
        y_logit, z_mean, z_logsigma = self.encode(x)
        return y_logit


latent_dim = 4
dbvae = DB_VAE(latent_dim)
print("decoder output", tuple(dbvae.decode(torch.zeros(2, latent_dim)).shape),
      "parameters", sum(p.numel() for p in dbvae.parameters()))


def get_latent_mu(images, dbvae, batch_size=64):
    dbvae.eval()
    all_z_mean = []
    images_t = torch.from_numpy(images).float()
    with torch.inference_mode():
        for start in range(0, len(images_t), batch_size):
            batch = images_t[start:start + batch_size]
            _, z_mean, _, _ = dbvae(batch)
            all_z_mean.append(z_mean.cpu())
    z_mean_full = torch.cat(all_z_mean, dim=0)
    mu = z_mean_full.numpy()
    return mu


def get_training_sample_probabilities(images, dbvae, bins=10, smoothing_fac=0.001):
    print("Recomputing the sampling probabilities")
    mu = get_latent_mu(images, dbvae)
    training_sample_p = np.zeros(mu.shape[0], dtype=np.float64)
    for i in range(latent_dim):
        latent_distribution = mu[:, i]
        hist_density, bin_edges = np.histogram(latent_distribution, density=True, bins=bins)
        bin_edges[0] = -float("inf")
        bin_edges[-1] = float("inf")
        bin_idx = np.digitize(latent_distribution, bin_edges)
        hist_smoothed_density = hist_density + smoothing_fac
        hist_smoothed_density = hist_smoothed_density / np.sum(hist_smoothed_density)
        p = 1.0 / (hist_smoothed_density[bin_idx - 1])
        p = p / np.sum(p)
        training_sample_p = np.maximum(training_sample_p, p)
    training_sample_p /= np.sum(training_sample_p)
    return training_sample_p


optimizer = torch.optim.Adam(dbvae.parameters(), lr=1e-3)


def debiasing_train_step(x, y):
    optimizer.zero_grad()
    y_logit, z_mean, z_logsigma, x_recon = dbvae(x)
    loss, class_loss, _ = debiasing_loss_function(x, x_recon, y, y_logit, z_mean, z_logsigma)
    loss.backward()
    optimizer.step()
    return loss


all_faces = images[faces]
face_dark = dark[faces]
face_idx = np.where(faces)[0]
nonface_idx = np.where(~faces)[0]
for i in range(4):
    p_faces = get_training_sample_probabilities(all_faces, dbvae)
    print("epoch {} mean sampling prob dark {:.6f} light {:.6f} ratio {:.3f}".format(
        i, p_faces[face_dark].mean(), p_faces[~face_dark].mean(), p_faces[face_dark].mean() / p_faces[~face_dark].mean()))
    dbvae.train()
    for j in range(8):
        chosen = np.concatenate([face_idx[rng.choice(len(face_idx), 16, p=p_faces)],
                                 nonface_idx[rng.choice(len(nonface_idx), 16)]])
        loss = debiasing_train_step(images_t[chosen], labels_t[chosen])
    print("epoch {} loss {:.5f}".format(i, loss.item()))

dbvae.eval()
with torch.inference_mode():
    y_logit, z_mean, z_logsigma, recon = dbvae(images_t[:8])
    probs = torch.sigmoid(dbvae.predict(images_t)).squeeze(-1)
print("z_logsigma mean {:.5f} recon L1 {:.5f}".format(z_logsigma.mean().item(), (recon - images_t[:8]).abs().mean().item()))
print("db-vae face detection: light {:.4f} dark {:.4f} non-face {:.4f}".format(
    probs[faces & ~dark].mean().item(), probs[faces & dark].mean().item(), probs[~faces].mean().item()))
print("inference tensors", recon.is_inference(), z_mean.requires_grad)
