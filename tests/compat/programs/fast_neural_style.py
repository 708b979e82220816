"""PyTorch's fast_neural_style example, shrunk: the TransformerNet (ReflectionPad2d
convolutions, InstanceNorm2d with affine, residual blocks, nearest-neighbour
upsampling by interpolate) trained against a small fixed "loss network" with a
content loss on features and a style loss on Gram matrices computed by bmm.
Every weight and image is fixed, so every printed number agrees."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim import Adam

torch.set_num_threads(1)


class ConvLayer(torch.nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride):
        super(ConvLayer, self).__init__()
        reflection_padding = kernel_size // 2
        self.reflection_pad = torch.nn.ReflectionPad2d(reflection_padding)
        self.conv2d = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride)

    def forward(self, x):
        out = self.reflection_pad(x)
        out = self.conv2d(out)
        return out


class ResidualBlock(torch.nn.Module):
    def __init__(self, channels):
        super(ResidualBlock, self).__init__()
        self.conv1 = ConvLayer(channels, channels, kernel_size=3, stride=1)
        self.in1 = torch.nn.InstanceNorm2d(channels, affine=True)
        self.conv2 = ConvLayer(channels, channels, kernel_size=3, stride=1)
        self.in2 = torch.nn.InstanceNorm2d(channels, affine=True)
        self.relu = torch.nn.ReLU()

    def forward(self, x):
        residual = x
        out = self.relu(self.in1(self.conv1(x)))
        out = self.in2(self.conv2(out))
        out = out + residual
        return out


class UpsampleConvLayer(torch.nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride, upsample=None):
        super(UpsampleConvLayer, self).__init__()
        self.upsample = upsample
        reflection_padding = kernel_size // 2
        self.reflection_pad = torch.nn.ReflectionPad2d(reflection_padding)
        self.conv2d = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride)

    def forward(self, x):
        x_in = x
        if self.upsample:
            x_in = torch.nn.functional.interpolate(x_in, mode='nearest', scale_factor=self.upsample)
        out = self.reflection_pad(x_in)
        out = self.conv2d(out)
        return out


class TransformerNet(torch.nn.Module):
    def __init__(self, c=8):
        super(TransformerNet, self).__init__()
        self.conv1 = ConvLayer(3, c, kernel_size=5, stride=1)
        self.in1 = torch.nn.InstanceNorm2d(c, affine=True)
        self.conv2 = ConvLayer(c, 2 * c, kernel_size=3, stride=2)
        self.in2 = torch.nn.InstanceNorm2d(2 * c, affine=True)
        self.res1 = ResidualBlock(2 * c)
        self.res2 = ResidualBlock(2 * c)
        self.deconv1 = UpsampleConvLayer(2 * c, c, kernel_size=3, stride=1, upsample=2)
        self.in4 = torch.nn.InstanceNorm2d(c, affine=True)
        self.deconv3 = ConvLayer(c, 3, kernel_size=5, stride=1)
        self.relu = torch.nn.ReLU()

    def forward(self, X):
        y = self.relu(self.in1(self.conv1(X)))
        y = self.relu(self.in2(self.conv2(y)))
        y = self.res1(y)
        y = self.res2(y)
        y = self.relu(self.in4(self.deconv1(y)))
        y = self.deconv3(y)
        return y


class LossNet(torch.nn.Module):
    """Stands in for VGG16: two slices whose outputs are returned as a namedtuple-like tuple."""

    def __init__(self):
        super(LossNet, self).__init__()
        self.slice1 = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(inplace=True))
        self.slice2 = nn.Sequential(nn.MaxPool2d(kernel_size=2, stride=2), nn.Conv2d(8, 12, 3, padding=1),
                                    nn.ReLU(inplace=True))
        for param in self.parameters():
            param.requires_grad = False

    def forward(self, X):
        h1 = self.slice1(X)
        h2 = self.slice2(h1)
        return h1, h2


def gram_matrix(y):
    (b, ch, h, w) = y.size()
    features = y.view(b, ch, w * h)
    features_t = features.transpose(1, 2)
    gram = features.bmm(features_t) / (ch * h * w)
    return gram


def normalize_batch(batch):
    # normalize using imagenet mean and std
    mean = batch.new_tensor([0.485, 0.456, 0.406]).view(-1, 1, 1)
    std = batch.new_tensor([0.229, 0.224, 0.225]).view(-1, 1, 1)
    batch = batch.div_(255.0)
    return (batch - mean) / std


def fix(module, scale=1.0):
    with torch.no_grad():
        for i, (name, p) in enumerate(module.named_parameters()):
            if name.endswith("weight") and p.dim() == 1:   # InstanceNorm affine weight: near one
                p.copy_(1.0 + 0.1 * torch.cos(torch.arange(p.numel(), dtype=torch.float32) + i))
                continue
            fan_in = p[0].numel() if p.dim() > 1 else p.numel()
            p.copy_(scale * torch.cos(torch.arange(p.numel(), dtype=torch.float32) * 1.7 + i).reshape(p.shape)
                    / fan_in ** 0.5)


def image(n, seed):
    """Smooth synthetic 'photos' in 0..255, shape (n, 3, 16, 16)."""
    g = torch.arange(16, dtype=torch.float32)
    yy, xx = torch.meshgrid(g, g, indexing="ij")
    imgs = []
    for k in range(n):
        chans = [127.5 + 127.5 * torch.sin(0.3 * (c + 1) * xx + 0.2 * (k + seed) * yy + c) for c in range(3)]
        imgs.append(torch.stack(chans))
    return torch.stack(imgs)


transformer = TransformerNet()
vgg = LossNet()
fix(transformer)
fix(vgg, 2.0)
print("trainable", sum(p.numel() for p in transformer.parameters() if p.requires_grad),
      "frozen", sum(p.numel() for p in vgg.parameters() if not p.requires_grad))
in_norm = transformer.in1
print("instance norm affine", in_norm.affine, "tracks", in_norm.track_running_stats,
      "running stats", in_norm.running_mean is None, "weight", tuple(in_norm.weight.shape))

optimizer = Adam(transformer.parameters(), 1e-2)
mse_loss = torch.nn.MSELoss()

style = image(1, 7)
features_style = vgg(normalize_batch(style.clone()))
gram_style = [gram_matrix(y) for y in features_style]
print("gram shapes", [tuple(g.shape) for g in gram_style], "sym", torch.allclose(gram_style[1], gram_style[1].mT))

content_weight, style_weight = 1.0, 5.0
data = image(8, 0)
for e in range(2):
    transformer.train()
    agg_content_loss = 0.
    agg_style_loss = 0.
    count = 0
    for batch_id in range(4):
        x = data[2 * batch_id: 2 * batch_id + 2].clone()
        n_batch = len(x)
        count += n_batch
        optimizer.zero_grad()

        y = transformer(x)
        y = normalize_batch(y)
        x = normalize_batch(x)

        features_y = vgg(y)
        features_x = vgg(x)

        content_loss = content_weight * mse_loss(features_y[1], features_x[1])

        style_loss = 0.
        for ft_y, gm_s in zip(features_y, gram_style):
            gm_y = gram_matrix(ft_y)
            style_loss += mse_loss(gm_y, gm_s[:n_batch, :, :].expand_as(gm_y))
        style_loss *= style_weight

        total_loss = content_loss + style_loss
        total_loss.backward()
        optimizer.step()

        agg_content_loss += content_loss.item()
        agg_style_loss += style_loss.item()
        print("Epoch {}:\t[{}/{}]\tcontent: {:.6f}\tstyle: {:.6f}\ttotal: {:.6f}".format(
            e + 1, count, len(data), agg_content_loss / (batch_id + 1), agg_style_loss / (batch_id + 1),
            (agg_content_loss + agg_style_loss) / (batch_id + 1)))

transformer.eval()
with torch.no_grad():
    output = transformer(image(1, 3)).clamp(0, 255)
img = output[0].clone().clamp(0, 255).numpy()
img = img.transpose(1, 2, 0).astype("uint8")
print("stylized", img.shape, img.dtype, "mean", round(float(output.mean()), 3), "pixel", img[5, 7].tolist())

# the pieces on their own
x = torch.arange(2 * 3 * 4 * 4, dtype=torch.float32).reshape(2, 3, 4, 4)
print("reflection pad", nn.ReflectionPad2d((1, 2, 0, 1))(x)[0, 0, :, :3].tolist())
print("replication pad", nn.ReplicationPad2d(1)(x)[1, 2, 0].tolist())
print("upsample nearest", nn.Upsample(scale_factor=2, mode="nearest")(x)[0, 0, 1, :4].tolist())
print("upsample bilinear", [round(v, 4) for v in
                            nn.Upsample(size=(6, 6), mode="bilinear", align_corners=True)(x)[0, 1, 2].tolist()])
inorm = nn.InstanceNorm2d(3, affine=True, track_running_stats=True)
inorm(x)
print("tracked running mean", [round(v, 4) for v in inorm.running_mean.tolist()],
      "var", [round(v, 4) for v in inorm.running_var.tolist()])
inorm.eval()
print("eval instance norm", round(inorm(x)[0, 0, 0, 0].item(), 5))
print("F.instance_norm", round(F.instance_norm(x, eps=1e-5)[1, 2, 3, 3].item(), 5))
