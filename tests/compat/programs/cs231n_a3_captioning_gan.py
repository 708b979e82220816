"""CS231n assignment 3 PyTorch parts as students fill them in: transformer_layers.py (PositionalEncoding
with a registered pe buffer built by arange/exp/sin/cos on strided slices, MultiHeadAttention by hand with
view/transpose, a causal attn_mask from torch.tril and masked_fill(mask == 0, -inf), softmax and dropout),
CaptioningTransformer (visual projection, nn.TransformerDecoder with batch_first, the module's own
_init_weights by self.apply, temporal_softmax_loss with ignore_index via F.cross_entropy, greedy sample
with torch.argmax), then Generative_Adversarial_Networks.ipynb: sample_noise (torch.rand * 2 - 1),
nn.Unflatten generators, initialize_weights with xavier_uniform_, bce_loss written as
F.binary_cross_entropy_with_logits, discriminator/generator losses, least-squares losses, and the DCGAN
discriminator/generator with ConvTranspose2d and BatchNorm, trained a few steps with Adam(betas=(0.5, 0.999))."""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(231)
dtype = torch.float


class PositionalEncoding(nn.Module):
    def __init__(self, embed_dim, dropout=0.1, max_len=5000):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        assert embed_dim % 2 == 0
        pe = torch.zeros(1, max_len, embed_dim)
        position = torch.arange(0, max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, embed_dim, 2) * (-math.log(10000.0) / embed_dim))
        pe[0, :, 0::2] = torch.sin(position * div_term)
        pe[0, :, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe)

    def forward(self, x):
        N, S, D = x.shape
        output = x + self.pe[:, :S, :]
        output = self.dropout(output)
        return output


class MultiHeadAttention(nn.Module):
    def __init__(self, embed_dim, num_heads, dropout=0.1):
        super().__init__()
        assert embed_dim % num_heads == 0
        self.key = nn.Linear(embed_dim, embed_dim)
        self.query = nn.Linear(embed_dim, embed_dim)
        self.value = nn.Linear(embed_dim, embed_dim)
        self.proj = nn.Linear(embed_dim, embed_dim)
        self.attn_drop = nn.Dropout(dropout)
        self.n_head = num_heads
        self.emd_dim = embed_dim
        self.head_dim = self.emd_dim // self.n_head

    def forward(self, query, key, value, attn_mask=None):
        N, S, E = query.shape
        N, T, E = value.shape
        H = self.n_head
        q = self.query(query).view(N, S, H, E // H).transpose(1, 2)
        k = self.key(key).view(N, T, H, E // H).transpose(1, 2)
        v = self.value(value).view(N, T, H, E // H).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.head_dim)
        if attn_mask is not None:
            scores = scores.masked_fill(attn_mask == 0, float("-inf"))
        attn = self.attn_drop(torch.softmax(scores, dim=-1))
        y = torch.matmul(attn, v).transpose(1, 2).contiguous().view(N, S, E)
        return self.proj(y)


# the notebook's checks on fixed inputs
torch.manual_seed(231)
pe_layer = PositionalEncoding(6, dropout=0.0, max_len=10)
x = torch.randn(1, 3, 6)
print("pe out", pe_layer(x))
print("pe buffer", pe_layer.pe.shape, [n for n, _ in pe_layer.named_buffers()])
attn = MultiHeadAttention(8, 2, dropout=0.0)
data = torch.randn(1, 4, 8)
mask = torch.randn(4, 4) < 0.5
print("self-attn", attn(data, data, data)[0, 0])
print("masked", attn(data, data, data, mask)[0, :2])
print("tril mask", torch.tril(torch.ones(3, 3, dtype=torch.bool)))


def temporal_softmax_loss(x, y, ignore_index=None):
    N, T, V = x.shape
    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    loss = F.cross_entropy(x_flat, y_flat, ignore_index=ignore_index, reduction="sum")
    loss /= N
    return loss


class CaptioningTransformer(nn.Module):
    def __init__(self, word_to_idx, input_dim, wordvec_dim, num_heads=4, num_layers=2, max_length=50):
        super().__init__()
        vocab_size = len(word_to_idx)
        self.vocab_size = vocab_size
        self._null = word_to_idx["<NULL>"]
        self._start = word_to_idx.get("<START>", None)
        self._end = word_to_idx.get("<END>", None)
        self.visual_projection = nn.Linear(input_dim, wordvec_dim)
        self.embedding = nn.Embedding(vocab_size, wordvec_dim, padding_idx=self._null)
        self.positional_encoding = PositionalEncoding(wordvec_dim, dropout=0.0, max_len=max_length)
        decoder_layer = nn.TransformerDecoderLayer(wordvec_dim, num_heads, dim_feedforward=64, dropout=0.0,
                                                   batch_first=True)
        self.transformer = nn.TransformerDecoder(decoder_layer, num_layers=num_layers)
        self.apply(self._init_weights)
        self.output = nn.Linear(wordvec_dim, vocab_size)

    def _init_weights(self, module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            module.weight.data.normal_(mean=0.0, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)

    def forward(self, features, captions):
        N, T = captions.shape
        caption_embeddings = self.embedding(captions)
        caption_embeddings = self.positional_encoding(caption_embeddings)
        projected_features = self.visual_projection(features).unsqueeze(1)
        tgt_mask = torch.tril(torch.ones(T, T, device=caption_embeddings.device, dtype=torch.bool))
        tgt_mask = ~tgt_mask
        features = self.transformer(caption_embeddings, projected_features, tgt_mask=tgt_mask)
        return self.output(features)

    def sample(self, features, max_length=30):
        with torch.no_grad():
            features = torch.Tensor(features)
            N = features.shape[0]
            captions = self._null * np.ones((N, max_length), dtype=np.int32)
            partial_caption = self._start * np.ones(N, dtype=np.int32)
            partial_caption = torch.LongTensor(partial_caption)
            partial_caption = partial_caption.unsqueeze(1)
            for t in range(max_length):
                output_logits = self.forward(features, partial_caption)
                output_logits = output_logits[:, -1, :]
                word = torch.argmax(output_logits, axis=1)
                captions[:, t] = word.numpy()
                word = word.unsqueeze(1)
                partial_caption = torch.cat([partial_caption, word], dim=1)
            return captions


# toy "COCO": the caption names the feature's two largest coordinates
words = ["<NULL>", "<START>", "<END>", "a", "b", "c", "d", "e", "f"]
word_to_idx = {w: i for i, w in enumerate(words)}
rs = np.random.RandomState(0)
feats = rs.randn(64, 6).astype(np.float32)
caps = np.zeros((64, 5), dtype=np.int64)
for i in range(64):
    top = np.argsort(-feats[i])[:2]
    caps[i] = [1, 3 + top[0], 3 + top[1], 2, 0]
features = torch.from_numpy(feats)
captions = torch.from_numpy(caps)
torch.manual_seed(231)
model = CaptioningTransformer(word_to_idx, input_dim=6, wordvec_dim=32, num_heads=4, num_layers=2,
                              max_length=10)
print("captioning params", sum(p.numel() for p in model.parameters()))
optim = torch.optim.Adam(model.parameters(), lr=1e-3)
for it in range(60):
    captions_in = captions[:, :-1]
    captions_out = captions[:, 1:]
    logits = model(features, captions_in)
    loss = temporal_softmax_loss(logits, captions_out, ignore_index=model._null)
    optim.zero_grad()
    loss.backward()
    optim.step()
    if it % 10 == 0:
        print(f"(Iteration {it + 1} / 60) loss: {loss.item():.6f}")
model.eval()
sampled = model.sample(feats[:4], max_length=4)
print("sampled", sampled.tolist(), sampled.dtype)
print("truth", caps[:4, 1:].tolist())

# ----------------------------------------------------------------- the GAN notebook
NOISE_DIM = 16


def sample_noise(batch_size, dim, seed=None):
    if seed is not None:
        torch.manual_seed(seed)
    return torch.rand(batch_size, dim) * 2 - 1


z = sample_noise(5, 3, seed=7)
print("noise", z.min().item() >= -1, z.max().item() <= 1, z.shape, z[0])


def discriminator(seed=None):
    if seed is not None:
        torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.LeakyReLU(0.01), nn.Linear(32, 32),
                         nn.LeakyReLU(0.01), nn.Linear(32, 1))


def generator(noise_dim=NOISE_DIM, seed=None):
    if seed is not None:
        torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(noise_dim, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                         nn.Linear(64, 64), nn.Tanh(), nn.Unflatten(1, (1, 8, 8)))


def bce_loss(input, target):
    return nn.functional.binary_cross_entropy_with_logits(input, target)


def discriminator_loss(logits_real, logits_fake):
    true_labels = torch.ones_like(logits_real).type(dtype)
    real_image_loss = bce_loss(logits_real, true_labels)
    fake_image_loss = bce_loss(logits_fake, 1 - true_labels)
    return real_image_loss + fake_image_loss


def generator_loss(logits_fake):
    true_labels = torch.ones_like(logits_fake).type(dtype)
    return bce_loss(logits_fake, true_labels)


def ls_discriminator_loss(scores_real, scores_fake):
    return 0.5 * torch.mean((scores_real - 1) ** 2) + 0.5 * torch.mean(scores_fake ** 2)


def ls_generator_loss(scores_fake):
    return 0.5 * torch.mean((scores_fake - 1) ** 2)


logits_real = torch.tensor([[1.2], [-0.4], [3.0]])
logits_fake = torch.tensor([[-2.0], [0.5], [0.1]])
print("d loss", discriminator_loss(logits_real, logits_fake).item())
print("g loss", generator_loss(logits_fake).item())
print("ls losses", ls_discriminator_loss(logits_real, logits_fake).item(), ls_generator_loss(logits_fake).item())


def initialize_weights(m):
    if isinstance(m, nn.Linear) or isinstance(m, nn.ConvTranspose2d):
        nn.init.xavier_uniform_(m.weight.data)


def get_optimizer(model):
    return torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.5, 0.999))


import _data  # noqa: E402

pix, labels = _data.digits()
real = torch.tensor(pix[:256] / 8.0 - 1.0, dtype=torch.float32).view(-1, 1, 8, 8)


def run_a_gan(D, G, D_solver, G_solver, discriminator_loss, generator_loss, steps=30, batch_size=32, tag=""):
    for it in range(steps):
        x = real[(it * batch_size) % 256:(it * batch_size) % 256 + batch_size]
        D_solver.zero_grad()
        logits_real = D(2 * (x.view(batch_size, 1, 8, 8) + 1) / 2 - 1)
        g_fake_seed = sample_noise(batch_size, NOISE_DIM)
        fake_images = G(g_fake_seed).detach()
        logits_fake = D(fake_images.view(batch_size, 1, 8, 8))
        d_total_error = discriminator_loss(logits_real, logits_fake)
        d_total_error.backward()
        D_solver.step()
        G_solver.zero_grad()
        g_fake_seed = sample_noise(batch_size, NOISE_DIM)
        fake_images = G(g_fake_seed)
        gen_logits_fake = D(fake_images.view(batch_size, 1, 8, 8))
        g_error = generator_loss(gen_logits_fake)
        g_error.backward()
        G_solver.step()
        if it % 10 == 0:
            print(f"{tag} Iter: {it}, D: {d_total_error.item():.4}, G:{g_error.item():.4}")
    return fake_images


torch.manual_seed(12)
D = discriminator().type(dtype)
G = generator().type(dtype)
D.apply(initialize_weights)
G.apply(initialize_weights)
imgs = run_a_gan(D, G, get_optimizer(D), get_optimizer(G), discriminator_loss, generator_loss, tag="vanilla")
print("fake images", imgs.shape, f"{imgs.mean().item():.5f}")
D_LS = discriminator().type(dtype)
G_LS = generator().type(dtype)
imgs = run_a_gan(D_LS, G_LS, get_optimizer(D_LS), get_optimizer(G_LS), ls_discriminator_loss, ls_generator_loss,
                 tag="ls")


def build_dc_classifier():
    return nn.Sequential(nn.Unflatten(1, (1, 8, 8)), nn.Conv2d(1, 8, 3, padding=1), nn.LeakyReLU(0.01),
                         nn.MaxPool2d(2, 2), nn.Conv2d(8, 16, 3, padding=1), nn.LeakyReLU(0.01), nn.MaxPool2d(2, 2),
                         nn.Flatten(), nn.Linear(16 * 2 * 2, 16), nn.LeakyReLU(0.01), nn.Linear(16, 1))


def build_dc_generator(noise_dim=NOISE_DIM):
    return nn.Sequential(nn.Linear(noise_dim, 64), nn.ReLU(), nn.BatchNorm1d(64), nn.Linear(64, 16 * 2 * 2),
                         nn.ReLU(), nn.BatchNorm1d(16 * 2 * 2), nn.Unflatten(1, (16, 2, 2)),
                         nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1), nn.ReLU(), nn.BatchNorm2d(8),
                         nn.ConvTranspose2d(8, 1, 4, stride=2, padding=1), nn.Tanh(), nn.Flatten())


D_DC = build_dc_classifier().type(dtype)
D_DC.apply(initialize_weights)
G_DC = build_dc_generator().type(dtype)
G_DC.apply(initialize_weights)
print(G_DC)
print("dc shapes", D_DC(torch.zeros(2, 64)).shape, G_DC(sample_noise(2, NOISE_DIM)).shape)


def run_dc(D, G, steps=20, batch_size=32):
    D_solver, G_solver = get_optimizer(D), get_optimizer(G)
    for it in range(steps):
        x = real[(it * batch_size) % 256:(it * batch_size) % 256 + batch_size].view(batch_size, 64)
        D_solver.zero_grad()
        d_err = discriminator_loss(D(x), D(G(sample_noise(batch_size, NOISE_DIM)).detach()))
        d_err.backward()
        D_solver.step()
        G_solver.zero_grad()
        g_err = generator_loss(D(G(sample_noise(batch_size, NOISE_DIM))))
        g_err.backward()
        G_solver.step()
        if it % 5 == 0:
            print(f"dc Iter: {it}, D: {d_err.item():.4}, G:{g_err.item():.4}")


run_dc(D_DC, G_DC)
G_DC.eval()
print("dc eval sample", G_DC(sample_noise(3, NOISE_DIM, seed=1))[:, :4])
