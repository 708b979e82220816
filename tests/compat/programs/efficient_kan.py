"""A Kolmogorov-Arnold network as the efficient-kan repository writes it: KANLinear with a grid
buffer built by arange/expand/contiguous, B-spline bases by the Cox-de Boor recursion on
comparisons cast with .to(x.dtype), curve2coeff by batched torch.linalg.lstsq on permuted
(in, batch, coeff) systems, scaled base and spline weights (enable_standalone_scale_spline),
kaiming_uniform_ init with a = sqrt(5) * scale, update_grid from sorted activations with
torch.sort/linspace/concatenate under no_grad, the L1 + entropy regularization_loss, and a
small fit of a 2-D symbolic function with LBFGS then Adam, printing losses and the spline grid."""

import math

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


class KANLinear(torch.nn.Module):
    def __init__(self, in_features, out_features, grid_size=5, spline_order=3, scale_noise=0.1,
                 scale_base=1.0, scale_spline=1.0, enable_standalone_scale_spline=True,
                 base_activation=torch.nn.SiLU, grid_eps=0.02, grid_range=[-1, 1]):  # noqa: B006 - as the repository
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.grid_size = grid_size
        self.spline_order = spline_order

        h = (grid_range[1] - grid_range[0]) / grid_size
        grid = ((torch.arange(-spline_order, grid_size + spline_order + 1) * h + grid_range[0])
                .expand(in_features, -1).contiguous())
        self.register_buffer("grid", grid)

        self.base_weight = torch.nn.Parameter(torch.Tensor(out_features, in_features))
        self.spline_weight = torch.nn.Parameter(torch.Tensor(out_features, in_features, grid_size + spline_order))
        if enable_standalone_scale_spline:
            self.spline_scaler = torch.nn.Parameter(torch.Tensor(out_features, in_features))

        self.scale_noise = scale_noise
        self.scale_base = scale_base
        self.scale_spline = scale_spline
        self.enable_standalone_scale_spline = enable_standalone_scale_spline
        self.base_activation = base_activation()
        self.grid_eps = grid_eps

        self.reset_parameters()

    def reset_parameters(self):
        torch.nn.init.kaiming_uniform_(self.base_weight, a=math.sqrt(5) * self.scale_base)
        with torch.no_grad():
            noise = ((torch.rand(self.grid_size + 1, self.in_features, self.out_features) - 1 / 2)
                     * self.scale_noise / self.grid_size)
            self.spline_weight.data.copy_(
                (self.scale_spline if not self.enable_standalone_scale_spline else 1.0)
                * self.curve2coeff(self.grid.T[self.spline_order: -self.spline_order], noise))
            if self.enable_standalone_scale_spline:
                torch.nn.init.kaiming_uniform_(self.spline_scaler, a=math.sqrt(5) * self.scale_spline)

    def b_splines(self, x: torch.Tensor):
        assert x.dim() == 2 and x.size(1) == self.in_features
        grid: torch.Tensor = self.grid
        x = x.unsqueeze(-1)
        bases = ((x >= grid[:, :-1]) & (x < grid[:, 1:])).to(x.dtype)
        for k in range(1, self.spline_order + 1):
            bases = ((x - grid[:, : -(k + 1)]) / (grid[:, k:-1] - grid[:, : -(k + 1)]) * bases[:, :, :-1]) + (
                (grid[:, k + 1:] - x) / (grid[:, k + 1:] - grid[:, 1:(-k)]) * bases[:, :, 1:])
        assert bases.size() == (x.size(0), self.in_features, self.grid_size + self.spline_order)
        return bases.contiguous()

    def curve2coeff(self, x: torch.Tensor, y: torch.Tensor):
        assert x.dim() == 2 and x.size(1) == self.in_features
        assert y.size() == (x.size(0), self.in_features, self.out_features)
        A = self.b_splines(x).transpose(0, 1)
        B = y.transpose(0, 1)
        solution = torch.linalg.lstsq(A, B).solution
        result = solution.permute(2, 0, 1)
        assert result.size() == (self.out_features, self.in_features, self.grid_size + self.spline_order)
        return result.contiguous()

    @property
    def scaled_spline_weight(self):
        return self.spline_weight * (self.spline_scaler.unsqueeze(-1)
                                     if self.enable_standalone_scale_spline else 1.0)

    def forward(self, x: torch.Tensor):
        assert x.size(-1) == self.in_features
        original_shape = x.shape
        x = x.reshape(-1, self.in_features)
        base_output = F.linear(self.base_activation(x), self.base_weight)
        spline_output = F.linear(self.b_splines(x).view(x.size(0), -1),
                                 self.scaled_spline_weight.view(self.out_features, -1))
        output = base_output + spline_output
        output = output.reshape(*original_shape[:-1], self.out_features)
        return output

    @torch.no_grad()
    def update_grid(self, x: torch.Tensor, margin=0.01):
        assert x.dim() == 2 and x.size(1) == self.in_features
        batch = x.size(0)
        splines = self.b_splines(x)
        splines = splines.permute(1, 0, 2)
        orig_coeff = self.scaled_spline_weight
        orig_coeff = orig_coeff.permute(1, 2, 0)
        unreduced_spline_output = torch.bmm(splines, orig_coeff)
        unreduced_spline_output = unreduced_spline_output.permute(1, 0, 2)

        x_sorted = torch.sort(x, dim=0)[0]
        grid_adaptive = x_sorted[torch.linspace(0, batch - 1, self.grid_size + 1, dtype=torch.int64,
                                                device=x.device)]
        uniform_step = (x_sorted[-1] - x_sorted[0] + 2 * margin) / self.grid_size
        grid_uniform = (torch.arange(self.grid_size + 1, dtype=torch.float32, device=x.device).unsqueeze(1)
                        * uniform_step + x_sorted[0] - margin)
        grid = self.grid_eps * grid_uniform + (1 - self.grid_eps) * grid_adaptive
        grid = torch.concatenate([
            grid[:1] - uniform_step * torch.arange(self.spline_order, 0, -1, device=x.device).unsqueeze(1),
            grid,
            grid[-1:] + uniform_step * torch.arange(1, self.spline_order + 1, device=x.device).unsqueeze(1),
        ], dim=0)
        self.grid.copy_(grid.T)
        self.spline_weight.data.copy_(self.curve2coeff(x, unreduced_spline_output))

    def regularization_loss(self, regularize_activation=1.0, regularize_entropy=1.0):
        l1_fake = self.spline_weight.abs().mean(-1)
        regularization_loss_activation = l1_fake.sum()
        p = l1_fake / regularization_loss_activation
        regularization_loss_entropy = -torch.sum(p * p.log())
        return (regularize_activation * regularization_loss_activation
                + regularize_entropy * regularization_loss_entropy)


class KAN(torch.nn.Module):
    def __init__(self, layers_hidden, grid_size=5, spline_order=3, **kw):
        super().__init__()
        self.grid_size = grid_size
        self.spline_order = spline_order
        self.layers = torch.nn.ModuleList()
        for in_features, out_features in zip(layers_hidden, layers_hidden[1:]):
            self.layers.append(KANLinear(in_features, out_features, grid_size=grid_size,
                                         spline_order=spline_order, **kw))

    def forward(self, x: torch.Tensor, update_grid=False):
        for layer in self.layers:
            if update_grid:
                layer.update_grid(x)
            x = layer(x)
        return x

    def regularization_loss(self, regularize_activation=1.0, regularize_entropy=1.0):
        return sum(layer.regularization_loss(regularize_activation, regularize_entropy) for layer in self.layers)


layer = KANLinear(2, 3, grid_size=4)
print("grid", layer.grid)
print("param shapes", [(n, tuple(p.shape)) for n, p in layer.named_parameters()])
print("buffers", [n for n, _ in layer.named_buffers()])
xs = torch.linspace(-1, 0.99, 7).unsqueeze(1).repeat(1, 2)
bases = layer.b_splines(xs)
print("bases rows sum to 1", torch.allclose(bases.sum(-1), torch.ones(7, 2)), bases.shape)
print("bases[3,0]", bases[3, 0])
print("spline weight stats", f"{layer.spline_weight.abs().mean().item():.6f}",
      f"{layer.base_weight.std().item():.6f}")
print("layer out", layer(xs[:3]))
print("reg loss", layer.regularization_loss())

# the target: f(x, y) = exp(sin(pi x) + y^2)
def f(x):
    return torch.exp(torch.sin(torch.pi * x[:, [0]]) + x[:, [1]] ** 2)


g = torch.Generator().manual_seed(1)
train_x = torch.rand(256, 2, generator=g) * 2 - 1
test_x = torch.rand(128, 2, generator=g) * 2 - 1
train_y, test_y = f(train_x), f(test_x)

torch.manual_seed(2)
model = KAN([2, 5, 1], grid_size=5)
print(model)
print("n params", sum(p.numel() for p in model.parameters()))
opt = torch.optim.LBFGS(model.parameters(), lr=1, max_iter=8, history_size=10, line_search_fn="strong_wolfe")

for step in range(3):
    if step == 0:
        with torch.no_grad():
            model(train_x, update_grid=True)

    def closure():
        opt.zero_grad()
        pred = model(train_x)
        loss = F.mse_loss(pred, train_y) + 1e-4 * model.regularization_loss()
        loss.backward()
        return loss

    loss = opt.step(closure)
    with torch.no_grad():
        test_loss = F.mse_loss(model(test_x), test_y)
    print(f"lbfgs step {step} loss {loss.item():.4f} test {test_loss.item():.4f}")

print("grid after update", model.layers[0].grid[0])
adam = torch.optim.Adam(model.parameters(), lr=1e-3)
for step in range(40):
    adam.zero_grad()
    loss = F.mse_loss(model(train_x), train_y)
    loss.backward()
    adam.step()
    if step % 10 == 9:
        print(f"adam step {step} loss {loss.item():.6f}")
with torch.no_grad():
    print("predictions", model(test_x[:4]).squeeze(1), "targets", test_y[:4].squeeze(1))
    print("reg", model.regularization_loss(1.0, 0.0), model.regularization_loss(0.0, 1.0))
