"""MorvanZhou's PyTorch tutorials (the 201-504 scripts) on their own generated data: torch vs numpy
(torch.from_numpy, torch.abs/sin/mean, torch.mm against numpy matmul), Variable wrapping, regression on
torch.unsqueeze(torch.linspace(...), dim=1) with x.pow(2) + noise, classification of two torch.normal
clouds with torch.max(out, 1)[1], the quick-build Sequential against a class net, saving the whole net and
its params and restoring both (torch.load(weights_only=False)), batch training through
Data.TensorDataset, the optimizer comparison (SGD, Momentum, RMSprop alpha=0.9, Adam betas=(0.9, 0.99)),
an RNN regressor predicting cos from sin with h_state carried across steps and torch.stack(outs, dim=1),
an autoencoder, dropout against overfitting, batch normalization nets built with setattr('fc%i') and
init.normal_/constant_, and the painter GAN with retain_graph. Seeded: every printed number agrees."""

import io
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.data as Data
from torch.autograd import Variable
from torch.nn import init

torch.set_num_threads(1)
torch.manual_seed(1)
rs = np.random.RandomState(1)

# 201: torch and numpy
np_data = np.arange(6).reshape((2, 3))
torch_data = torch.from_numpy(np_data)
tensor2array = torch_data.numpy()
print("\nnumpy array:", np_data, "\ntorch tensor:", torch_data, "\ntensor to array:", tensor2array)
data = [-1, -2, 1, 2]
tensor = torch.FloatTensor(data)
print("\nabs", "\nnumpy: ", np.abs(data), "\ntorch: ", torch.abs(tensor))
print("\nsin", "\nnumpy: ", np.sin(data), "\ntorch: ", torch.sin(tensor))
print("\nmean", "\nnumpy: ", np.mean(data), "\ntorch: ", torch.mean(tensor))
data = [[1, 2], [3, 4]]
tensor = torch.FloatTensor(data)
print("\nmatrix multiplication (matmul)", "\nnumpy: ", np.matmul(data, data), "\ntorch: ", torch.mm(tensor, tensor))

# 202: Variable
tensor = torch.FloatTensor([[1, 2], [3, 4]])
variable = Variable(tensor, requires_grad=True)
print(tensor)
print(variable)
t_out = torch.mean(tensor * tensor)
v_out = torch.mean(variable * variable)
print(t_out)
print(v_out)
v_out.backward()
print(variable.grad)
print(variable.data)
print(variable.data.numpy())

# 203: activation functions
x = torch.linspace(-5, 5, 11)
x = Variable(x)
x_np = x.data.numpy()
y_relu = torch.relu(x).data.numpy()
y_sigmoid = torch.sigmoid(x).data.numpy()
y_tanh = torch.tanh(x).data.numpy()
y_softplus = F.softplus(x).data.numpy()
print(x_np)
print(y_relu, y_sigmoid.round(5), y_tanh.round(5), y_softplus.round(5), sep="\n")

# 301: regression
x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)
y = x.pow(2) + 0.2 * torch.rand(x.size())
print(x.shape, y.shape, y[:3].view(-1))


class Net(torch.nn.Module):
    def __init__(self, n_feature, n_hidden, n_output):
        super(Net, self).__init__()
        self.hidden = torch.nn.Linear(n_feature, n_hidden)
        self.predict = torch.nn.Linear(n_hidden, n_output)

    def forward(self, x):
        x = F.relu(self.hidden(x))
        x = self.predict(x)
        return x


net = Net(n_feature=1, n_hidden=10, n_output=1)
print(net)
optimizer = torch.optim.SGD(net.parameters(), lr=0.2)
loss_func = torch.nn.MSELoss()
for t in range(100):
    prediction = net(x)
    loss = loss_func(prediction, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if t % 20 == 0:
        print("Loss=%.4f" % loss.data.numpy())

# 302: classification
n_data = torch.ones(100, 2)
x0 = torch.normal(2 * n_data, 1)
y0 = torch.zeros(100)
x1 = torch.normal(-2 * n_data, 1)
y1 = torch.ones(100)
x = torch.cat((x0, x1), 0).type(torch.FloatTensor)
y = torch.cat((y0, y1), ).type(torch.LongTensor)
print(x.type(), y.type(), x[:2])
net = Net(n_feature=2, n_hidden=10, n_output=2)
optimizer = torch.optim.SGD(net.parameters(), lr=0.02)
loss_func = torch.nn.CrossEntropyLoss()
for t in range(60):
    out = net(x)
    loss = loss_func(out, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if t % 15 == 0:
        prediction = torch.max(out, 1)[1]
        pred_y = prediction.data.numpy()
        target_y = y.data.numpy()
        accuracy = float((pred_y == target_y).astype(int).sum()) / float(target_y.size)
        print("Accuracy=%.2f" % accuracy, "loss=%.4f" % loss.item())
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    probs = F.softmax(net(x[:3]))
print(probs)
print([str(w.message) for w in caught], [w.category.__name__ for w in caught])

# 303: quick build
net1 = Net(1, 10, 1)
net2 = torch.nn.Sequential(
    torch.nn.Linear(1, 10),
    torch.nn.ReLU(),
    torch.nn.Linear(10, 1)
)
print(net1)
print(net2)

# 304: save and reload
x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)
y = x.pow(2) + 0.2 * torch.rand(x.size())
optimizer = torch.optim.SGD(net2.parameters(), lr=0.5)
for t in range(100):
    prediction = net2(x)
    loss = loss_func = torch.nn.MSELoss()(prediction, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
whole = io.BytesIO()
torch.save(net2, whole)
params = io.BytesIO()
torch.save(net2.state_dict(), params)
prediction = net2(x)
whole.seek(0)
net3 = torch.load(whole, weights_only=False)
print(type(net3).__name__, torch.equal(net3(x), prediction))
net4 = torch.nn.Sequential(torch.nn.Linear(1, 10), torch.nn.ReLU(), torch.nn.Linear(10, 1))
params.seek(0)
print(net4.load_state_dict(torch.load(params)))
print(torch.allclose(net4(x), prediction), prediction[::25].view(-1))

# 305: batch train
BATCH_SIZE = 5
x = torch.linspace(1, 10, 10)
y = torch.linspace(10, 1, 10)
torch_dataset = Data.TensorDataset(x, y)
loader = Data.DataLoader(dataset=torch_dataset, batch_size=BATCH_SIZE, shuffle=True, num_workers=0)
for epoch in range(3):
    for step, (batch_x, batch_y) in enumerate(loader):
        print("Epoch: ", epoch, "| Step: ", step, "| batch x: ", batch_x.numpy(), "| batch y: ", batch_y.numpy())

# 306: optimizers
LR = 0.01
BATCH_SIZE = 32
x = torch.unsqueeze(torch.linspace(-1, 1, 256), dim=1)
y = x.pow(2) + 0.1 * torch.normal(torch.zeros(*x.size()))
torch_dataset = Data.TensorDataset(x, y)
loader = Data.DataLoader(dataset=torch_dataset, batch_size=BATCH_SIZE, shuffle=True, num_workers=0)


class Net2(torch.nn.Module):
    def __init__(self):
        super(Net2, self).__init__()
        self.hidden = torch.nn.Linear(1, 20)
        self.predict = torch.nn.Linear(20, 1)

    def forward(self, x):
        x = F.relu(self.hidden(x))
        x = self.predict(x)
        return x


net_SGD, net_Momentum, net_RMSprop, net_Adam = Net2(), Net2(), Net2(), Net2()
nets = [net_SGD, net_Momentum, net_RMSprop, net_Adam]
opt_SGD = torch.optim.SGD(net_SGD.parameters(), lr=LR)
opt_Momentum = torch.optim.SGD(net_Momentum.parameters(), lr=LR, momentum=0.8)
opt_RMSprop = torch.optim.RMSprop(net_RMSprop.parameters(), lr=LR, alpha=0.9)
opt_Adam = torch.optim.Adam(net_Adam.parameters(), lr=LR, betas=(0.9, 0.99))
optimizers = [opt_SGD, opt_Momentum, opt_RMSprop, opt_Adam]
loss_func = torch.nn.MSELoss()
losses_his = [[], [], [], []]
for epoch in range(4):
    for step, (b_x, b_y) in enumerate(loader):
        for net, opt, l_his in zip(nets, optimizers, losses_his):
            output = net(b_x)
            loss = loss_func(output, b_y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            l_his.append(loss.data.numpy())
for name, l_his in zip(["SGD", "Momentum", "RMSprop", "Adam"], losses_his):
    print(name, len(l_his), "%.5f" % l_his[-1], type(l_his[-1]).__name__, l_his[-1].dtype)

# 403: RNN regressor
TIME_STEP = 10
INPUT_SIZE = 1


class RNN(nn.Module):
    def __init__(self):
        super(RNN, self).__init__()
        self.rnn = nn.RNN(input_size=INPUT_SIZE, hidden_size=32, num_layers=1, batch_first=True)
        self.out = nn.Linear(32, 1)

    def forward(self, x, h_state):
        r_out, h_state = self.rnn(x, h_state)
        outs = []
        for time_step in range(r_out.size(1)):
            outs.append(self.out(r_out[:, time_step, :]))
        return torch.stack(outs, dim=1), h_state


rnn = RNN()
print(rnn)
optimizer = torch.optim.Adam(rnn.parameters(), lr=0.02)
loss_func = nn.MSELoss()
h_state = None
for step in range(30):
    start, end = step * np.pi, (step + 1) * np.pi
    steps = np.linspace(start, end, TIME_STEP, dtype=np.float32, endpoint=False)
    x_np = np.sin(steps)
    y_np = np.cos(steps)
    x = torch.from_numpy(x_np[np.newaxis, :, np.newaxis])
    y = torch.from_numpy(y_np[np.newaxis, :, np.newaxis])
    prediction, h_state = rnn(x, h_state)
    h_state = h_state.data
    loss = loss_func(prediction, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 10 == 9:
        print("step", step, "loss %.5f" % loss.item(), h_state.shape, prediction.flatten()[:3])


# 404: autoencoder on generated images
class AutoEncoder(nn.Module):
    def __init__(self):
        super(AutoEncoder, self).__init__()
        self.encoder = nn.Sequential(nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 12), nn.Tanh(), nn.Linear(12, 3))
        self.decoder = nn.Sequential(nn.Linear(3, 12), nn.Tanh(), nn.Linear(12, 32), nn.Tanh(), nn.Linear(32, 64),
                                     nn.Sigmoid())

    def forward(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return encoded, decoded


images = torch.rand(40, 64).gt(0.6).float()
autoencoder = AutoEncoder()
optimizer = torch.optim.Adam(autoencoder.parameters(), lr=0.005)
loss_func = nn.MSELoss()
for epoch in range(2):
    for step, b_x in enumerate(Data.DataLoader(images, batch_size=10, shuffle=True)):
        b_y = b_x.view(-1, 64)
        encoded, decoded = autoencoder(b_x)
        loss = loss_func(decoded, b_y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print("Epoch: ", epoch, "| train loss: %.4f" % loss.data.numpy())
view_data = images[:3]
encoded_data, _ = autoencoder(view_data)
print(encoded_data.data)

# 503: dropout
N_SAMPLES = 20
N_HIDDEN = 100
x = torch.unsqueeze(torch.linspace(-1, 1, N_SAMPLES), 1)
y = x + 0.3 * torch.normal(torch.zeros(N_SAMPLES, 1), torch.ones(N_SAMPLES, 1))
test_x = torch.unsqueeze(torch.linspace(-1, 1, N_SAMPLES), 1)
test_y = test_x + 0.3 * torch.normal(torch.zeros(N_SAMPLES, 1), torch.ones(N_SAMPLES, 1))
net_overfitting = torch.nn.Sequential(
    torch.nn.Linear(1, N_HIDDEN), torch.nn.ReLU(), torch.nn.Linear(N_HIDDEN, N_HIDDEN), torch.nn.ReLU(),
    torch.nn.Linear(N_HIDDEN, 1),
)
net_dropped = torch.nn.Sequential(
    torch.nn.Linear(1, N_HIDDEN), torch.nn.Dropout(0.5), torch.nn.ReLU(), torch.nn.Linear(N_HIDDEN, N_HIDDEN),
    torch.nn.Dropout(0.5), torch.nn.ReLU(), torch.nn.Linear(N_HIDDEN, 1),
)
print(net_overfitting)
print(net_dropped)
optimizer_ofit = torch.optim.Adam(net_overfitting.parameters(), lr=0.01)
optimizer_drop = torch.optim.Adam(net_dropped.parameters(), lr=0.01)
loss_func = torch.nn.MSELoss()
for t in range(100):
    pred_ofit = net_overfitting(x)
    loss_ofit = loss_func(pred_ofit, y)
    optimizer_ofit.zero_grad()
    loss_ofit.backward()
    optimizer_ofit.step()
    if t % 50 == 49:
        net_overfitting.eval()
        net_dropped.eval()
        test_pred_ofit = net_overfitting(test_x)
        test_pred_drop = net_dropped(test_x)
        print("ofit test loss=%.4f" % loss_func(test_pred_ofit, test_y).data.numpy(),
              "drop test loss=%.4f" % loss_func(test_pred_drop, test_y).data.numpy(), net_dropped.training)
        net_overfitting.train()
        net_dropped.train()

# 504: batch normalization
N_SAMPLES = 200
BATCH_SIZE = 64
N_HIDDEN_LAYERS = 4
B_INIT = -0.2
ACTIVATION = torch.tanh
x = np.linspace(-7, 10, N_SAMPLES)[:, np.newaxis]
rs.shuffle(x)
noise = rs.normal(0, 2, x.shape)
y = np.square(x) - 5 + noise
train_x, train_y = torch.from_numpy(x).float(), torch.from_numpy(y).float()
train_dataset = Data.TensorDataset(train_x, train_y)
train_loader = Data.DataLoader(dataset=train_dataset, batch_size=BATCH_SIZE, shuffle=True, num_workers=0)


class BNNet(nn.Module):
    def __init__(self, batch_normalization=False):
        super(BNNet, self).__init__()
        self.do_bn = batch_normalization
        self.fcs = []
        self.bns = []
        self.bn_input = nn.BatchNorm1d(1, momentum=0.5)
        for i in range(N_HIDDEN_LAYERS):
            input_size = 1 if i == 0 else 10
            fc = nn.Linear(input_size, 10)
            setattr(self, "fc%i" % i, fc)
            self._set_init(fc)
            self.fcs.append(fc)
            if self.do_bn:
                bn = nn.BatchNorm1d(10, momentum=0.5)
                setattr(self, "bn%i" % i, bn)
                self.bns.append(bn)
        self.predict = nn.Linear(10, 1)
        self._set_init(self.predict)

    def _set_init(self, layer):
        init.normal_(layer.weight, mean=0., std=.1)
        init.constant_(layer.bias, B_INIT)

    def forward(self, x):
        pre_activation = [x]
        if self.do_bn:
            x = self.bn_input(x)
        layer_input = [x]
        for i in range(N_HIDDEN_LAYERS):
            x = self.fcs[i](x)
            pre_activation.append(x)
            if self.do_bn:
                x = self.bns[i](x)
            x = ACTIVATION(x)
            layer_input.append(x)
        out = self.predict(x)
        return out, layer_input, pre_activation


nets = [BNNet(batch_normalization=False), BNNet(batch_normalization=True)]
print(*nets)
# (SGD, not the tutorial's Adam: the biases before a BatchNorm have a zero gradient up to rounding noise,
# which Adam's normalization would turn into full-size steps that differ run to run)
opts = [torch.optim.SGD(net.parameters(), lr=0.002, momentum=0.9) for net in nets]
loss_func = torch.nn.MSELoss()
for epoch in range(2):  # (two: the regression's large targets make later epochs chaotic in rounding)
    layer_inputs, pre_acts = [], []
    losses = []
    for net, l in zip(nets, [[], []]):
        net.eval()
        pred, layer_input, pre_act = net(train_x)
        losses.append(loss_func(pred, train_y).data.item())
        layer_inputs.append(layer_input)
        pre_acts.append(pre_act)
        net.train()
    print("Epoch:", epoch, "losses %.4f %.4f" % tuple(losses), "layer-2 input std %.5f" % layer_inputs[1][2].std())
    for step, (b_x, b_y) in enumerate(train_loader):
        for net, opt in zip(nets, opts):
            pred, _, _ = net(b_x)
            loss = loss_func(pred, b_y)
            opt.zero_grad()
            loss.backward()
            opt.step()
print(nets[1].bn_input.running_mean, nets[1].bn_input.running_var, nets[1].bn3.num_batches_tracked)

# 406: GAN
BATCH_SIZE = 64
N_IDEAS = 5
ART_COMPONENTS = 15
PAINT_POINTS = np.vstack([np.linspace(-1, 1, ART_COMPONENTS) for _ in range(BATCH_SIZE)])


def artist_works():
    a = rs.uniform(1, 2, size=BATCH_SIZE)[:, np.newaxis]
    paintings = a * np.power(PAINT_POINTS, 2) + (a - 1)
    paintings = torch.from_numpy(paintings).float()
    return paintings


G = nn.Sequential(nn.Linear(N_IDEAS, 128), nn.ReLU(), nn.Linear(128, ART_COMPONENTS))
D = nn.Sequential(nn.Linear(ART_COMPONENTS, 128), nn.ReLU(), nn.Linear(128, 1), nn.Sigmoid())
opt_D = torch.optim.Adam(D.parameters(), lr=0.0001)
opt_G = torch.optim.Adam(G.parameters(), lr=0.0001)
for step in range(60):
    artist_paintings = artist_works()
    G_ideas = torch.randn(BATCH_SIZE, N_IDEAS, requires_grad=True)
    G_paintings = G(G_ideas)
    prob_artist1 = D(G_paintings)
    G_loss = torch.mean(torch.log(1. - prob_artist1))
    opt_G.zero_grad()
    G_loss.backward()
    opt_G.step()
    prob_artist0 = D(artist_paintings)
    prob_artist1 = D(G_paintings.detach())
    D_loss = - torch.mean(torch.log(prob_artist0) + torch.log(1. - prob_artist1))
    opt_D.zero_grad()
    D_loss.backward(retain_graph=True)
    opt_D.step()
    if step % 20 == 19:
        print("D accuracy=%.4f (0.5 for D to converge)" % prob_artist0.data.numpy().mean(),
              "D score= %.4f" % -D_loss.data.numpy())
