"""The UvA deep learning tutorial 12 (autoregressive image modeling:
PixelCNN), written its way at a small size on the bundled digits as 8x8
images of 0..255 (long): MaskedConvolution re-masking conv.weight.data in
place each forward (a registered mask[None, None] buffer, dilation-aware
padding), the vertical and horizontal stack convolutions, the receptive
field shown by the gradient of the centre output on a zero image
(retain_graph=True backward, img.grad.fill_(0)) for one layer and for a
stack of layers, GatedMaskedConv (tanh * sigmoid gates, 1x1 convs, the
residual horizontal stack), PixelCNN with dilated layers and a 256-way
output reshaped to (N, 256, C, H, W), the bits-per-dimension likelihood by
a K-dimensional F.cross_entropy(reduction='none'), a few Adam/StepLR steps,
and pixel-by-pixel sampling with torch.multinomial, including completing
half-erased images. Seeded: every number agrees."""

import _data
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torch.utils.data as data

torch.set_num_threads(1)
device = torch.device("cpu")
torch.manual_seed(42)

pixels, labels = _data.digits()
imgs = torch.from_numpy((pixels.reshape(-1, 1, 8, 8) * 255 // 16).astype(np.int64))
train_set = data.TensorDataset(imgs[:96], torch.from_numpy(labels[:96]))
test_set = data.TensorDataset(imgs[96:128], torch.from_numpy(labels[96:128]))
train_loader = data.DataLoader(train_set, batch_size=16, shuffle=True, drop_last=True)
test_loader = data.DataLoader(test_set, batch_size=16, shuffle=False, drop_last=False)


class MaskedConvolution(nn.Module):
    def __init__(self, c_in, c_out, mask, **kwargs):
        """
        Args:
            c_in: Number of input channels
            c_out: Number of output channels
            mask: Tensor of shape [kernel_size_H, kernel_size_W] with 0s where
                  the convolution should be masked, and 1s otherwise.
            kwargs: Additional arguments for the convolution
        """
        super().__init__()
        kernel_size = (mask.shape[0], mask.shape[1])
        dilation = 1 if "dilation" not in kwargs else kwargs["dilation"]
        padding = tuple([dilation * (kernel_size[i] - 1) // 2 for i in range(2)])
        self.conv = nn.Conv2d(c_in, c_out, kernel_size, padding=padding, **kwargs)
        self.register_buffer("mask", mask[None, None])

    def forward(self, x):
        self.conv.weight.data *= self.mask
        return self.conv(x)


class VerticalStackConvolution(MaskedConvolution):
    def __init__(self, c_in, c_out, kernel_size=3, mask_center=False, **kwargs):
        mask = torch.ones(kernel_size, kernel_size)
        mask[kernel_size // 2 + 1 :, :] = 0
        if mask_center:
            mask[kernel_size // 2, :] = 0
        super().__init__(c_in, c_out, mask, **kwargs)


class HorizontalStackConvolution(MaskedConvolution):
    def __init__(self, c_in, c_out, kernel_size=3, mask_center=False, **kwargs):
        mask = torch.ones(1, kernel_size)
        mask[0, kernel_size // 2 + 1 :] = 0
        if mask_center:
            mask[0, kernel_size // 2] = 0
        super().__init__(c_in, c_out, mask, **kwargs)


inp_img = torch.zeros(1, 1, 11, 11)
inp_img.requires_grad_()


def show_center_recep_field(img, out, title):
    """Prints the pixels the centre output depends on (the tutorial plots them)."""
    loss = out[0, :, img.shape[2] // 2, img.shape[3] // 2].sum()
    loss.backward(retain_graph=True)
    img_grads = img.grad.abs()
    img.grad.fill_(0)
    img = img_grads.squeeze().cpu().numpy()
    field = (img > 0).astype(int)
    print(title, "pixels", int(field.sum()))
    print("\n".join("".join(".#"[v] for v in row) for row in field))


horiz_conv = HorizontalStackConvolution(c_in=1, c_out=1, kernel_size=3, mask_center=True)
horiz_conv.conv.weight.data.fill_(1)
horiz_conv.conv.bias.data.fill_(0)
horiz_img = horiz_conv(inp_img)
show_center_recep_field(inp_img, horiz_img, "Horizontal stack")
vert_conv = VerticalStackConvolution(c_in=1, c_out=1, kernel_size=3, mask_center=True)
vert_conv.conv.weight.data.fill_(1)
vert_conv.conv.bias.data.fill_(0)
vert_img = vert_conv(inp_img)
show_center_recep_field(inp_img, vert_img, "Vertical stack")
horiz_img = vert_img + horiz_img
show_center_recep_field(inp_img, horiz_img, "Both stacks")

horiz_conv = HorizontalStackConvolution(c_in=1, c_out=1, kernel_size=3, mask_center=False)
horiz_conv.conv.weight.data.fill_(1)
horiz_conv.conv.bias.data.fill_(0)
vert_conv = VerticalStackConvolution(c_in=1, c_out=1, kernel_size=3, mask_center=False)
vert_conv.conv.weight.data.fill_(1)
vert_conv.conv.bias.data.fill_(0)
num_layers = 3
for layer_index in range(num_layers):
    vert_img = vert_conv(vert_img)
    horiz_img = horiz_conv(horiz_img) + vert_img
show_center_recep_field(inp_img, horiz_img, f"Layer {num_layers + 1}")
show_center_recep_field(inp_img, vert_img, f"Layer {num_layers + 1} (vertical)")
print("weight masked in place", horiz_conv.conv.weight.data.view(-1).tolist(), horiz_conv.mask.shape)


class GatedMaskedConv(nn.Module):
    def __init__(self, c_in, **kwargs):
        """Gated Convolution block implemented the computation graph shown above."""
        super().__init__()
        self.conv_vert = VerticalStackConvolution(c_in, c_out=2 * c_in, **kwargs)
        self.conv_horiz = HorizontalStackConvolution(c_in, c_out=2 * c_in, **kwargs)
        self.conv_vert_to_horiz = nn.Conv2d(2 * c_in, 2 * c_in, kernel_size=1, padding=0)
        self.conv_horiz_1x1 = nn.Conv2d(c_in, c_in, kernel_size=1, padding=0)

    def forward(self, v_stack, h_stack):
        v_stack_feat = self.conv_vert(v_stack)
        v_val, v_gate = v_stack_feat.chunk(2, dim=1)
        v_stack_out = torch.tanh(v_val) * torch.sigmoid(v_gate)
        h_stack_feat = self.conv_horiz(h_stack)
        h_stack_feat = h_stack_feat + self.conv_vert_to_horiz(v_stack_feat)
        h_val, h_gate = h_stack_feat.chunk(2, dim=1)
        h_stack_feat = torch.tanh(h_val) * torch.sigmoid(h_gate)
        h_stack_out = self.conv_horiz_1x1(h_stack_feat)
        h_stack_out = h_stack_out + h_stack
        return v_stack_out, h_stack_out


class PixelCNN(nn.Module):
    def __init__(self, c_in, c_hidden):
        super().__init__()
        self.conv_vstack = VerticalStackConvolution(c_in, c_hidden, mask_center=True)
        self.conv_hstack = HorizontalStackConvolution(c_in, c_hidden, mask_center=True)
        self.conv_layers = nn.ModuleList(
            [
                GatedMaskedConv(c_hidden),
                GatedMaskedConv(c_hidden, dilation=2),
                GatedMaskedConv(c_hidden),
                GatedMaskedConv(c_hidden, dilation=2),
            ]
        )
        self.conv_out = nn.Conv2d(c_hidden, c_in * 256, kernel_size=1, padding=0)
        self.example_input_array = train_set[0][0][None]

    def forward(self, x):
        x = (x.float() / 255.0) * 2 - 1
        v_stack = self.conv_vstack(x)
        h_stack = self.conv_hstack(x)
        for layer in self.conv_layers:
            v_stack, h_stack = layer(v_stack, h_stack)
        out = self.conv_out(F.elu(h_stack))
        out = out.reshape(out.shape[0], 256, out.shape[1] // 256, out.shape[2], out.shape[3])
        return out

    def calc_likelihood(self, x):
        pred = self.forward(x)
        nll = F.cross_entropy(pred, x, reduction="none")
        bpd = nll.mean(dim=[1, 2, 3]) * np.log2(np.exp(1))
        return bpd.mean()

    @torch.no_grad()
    def sample(self, img_shape, img=None):
        if img is None:
            img = torch.zeros(img_shape, dtype=torch.long).to(device) - 1
        for h in range(img_shape[2]):
            for w in range(img_shape[3]):
                for c in range(img_shape[1]):
                    if (img[:, c, h, w] != -1).all().item():
                        continue
                    pred = self.forward(img[:, :, : h + 1, :])
                    probs = F.softmax(pred[:, :, c, h, w], dim=-1)
                    img[:, c, h, w] = torch.multinomial(probs, num_samples=1).squeeze(dim=-1)
        return img

    def configure_optimizers(self):
        optimizer = optim.Adam(self.parameters(), lr=1e-3)
        scheduler = optim.lr_scheduler.StepLR(optimizer, 1, gamma=0.99)
        return [optimizer], [scheduler]


torch.manual_seed(42)
model = PixelCNN(c_in=1, c_hidden=16)
print("params", sum(p.numel() for p in model.parameters()), "masks", len([n for n, _ in model.named_buffers()]),
      "out", model(model.example_input_array).shape)
test_model = PixelCNN(c_in=1, c_hidden=16)
inp = torch.zeros(1, 1, 8, 8, requires_grad=True)
out = test_model.conv_out(F.elu(test_model.conv_layers[0](test_model.conv_vstack(inp * 2 - 1),
                                                           test_model.conv_hstack(inp * 2 - 1))[1]))
out[0, :, 4, 4].sum().backward()
print("dependencies of (4, 4)\n" + "\n".join("".join(".#"[int(v)] for v in row)
                                             for row in (inp.grad[0, 0] != 0).tolist()))
(optimizer,), (scheduler,) = model.configure_optimizers()
for epoch in range(2):
    model.train()
    for step, (x, _) in enumerate(train_loader):
        if step == 3:
            break
        loss = model.calc_likelihood(x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        print(f"epoch {epoch} step {step} | train_bpd {loss.item():.6f}")
    scheduler.step()
model.eval()
with torch.no_grad():
    val_bpd = np.mean([model.calc_likelihood(x).item() for x, _ in test_loader])
print(f"val_bpd {val_bpd:.6f} lr {scheduler.get_last_lr()[0]:.8f}")

torch.manual_seed(1)
samples = model.sample(img_shape=(2, 1, 8, 8))
print("samples", samples.shape, samples.dtype == torch.int64, samples.min().item(), samples.max().item())
print(samples[0, 0, :2])


def autocomplete_image(img):
    img_init = img.clone()
    img_init[:, 4:, :] = -1
    print("Original image and input image to sampling:", int((img_init == -1).sum()))
    # (the tutorial's .to(device) copies on a GPU; on the CPU it returns the expanded view, which PyTorch
    # refuses to write pixels into, so the copy is made here)
    img_init = img_init.unsqueeze(0).expand(2, -1, -1, -1).to(device).clone()
    torch.manual_seed(1)
    img_generated = model.sample(img_init.shape, img_init)
    print("Autocompletion samples:", img_generated.shape, (img_generated[:, :, :4] == img[:, :4]).all().item())
    print(img_generated[:, 0, 4])


autocomplete_image(test_set[0][0])
