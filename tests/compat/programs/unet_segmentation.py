"""A U-Net for binary segmentation as milesial/Pytorch-UNet writes it, at toy
size: DoubleConv (Conv2d-BatchNorm2d-ReLU twice, bias=False), Down by
MaxPool2d, Up by ConvTranspose2d (or bilinear F.interpolate with
align_corners=True) with F.pad to align odd sizes before torch.cat with the
skip, OutConv 1x1; loss BCEWithLogitsLoss plus a soft Dice loss on sigmoid
probabilities (and segmentation_models_pytorch's DiceLoss as an
nn.modules.loss._Loss subclass); SGD with momentum (the repository's RMSprop turns float32
rounding of near-zero gradients into full-size steps, so its numbers are not
reproducible across libraries) and ReduceLROnPlateau on the validation
Dice, gradient clipping, and a Dice/IoU evaluation on thresholded masks. The
data are synthetic discs and squares on odd-sized images; everything is
seeded, so every number agrees with PyTorch."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor
from torch.utils.data import DataLoader, Dataset

torch.set_num_threads(1)
torch.manual_seed(42)


class DoubleConv(nn.Module):
    """(convolution => [BN] => ReLU) * 2"""

    def __init__(self, in_channels, out_channels, mid_channels=None):
        super().__init__()
        if not mid_channels:
            mid_channels = out_channels
        self.double_conv = nn.Sequential(
            nn.Conv2d(in_channels, mid_channels, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(mid_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid_channels, out_channels, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.double_conv(x)


class Down(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.maxpool_conv = nn.Sequential(nn.MaxPool2d(2), DoubleConv(in_channels, out_channels))

    def forward(self, x):
        return self.maxpool_conv(x)


class Up(nn.Module):
    def __init__(self, in_channels, out_channels, bilinear=True):
        super().__init__()
        self.bilinear = bilinear
        if bilinear:
            self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
            self.conv = DoubleConv(in_channels, out_channels, in_channels // 2)
        else:
            self.up = nn.ConvTranspose2d(in_channels, in_channels // 2, kernel_size=2, stride=2)
            self.conv = DoubleConv(in_channels, out_channels)

    def forward(self, x1, x2):
        x1 = self.up(x1)
        # input is CHW
        diffY = x2.size()[2] - x1.size()[2]
        diffX = x2.size()[3] - x1.size()[3]
        x1 = F.pad(x1, [diffX // 2, diffX - diffX // 2, diffY // 2, diffY - diffY // 2])
        x = torch.cat([x2, x1], dim=1)
        return self.conv(x)


class OutConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size=1)

    def forward(self, x):
        return self.conv(x)


class UNet(nn.Module):
    def __init__(self, n_channels, n_classes, bilinear=False, base=4):
        super().__init__()
        self.n_channels = n_channels
        self.n_classes = n_classes
        self.bilinear = bilinear
        factor = 2 if bilinear else 1
        self.inc = DoubleConv(n_channels, base)
        self.down1 = Down(base, base * 2)
        self.down2 = Down(base * 2, base * 4 // factor)
        self.up1 = Up(base * 4, base * 2 // factor, bilinear)
        self.up2 = Up(base * 2, base, bilinear)
        self.outc = OutConv(base, n_classes)

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down1(x1)
        x3 = self.down2(x2)
        x = self.up1(x3, x2)
        x = self.up2(x, x1)
        return self.outc(x)


def dice_coeff(input: Tensor, target: Tensor, reduce_batch_first: bool = False, epsilon: float = 1e-6):
    # Average of Dice coefficient for all batches, or for a single mask
    assert input.size() == target.size()
    assert input.dim() == 3 or not reduce_batch_first
    sum_dim = (-1, -2) if input.dim() == 2 or not reduce_batch_first else (-1, -2, -3)
    inter = 2 * (input * target).sum(dim=sum_dim)
    sets_sum = input.sum(dim=sum_dim) + target.sum(dim=sum_dim)
    sets_sum = torch.where(sets_sum == 0, inter, sets_sum)
    dice = (inter + epsilon) / (sets_sum + epsilon)
    return dice.mean()


def dice_loss(input: Tensor, target: Tensor):
    return 1 - dice_coeff(input, target, reduce_batch_first=True)


class SoftDiceLoss(nn.modules.loss._Loss):
    """segmentation_models_pytorch-style: a _Loss subclass on logits, per-image Dice averaged."""

    def __init__(self, smooth=1.0, eps=1e-7, reduction="mean"):
        super().__init__(reduction=reduction)
        self.smooth, self.eps = smooth, eps

    def forward(self, y_pred, y_true):
        bs = y_true.size(0)
        y_pred = F.logsigmoid(y_pred).exp().view(bs, 1, -1)
        y_true = y_true.view(bs, 1, -1).type_as(y_pred)
        inter = torch.sum(y_pred * y_true, dim=2)
        card = torch.sum(y_pred + y_true, dim=2)
        dice = (2.0 * inter + self.smooth) / (card + self.smooth).clamp_min(self.eps)
        loss = 1.0 - dice
        return loss.mean() if self.reduction == "mean" else loss


class Shapes(Dataset):
    """Discs and squares at random places on 19x21 noisy images."""

    def __init__(self, n, seed):
        g = torch.Generator().manual_seed(seed)
        H, W = 19, 21
        yy, xx = torch.meshgrid(torch.arange(H), torch.arange(W), indexing="ij")
        self.images, self.masks = [], []
        for _ in range(n):
            cy = torch.randint(5, H - 5, (1,), generator=g).item()
            cx = torch.randint(5, W - 5, (1,), generator=g).item()
            r = torch.randint(2, 5, (1,), generator=g).item()
            if torch.rand(1, generator=g).item() < 0.5:
                mask = ((yy - cy) ** 2 + (xx - cx) ** 2 <= r * r)
            else:
                mask = ((yy - cy).abs() <= r) & ((xx - cx).abs() <= r)
            img = mask.float() * 0.8 + 0.35 * torch.randn(H, W, generator=g)
            self.images.append(img.unsqueeze(0))
            self.masks.append(mask.long())

    def __len__(self):
        return len(self.images)

    def __getitem__(self, idx):
        return {"image": self.images[idx], "mask": self.masks[idx]}


train_set, val_set = Shapes(24, 0), Shapes(8, 1)
print("mask fraction", f"{torch.stack(train_set.masks).float().mean().item():.5f}")
train_loader = DataLoader(train_set, batch_size=6, shuffle=True)
val_loader = DataLoader(val_set, batch_size=4, shuffle=False, drop_last=True)

# shapes through both upsampling paths, on odd sizes
for bilinear in (False, True):
    net = UNet(1, 1, bilinear=bilinear)
    out = net(torch.randn(2, 1, 19, 21))
    n_params = sum(p.numel() for p in net.parameters())
    print(f"bilinear={bilinear} out {tuple(out.shape)} params {n_params}")
up = net.up1.up(torch.arange(4.0).reshape(1, 1, 2, 2))
print("bilinear upsample", [round(v, 4) for v in up[0, 0, 1].tolist()])
print("pad", tuple(F.pad(torch.ones(1, 1, 4, 5), [0, 1, 1, 0]).shape))
small = torch.arange(12.0).reshape(1, 1, 3, 4)
for mode, ac in (("nearest", None), ("bilinear", False), ("bilinear", True)):
    big = F.interpolate(small, size=(5, 7), mode=mode, align_corners=ac)
    print(f"interpolate {mode} align_corners={ac}", [round(v, 4) for v in big[0, 0, 2].tolist()])


@torch.inference_mode()
def evaluate(net, dataloader):
    net.eval()
    num_val_batches = len(dataloader)
    dice_score, iou = 0, 0
    for batch in dataloader:
        image, mask_true = batch["image"], batch["mask"]
        mask_pred = net(image)
        assert mask_true.min() >= 0 and mask_true.max() <= 1
        mask_pred = (F.sigmoid(mask_pred) > 0.5).float()
        dice_score += dice_coeff(mask_pred.squeeze(1), mask_true.float(), reduce_batch_first=False)
        inter = (mask_pred.squeeze(1) * mask_true).sum((1, 2))
        union = ((mask_pred.squeeze(1) + mask_true) > 0).sum((1, 2))
        iou += (inter / union.clamp(min=1)).mean()
    net.train()
    return dice_score / max(num_val_batches, 1), iou / max(num_val_batches, 1)


torch.manual_seed(7)
model = UNet(n_channels=1, n_classes=1, bilinear=False)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, weight_decay=1e-8, momentum=0.9, foreach=True)
scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, "max", patience=1)
criterion = nn.BCEWithLogitsLoss()
global_step = 0
for epoch in range(1, 5):
    model.train()
    epoch_loss = 0
    for batch in train_loader:
        images, true_masks = batch["image"], batch["mask"]
        assert images.shape[1] == model.n_channels
        images = images.to(device="cpu", dtype=torch.float32, memory_format=torch.channels_last)
        true_masks = true_masks.to(device="cpu", dtype=torch.long)
        masks_pred = model(images)
        loss = criterion(masks_pred.squeeze(1), true_masks.float())
        loss += dice_loss(F.sigmoid(masks_pred.squeeze(1)), true_masks.float())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        global_step += 1
        epoch_loss += loss.item()
    val_score, val_iou = evaluate(model, val_loader)
    scheduler.step(val_score)
    print(f"epoch {epoch} loss {epoch_loss / len(train_loader):.5f} val dice {val_score.item():.5f} "
          f"iou {val_iou.item():.5f} lr {optimizer.param_groups[0]['lr']:.2e}")

model.eval()
with torch.no_grad():
    val_logits = model(torch.stack(val_set.images))
    val_masks = torch.stack(val_set.masks)
    smp_dice = SoftDiceLoss()
    print(f"smp dice loss {smp_dice(val_logits, val_masks).item():.5f} per image "
          f"{[round(v, 4) for v in SoftDiceLoss(reduction='none')(val_logits, val_masks).flatten()[:4].tolist()]}",
          "reduction", smp_dice.reduction)
    probs = torch.sigmoid(model(val_set.images[0].unsqueeze(0)))
mask = probs[0, 0] > 0.5
print("predicted pixels", mask.sum().item(), "true pixels", val_set.masks[0].sum().item())
print("bn running_mean", [round(v, 5) for v in model.inc.double_conv[1].running_mean.tolist()])
print("steps", global_step, "num_batches_tracked", model.inc.double_conv[1].num_batches_tracked.item())
