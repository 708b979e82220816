"""The PyTorch tutorial "Neural Transfer Using PyTorch", shrunk: ContentLoss and
StyleLoss modules that record a loss in forward and pass the input through,
inserted into a copy of a fixed feature network (nn.Sequential built by
add_module, layers renamed, ReLU(inplace=False)), the network trimmed after the
last loss module, a Normalization module with mean/std buffers, and the input
image itself optimized by LBFGS with a closure that clamps in place under
no_grad. Images and weights are fixed: every number agrees."""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.set_num_threads(1)
# float64 throughout: LBFGS without a line search on a style loss amplifies float32 rounding (and the
# last-ulp differences of float32 cos between libraries) until the runs part after ~20 evaluations
torch.set_default_dtype(torch.float64)
device = torch.device("cpu")
imsize = 16


def image(phase):
    g = torch.linspace(0, 1, imsize)
    yy, xx = torch.meshgrid(g, g, indexing="ij")
    chans = [0.5 + 0.5 * torch.sin(6.0 * (c + 1) * xx * (phase + 1) + 4.0 * yy + phase + c) for c in range(3)]
    return torch.stack(chans).unsqueeze(0).to(device, torch.get_default_dtype())


style_img = image(1.0)
content_img = image(0.0)
assert style_img.size() == content_img.size(), "we need to import style and content images of the same size"


class ContentLoss(nn.Module):

    def __init__(self, target,):
        super(ContentLoss, self).__init__()
        # we 'detach' the target content from the tree used to dynamically compute the gradient
        self.target = target.detach()

    def forward(self, input):
        self.loss = F.mse_loss(input, self.target)
        return input


def gram_matrix(input):
    a, b, c, d = input.size()  # a=batch size(=1), b=number of feature maps, (c,d)=dimensions of a f. map
    features = input.view(a * b, c * d)  # resize F_XL into \\hat F_XL
    G = torch.mm(features, features.t())  # compute the gram product
    # we 'normalize' the values of the gram matrix by dividing by the number of element in each feature maps.
    return G.div(a * b * c * d)


class StyleLoss(nn.Module):

    def __init__(self, target_feature):
        super(StyleLoss, self).__init__()
        self.target = gram_matrix(target_feature).detach()

    def forward(self, input):
        G = gram_matrix(input)
        self.loss = F.mse_loss(G, self.target)
        return input


# a small fixed stand-in for vgg19.features
cnn = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(inplace=True), nn.Conv2d(8, 8, 3, padding=1),
                    nn.ReLU(inplace=True), nn.MaxPool2d(2, 2), nn.Conv2d(8, 16, 3, padding=1),
                    nn.ReLU(inplace=True), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(inplace=True),
                    nn.MaxPool2d(2, 2), nn.Conv2d(16, 16, 3, padding=1))
with torch.no_grad():
    for i, p in enumerate(cnn.parameters()):
        fan_in = p[0].numel() if p.dim() > 1 else p.numel()
        p.copy_(1.5 * torch.cos(torch.arange(p.numel(), dtype=torch.float64) * 2.3 + i).reshape(p.shape) / fan_in ** 0.5)
cnn = cnn.eval()
cnn_normalization_mean = torch.tensor([0.485, 0.456, 0.406])
cnn_normalization_std = torch.tensor([0.229, 0.224, 0.225])


class Normalization(nn.Module):
    def __init__(self, mean, std):
        super(Normalization, self).__init__()
        # .view the mean and std to make them [C x 1 x 1] so that they can directly work with image Tensor
        self.register_buffer("mean", torch.tensor(mean).view(-1, 1, 1))
        self.register_buffer("std", torch.tensor(std).view(-1, 1, 1))

    def forward(self, img):
        return (img - self.mean) / self.std


content_layers_default = ['conv_4']
style_layers_default = ['conv_1', 'conv_2', 'conv_3', 'conv_4']


def get_style_model_and_losses(cnn, normalization_mean, normalization_std, style_img, content_img,
                               content_layers=content_layers_default, style_layers=style_layers_default):
    normalization = Normalization(normalization_mean.tolist(), normalization_std.tolist())
    content_losses = []
    style_losses = []
    model = nn.Sequential(normalization)

    i = 0  # increment every time we see a conv
    for layer in cnn.children():
        if isinstance(layer, nn.Conv2d):
            i += 1
            name = 'conv_{}'.format(i)
        elif isinstance(layer, nn.ReLU):
            name = 'relu_{}'.format(i)
            # The in-place version doesn't play very nicely with the ContentLoss and StyleLoss
            layer = nn.ReLU(inplace=False)
        elif isinstance(layer, nn.MaxPool2d):
            name = 'pool_{}'.format(i)
        elif isinstance(layer, nn.BatchNorm2d):
            name = 'bn_{}'.format(i)
        else:
            raise RuntimeError('Unrecognized layer: {}'.format(layer.__class__.__name__))

        model.add_module(name, layer)

        if name in content_layers:
            target = model(content_img).detach()
            content_loss = ContentLoss(target)
            model.add_module("content_loss_{}".format(i), content_loss)
            content_losses.append(content_loss)

        if name in style_layers:
            target_feature = model(style_img).detach()
            style_loss = StyleLoss(target_feature)
            model.add_module("style_loss_{}".format(i), style_loss)
            style_losses.append(style_loss)

    # now we trim off the layers after the last content and style losses
    for i in range(len(model) - 1, -1, -1):
        if isinstance(model[i], ContentLoss) or isinstance(model[i], StyleLoss):
            break

    model = model[:(i + 1)]

    return model, style_losses, content_losses


input_img = content_img.clone()


def get_input_optimizer(input_img):
    # this line to show that input is a parameter that requires a gradient
    optimizer = optim.LBFGS([input_img])
    return optimizer


def run_style_transfer(cnn, normalization_mean, normalization_std, content_img, style_img, input_img,
                       num_steps=60, style_weight=100000, content_weight=1):
    print('Building the style transfer model..')
    model, style_losses, content_losses = get_style_model_and_losses(cnn, normalization_mean, normalization_std,
                                                                     style_img, content_img)
    print("layers", [name for name, _ in model.named_children()])

    # We want to optimize the input and not the model parameters so we update all the requires_grad fields
    input_img.requires_grad_(True)
    # We also put the model in evaluation mode, so that specific layers such as dropout or batch normalization
    # layers behave correctly.
    model.eval()
    model.requires_grad_(False)
    print("trainable in model", sum(p.requires_grad for p in model.parameters()),
          "buffers", [n for n, _ in model.named_buffers()])

    optimizer = get_input_optimizer(input_img)

    print('Optimizing..')
    run = [0]
    while run[0] <= num_steps:

        def closure():
            # correct the values of updated input image
            with torch.no_grad():
                input_img.clamp_(0, 1)

            optimizer.zero_grad()
            model(input_img)
            style_score = 0
            content_score = 0

            for sl in style_losses:
                style_score += sl.loss
            for cl in content_losses:
                content_score += cl.loss

            style_score *= style_weight
            content_score *= content_weight

            loss = style_score + content_score
            loss.backward()

            run[0] += 1
            if run[0] % 15 == 0:
                print("run {}:".format(run))
                print('Style Loss : {:4f} Content Loss: {:4f}'.format(style_score.item(), content_score.item()))
                print()

            return style_score + content_score

        optimizer.step(closure)

    # a last correction...
    with torch.no_grad():
        input_img.clamp_(0, 1)

    return input_img


output = run_style_transfer(cnn, cnn_normalization_mean, cnn_normalization_std, content_img, style_img, input_img)
print("output", tuple(output.shape), "range", round(output.min().item(), 5), round(output.max().item(), 5),
      "mean", round(output.mean().item(), 5), "moved", round((output - content_img).abs().mean().item(), 5))
state = get_input_optimizer(output).state_dict()
print("lbfgs defaults", {k: v for k, v in state["param_groups"][0].items() if k != "params"})
print("deepcopy keeps weights", torch.equal(copy.deepcopy(cnn)[0].weight, cnn[0].weight),
      "slice type", type(nn.Sequential(nn.ReLU(), nn.Tanh())[:1]).__name__)
