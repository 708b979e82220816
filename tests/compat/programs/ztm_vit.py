"""The Zero to Mastery course's notebook 08 (paper replicating: ViT), written
the course's way at a small size on the bundled digits (0/1/2, tinted RGB,
32x32): the equation-by-equation walk (patch counts, a Conv2d with
kernel_size=stride=patch_size, nn.Flatten(start_dim=2, end_dim=3),
permute(0, 2, 1)), PatchEmbedding with its divisibility assert, a class token
from torch.ones by nn.Parameter(requires_grad=True) and torch.cat, the
position embedding added, MultiheadSelfAttentionBlock (LayerNorm then
nn.MultiheadAttention(batch_first=True) with need_weights=False), MLPBlock
with GELU and Dropout, TransformerEncoderBlock with residuals, the same block
as nn.TransformerEncoderLayer(norm_first=True, activation="gelu") loaded with
the custom block's weights and compared, the ViT class (class_embedding
.expand, embedding dropout, nn.Sequential of blocks, classifier on x[:, 0]),
and a short training with the going_modular engine and Adam(weight_decay).
Seeded (dropout included): every number agrees."""

from typing import Dict, List, Tuple

import _data
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.set_num_threads(1)
device = "cuda" if torch.cuda.is_available() else "cpu"


def set_seeds(seed: int = 42):
    """Sets random sets for torch operations."""
    torch.manual_seed(seed)
    torch.cuda.manual_seed(seed)


pixels, labels = _data.digits()
keep = labels < 3
tint = np.array([[1.0, 0.5, 0.2], [0.7, 0.3, 0.2], [0.9, 0.9, 0.9]], dtype=np.float32)
imgs = np.kron(pixels[keep].reshape(-1, 1, 8, 8), np.ones((1, 1, 4, 4))).astype(np.float32) / 16.0
imgs = imgs * tint[labels[keep]][:, :, None, None]
X_all, y_all = torch.from_numpy(imgs), torch.from_numpy(labels[keep])
train_data = TensorDataset(X_all[:240], y_all[:240])
test_data = TensorDataset(X_all[240:360], y_all[240:360])
class_names = ["pizza", "steak", "sushi"]
BATCH_SIZE = 32
set_seeds()
train_dataloader = DataLoader(train_data, batch_size=BATCH_SIZE, shuffle=True)
test_dataloader = DataLoader(test_data, batch_size=BATCH_SIZE, shuffle=False)
image_batch, label_batch = next(iter(train_dataloader))
image, label = image_batch[0], label_batch[0]
print(image.shape, label, class_names[label])

# ---------------------------------------------------------------- equation 1, step by step
height = 32
width = 32
color_channels = 3
patch_size = 8
number_of_patches = int((height * width) / patch_size**2)
print(f"Number of patches (N) with image height (H={height}), width (W={width}) and patch size "
      f"(P={patch_size}): {number_of_patches}")
embedding_layer_input_shape = (height, width, color_channels)
embedding_layer_output_shape = (number_of_patches, patch_size**2 * color_channels)
print(f"Input shape (single 2D image): {embedding_layer_input_shape}")
print(f"Output shape (single 2D image flattened into patches): {embedding_layer_output_shape}")
image_permuted = image.permute(1, 2, 0)
print(image_permuted[:patch_size, :, 0].shape, image_permuted[:patch_size, :, 0].sum())
img_size = 32
num_patches = img_size / patch_size
assert img_size % patch_size == 0, "Image size must be divisible by patch size"
print(f"Number of patches per row: {num_patches}\nPatch size: {patch_size} pixels x {patch_size} pixels")
for i, patch in enumerate(range(0, img_size, patch_size)):
    print(i, patch, image_permuted[:patch_size, patch:patch + patch_size, :].mean().item())

set_seeds()
conv2d = nn.Conv2d(in_channels=3,
                   out_channels=48,
                   kernel_size=patch_size,
                   stride=patch_size,
                   padding=0)
image_out_of_conv = conv2d(image.unsqueeze(0))
print(image_out_of_conv.shape)
single_feature_map = image_out_of_conv[:, 0, :, :]
print(single_feature_map, single_feature_map.requires_grad)
flatten = nn.Flatten(start_dim=2,
                     end_dim=3)
image_out_of_conv_flattened = flatten(image_out_of_conv)
print(f"Flattened image feature map shape: {image_out_of_conv_flattened.shape}")
image_out_of_conv_flattened_reshaped = image_out_of_conv_flattened.permute(0, 2, 1)
print(f"Patch embedding sequence shape: {image_out_of_conv_flattened_reshaped.shape} -> "
      f"[batch_size, num_patches, embedding_size]")
single_flattened_feature_map = image_out_of_conv_flattened_reshaped[:, :, 0]
print(single_flattened_feature_map.shape, single_flattened_feature_map.detach().numpy().round(4))


class PatchEmbedding(nn.Module):
    """Turns a 2D input image into a 1D sequence learnable embedding vector."""

    def __init__(self,
                 in_channels: int = 3,
                 patch_size: int = 8,
                 embedding_dim: int = 48):
        super().__init__()
        self.patch_size = patch_size
        self.patcher = nn.Conv2d(in_channels=in_channels,
                                 out_channels=embedding_dim,
                                 kernel_size=patch_size,
                                 stride=patch_size,
                                 padding=0)
        self.flatten = nn.Flatten(start_dim=2,
                                  end_dim=3)

    def forward(self, x):
        image_resolution = x.shape[-1]
        assert image_resolution % self.patch_size == 0, (f"Input image size must be divisble by patch size, "
                                                         f"image shape: {image_resolution}, patch size: "
                                                         f"{self.patch_size}")
        x_patched = self.patcher(x)
        x_flattened = self.flatten(x_patched)
        return x_flattened.permute(0, 2, 1)


set_seeds()
patchify = PatchEmbedding(in_channels=3,
                          patch_size=8,
                          embedding_dim=48)
print(f"Input image shape: {image.unsqueeze(0).shape}")
patch_embedded_image = patchify(image.unsqueeze(0))
print(f"Output patch embedding shape: {patch_embedded_image.shape}")
try:
    patchify(torch.randn(1, 3, 30, 30))
except AssertionError as e:
    print("AssertionError:", e)
print(patch_embedded_image[0, :2, :5])
batch_size = patch_embedded_image.shape[0]
embedding_dimension = patch_embedded_image.shape[-1]
class_token = nn.Parameter(torch.ones(batch_size, 1, embedding_dimension),
                           requires_grad=True)
print(class_token[:, :, :10])
print(f"Class token embedding shape: {class_token.shape} -> [batch_size, number_of_tokens, embedding_dimension]")
patch_embedded_image_with_class_embedding = torch.cat((class_token, patch_embedded_image),
                                                      dim=1)
print(patch_embedded_image_with_class_embedding[:, :2, :4])
print(f"Sequence of patch embeddings with class token prepended shape: "
      f"{patch_embedded_image_with_class_embedding.shape} -> [batch_size, number_of_patches, embedding_dimension]")
position_embedding = nn.Parameter(torch.ones(1,
                                             number_of_patches + 1,
                                             embedding_dimension),
                                  requires_grad=True)
print(position_embedding[:, :10, :10].sum(), f"{position_embedding.shape}")
patch_and_position_embedding = patch_embedded_image_with_class_embedding + position_embedding
print(patch_and_position_embedding[:, :2, :4])
print(f"Patch embeddings, class token prepended and positional embeddings added shape: "
      f"{patch_and_position_embedding.shape}")


class MultiheadSelfAttentionBlock(nn.Module):
    """Creates a multi-head self-attention block ("MSA block" for short)."""

    def __init__(self,
                 embedding_dim: int = 48,
                 num_heads: int = 4,
                 attn_dropout: float = 0):
        super().__init__()
        self.layer_norm = nn.LayerNorm(normalized_shape=embedding_dim)
        self.multihead_attn = nn.MultiheadAttention(embed_dim=embedding_dim,
                                                    num_heads=num_heads,
                                                    dropout=attn_dropout,
                                                    batch_first=True)

    def forward(self, x):
        x = self.layer_norm(x)
        attn_output, _ = self.multihead_attn(query=x,
                                             key=x,
                                             value=x,
                                             need_weights=False)
        return attn_output


set_seeds()
multihead_self_attention_block = MultiheadSelfAttentionBlock(embedding_dim=48,
                                                             num_heads=4)
patched_image_through_msa_block = multihead_self_attention_block(patch_and_position_embedding)
print(f"Input shape of MSA block: {patch_and_position_embedding.shape}")
print(f"Output shape MSA block: {patched_image_through_msa_block.shape}")
print(patched_image_through_msa_block[0, :2, :4])


class MLPBlock(nn.Module):
    """Creates a layer normalized multilayer perceptron block ("MLP block" for short)."""

    def __init__(self,
                 embedding_dim: int = 48,
                 mlp_size: int = 96,
                 dropout: float = 0.1):
        super().__init__()
        self.layer_norm = nn.LayerNorm(normalized_shape=embedding_dim)
        self.mlp = nn.Sequential(
            nn.Linear(in_features=embedding_dim,
                      out_features=mlp_size),
            nn.GELU(),
            nn.Dropout(p=dropout),
            nn.Linear(in_features=mlp_size,
                      out_features=embedding_dim),
            nn.Dropout(p=dropout)
        )

    def forward(self, x):
        x = self.layer_norm(x)
        x = self.mlp(x)
        return x


set_seeds()
mlp_block = MLPBlock(embedding_dim=48,
                     mlp_size=96,
                     dropout=0.1)
patched_image_through_mlp_block = mlp_block(patched_image_through_msa_block)
print(f"Input shape of MLP block: {patched_image_through_msa_block.shape}")
print(f"Output shape MLP block: {patched_image_through_mlp_block.shape}")
print(patched_image_through_mlp_block[0, :2, :4])


class TransformerEncoderBlock(nn.Module):
    """Creates a Transformer Encoder block."""

    def __init__(self,
                 embedding_dim: int = 48,
                 num_heads: int = 4,
                 mlp_size: int = 96,
                 mlp_dropout: float = 0.1,
                 attn_dropout: float = 0):
        super().__init__()
        self.msa_block = MultiheadSelfAttentionBlock(embedding_dim=embedding_dim,
                                                     num_heads=num_heads,
                                                     attn_dropout=attn_dropout)
        self.mlp_block = MLPBlock(embedding_dim=embedding_dim,
                                  mlp_size=mlp_size,
                                  dropout=mlp_dropout)

    def forward(self, x):
        x = self.msa_block(x) + x
        x = self.mlp_block(x) + x
        return x


set_seeds()
transformer_encoder_block = TransformerEncoderBlock()
print(transformer_encoder_block)
print(sum(p.numel() for p in transformer_encoder_block.parameters()))
torch_transformer_encoder_layer = nn.TransformerEncoderLayer(d_model=48,
                                                             nhead=4,
                                                             dim_feedforward=96,
                                                             dropout=0.1,
                                                             activation="gelu",
                                                             batch_first=True,
                                                             norm_first=True)
print(torch_transformer_encoder_layer)
print(sum(p.numel() for p in torch_transformer_encoder_layer.parameters()))
print(list(torch_transformer_encoder_layer.state_dict().keys()))
ours = transformer_encoder_block.state_dict()
mapping = {"self_attn.in_proj_weight": "msa_block.multihead_attn.in_proj_weight",
           "self_attn.in_proj_bias": "msa_block.multihead_attn.in_proj_bias",
           "self_attn.out_proj.weight": "msa_block.multihead_attn.out_proj.weight",
           "self_attn.out_proj.bias": "msa_block.multihead_attn.out_proj.bias",
           "linear1.weight": "mlp_block.mlp.0.weight", "linear1.bias": "mlp_block.mlp.0.bias",
           "linear2.weight": "mlp_block.mlp.3.weight", "linear2.bias": "mlp_block.mlp.3.bias",
           "norm1.weight": "msa_block.layer_norm.weight", "norm1.bias": "msa_block.layer_norm.bias",
           "norm2.weight": "mlp_block.layer_norm.weight", "norm2.bias": "mlp_block.layer_norm.bias"}
print(torch_transformer_encoder_layer.load_state_dict({k: ours[v] for k, v in mapping.items()}))
transformer_encoder_block.eval()
torch_transformer_encoder_layer.eval()
with torch.inference_mode():
    a = transformer_encoder_block(patch_and_position_embedding)
    b = torch_transformer_encoder_layer(patch_and_position_embedding)
print("custom block == nn.TransformerEncoderLayer:", torch.allclose(a, b, atol=1e-5), a[0, 0, :4])


class ViT(nn.Module):
    """Creates a Vision Transformer architecture with ViT-Base hyperparameters by default."""

    def __init__(self,
                 img_size: int = 32,
                 in_channels: int = 3,
                 patch_size: int = 8,
                 num_transformer_layers: int = 2,
                 embedding_dim: int = 48,
                 mlp_size: int = 96,
                 num_heads: int = 4,
                 attn_dropout: float = 0,
                 mlp_dropout: float = 0.1,
                 embedding_dropout: float = 0.1,
                 num_classes: int = 1000):
        super().__init__()
        assert img_size % patch_size == 0, (f"Image size must be divisible by patch size, image size: {img_size}, "
                                            f"patch size: {patch_size}.")
        self.num_patches = (img_size * img_size) // patch_size**2
        self.class_embedding = nn.Parameter(data=torch.randn(1, 1, embedding_dim),
                                            requires_grad=True)
        self.position_embedding = nn.Parameter(data=torch.randn(1, self.num_patches + 1, embedding_dim),
                                               requires_grad=True)
        self.embedding_dropout = nn.Dropout(p=embedding_dropout)
        self.patch_embedding = PatchEmbedding(in_channels=in_channels,
                                              patch_size=patch_size,
                                              embedding_dim=embedding_dim)
        self.transformer_encoder = nn.Sequential(*[TransformerEncoderBlock(embedding_dim=embedding_dim,
                                                                           num_heads=num_heads,
                                                                           mlp_size=mlp_size,
                                                                           mlp_dropout=mlp_dropout)
                                                   for _ in range(num_transformer_layers)])
        self.classifier = nn.Sequential(
            nn.LayerNorm(normalized_shape=embedding_dim),
            nn.Linear(in_features=embedding_dim,
                      out_features=num_classes)
        )

    def forward(self, x):
        batch_size = x.shape[0]
        class_token = self.class_embedding.expand(batch_size, -1, -1)
        x = self.patch_embedding(x)
        x = torch.cat((class_token, x), dim=1)
        x = self.position_embedding + x
        x = self.embedding_dropout(x)
        x = self.transformer_encoder(x)
        x = self.classifier(x[:, 0])
        return x


set_seeds()
random_image_tensor = torch.randn(1, 3, 32, 32)
vit = ViT(num_classes=len(class_names))
print(vit(random_image_tensor))
print("ViT params", sum(p.numel() for p in vit.parameters()),
      [n for n, _ in vit.named_parameters()][:4])
try:
    ViT(img_size=30)
except AssertionError as e:
    print("AssertionError:", e)


def train_step(model, dataloader, loss_fn, optimizer, device) -> Tuple[float, float]:
    model.train()
    train_loss, train_acc = 0, 0
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)
        y_pred = model(X)
        loss = loss_fn(y_pred, y)
        train_loss += loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        y_pred_class = torch.argmax(torch.softmax(y_pred, dim=1), dim=1)
        train_acc += (y_pred_class == y).sum().item() / len(y_pred)
    return train_loss / len(dataloader), train_acc / len(dataloader)


def test_step(model, dataloader, loss_fn, device) -> Tuple[float, float]:
    model.eval()
    test_loss, test_acc = 0, 0
    with torch.inference_mode():
        for batch, (X, y) in enumerate(dataloader):
            X, y = X.to(device), y.to(device)
            test_pred_logits = model(X)
            loss = loss_fn(test_pred_logits, y)
            test_loss += loss.item()
            test_pred_labels = test_pred_logits.argmax(dim=1)
            test_acc += ((test_pred_labels == y).sum().item() / len(test_pred_labels))
    return test_loss / len(dataloader), test_acc / len(dataloader)


def train(model, train_dataloader, test_dataloader, optimizer, loss_fn, epochs, device) -> Dict[str, List]:
    results = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    for epoch in range(epochs):
        train_loss, train_acc = train_step(model=model, dataloader=train_dataloader, loss_fn=loss_fn,
                                           optimizer=optimizer, device=device)
        test_loss, test_acc = test_step(model=model, dataloader=test_dataloader, loss_fn=loss_fn, device=device)
        print(f"Epoch: {epoch + 1} | train_loss: {train_loss:.4f} | train_acc: {train_acc:.4f} | "
              f"test_loss: {test_loss:.4f} | test_acc: {test_acc:.4f}")
        results["train_loss"].append(train_loss)
        results["train_acc"].append(train_acc)
        results["test_loss"].append(test_loss)
        results["test_acc"].append(test_acc)
    return results


set_seeds()
optimizer = torch.optim.Adam(params=vit.parameters(),
                             lr=3e-3,
                             betas=(0.9, 0.999),
                             weight_decay=0.3)
loss_fn = torch.nn.CrossEntropyLoss()
results = train(model=vit,
                train_dataloader=train_dataloader,
                test_dataloader=test_dataloader,
                optimizer=optimizer,
                loss_fn=loss_fn,
                epochs=3,
                device=device)
print({k: [round(v, 6) for v in vals] for k, vals in results.items()})
print(vit.class_embedding[0, 0, :4], vit.position_embedding.grad.abs().sum())
