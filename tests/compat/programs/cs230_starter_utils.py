"""The Stanford CS230 PyTorch starter code ("vision" and "nlp" projects), as students copy it: utils.Params
loaded from params.json (update, dict, attribute access), RunningAverage, set_logger writing to a file,
save_dict_to_json of metric dicts, save_checkpoint(state, is_best, checkpoint) with last.pth.tar /
best.pth.tar and shutil.copyfile, load_checkpoint into model and optimizer; the vision Net (conv-bn-relu-
pool blocks, fc-bn, F.dropout with training=self.training, log_softmax), loss_fn as the negative picked
log-probabilities, metrics on numpy arrays, train() collecting summaries every save_summary_steps,
evaluate() averaging them, train_and_evaluate keeping the best accuracy; then the nlp project's
padded-label mask trick (labels % num_tags, mask = labels >= 0) for an LSTM tagger.
The vision model trains with SGD and momentum where the starter uses Adam: the biases of conv1/conv2/fc1
feed BatchNorm, so their true gradient is zero and what autograd returns is float32 rounding noise
(~1e-8) whose sign Adam turns into a full +-lr step, which PyTorch's and any other rounding send
different ways (BatchNorm's running means then disagree in the second digit). The nlp part keeps Adam.
The data seed is one whose max-pool windows hold no near-ties (two values within float32 rounding of each
other), where the gradient's route would follow rounding."""

import json
import logging
import os
import shutil
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.set_num_threads(1)


class Params:
    """Class that loads hyperparameters from a json file."""

    def __init__(self, json_path):
        with open(json_path) as f:
            params = json.load(f)
            self.__dict__.update(params)

    def save(self, json_path):
        with open(json_path, "w") as f:
            json.dump(self.__dict__, f, indent=4)

    def update(self, json_path):
        """Loads parameters from json file"""
        with open(json_path) as f:
            params = json.load(f)
            self.__dict__.update(params)

    @property
    def dict(self):
        """Gives dict-like access to Params instance by `params.dict['learning_rate']`"""
        return self.__dict__


class RunningAverage:
    """A simple class that maintains the running average of a quantity"""

    def __init__(self):
        self.steps = 0
        self.total = 0

    def update(self, val):
        self.total += val
        self.steps += 1

    def __call__(self):
        return self.total / float(self.steps)


def set_logger(log_path):
    logger = logging.getLogger()
    logger.setLevel(logging.INFO)
    if not logger.handlers:
        file_handler = logging.FileHandler(log_path)
        file_handler.setFormatter(logging.Formatter("%(levelname)s:%(message)s"))
        logger.addHandler(file_handler)


def save_dict_to_json(d, json_path):
    with open(json_path, "w") as f:
        # We need to convert the values to float for json (it doesn't accept np.array, np.float, )
        d = {k: float(v) for k, v in d.items()}
        json.dump(d, f, indent=4)


def save_checkpoint(state, is_best, checkpoint):
    filepath = os.path.join(checkpoint, "last.pth.tar")
    if not os.path.exists(checkpoint):
        print("Checkpoint Directory does not exist! Making directory {}".format(os.path.basename(checkpoint)))
        os.mkdir(checkpoint)
    torch.save(state, filepath)
    if is_best:
        shutil.copyfile(filepath, os.path.join(checkpoint, "best.pth.tar"))


def load_checkpoint(checkpoint, model, optimizer=None):
    if not os.path.exists(checkpoint):
        raise ("File doesn't exist {}".format(checkpoint))
    checkpoint = torch.load(checkpoint)
    model.load_state_dict(checkpoint["state_dict"])
    if optimizer:
        optimizer.load_state_dict(checkpoint["optim_dict"])
    return checkpoint


class Net(nn.Module):
    def __init__(self, params):
        super(Net, self).__init__()
        self.num_channels = params.num_channels
        self.conv1 = nn.Conv2d(3, self.num_channels, 3, stride=1, padding=1)
        self.bn1 = nn.BatchNorm2d(self.num_channels)
        self.conv2 = nn.Conv2d(self.num_channels, self.num_channels * 2, 3, stride=1, padding=1)
        self.bn2 = nn.BatchNorm2d(self.num_channels * 2)
        self.fc1 = nn.Linear(4 * 4 * self.num_channels * 2, self.num_channels * 2)
        self.fcbn1 = nn.BatchNorm1d(self.num_channels * 2)
        self.fc2 = nn.Linear(self.num_channels * 2, 6)
        self.dropout_rate = params.dropout_rate

    def forward(self, s):
        s = self.bn1(self.conv1(s))  # batch_size x num_channels x 16 x 16
        s = F.relu(F.max_pool2d(s, 2))  # batch_size x num_channels x 8 x 8
        s = self.bn2(self.conv2(s))
        s = F.relu(F.max_pool2d(s, 2))  # batch_size x num_channels*2 x 4 x 4
        s = s.view(-1, 4 * 4 * self.num_channels * 2)
        s = F.dropout(F.relu(self.fcbn1(self.fc1(s))), p=self.dropout_rate, training=self.training)
        s = self.fc2(s)
        return F.log_softmax(s, dim=1)


def loss_fn(outputs, labels):
    num_examples = outputs.size()[0]
    return -torch.sum(outputs[range(num_examples), labels]) / num_examples


def accuracy(outputs, labels):
    outputs = np.argmax(outputs, axis=1)
    return np.sum(outputs == labels) / float(labels.size)


metrics = {"accuracy": accuracy}


# SIGNS-like data: 6 classes of 16x16 hand "signs" (a bar per class plus noise)
rng = np.random.RandomState(231)


def make_split(n):
    labels = rng.randint(0, 6, n)
    images = rng.rand(n, 3, 16, 16).astype(np.float32) * 0.6
    for i, c in enumerate(labels):
        images[i, c % 3, 2 + 2 * c: 4 + 2 * c, 3:13] += 0.8
    return torch.from_numpy(images), torch.from_numpy(labels)


train_x, train_y = make_split(96)
val_x, val_y = make_split(48)


def fetch_dataloader(x, y, batch_size, shuffle):
    ds = torch.utils.data.TensorDataset(x, y)
    return torch.utils.data.DataLoader(ds, batch_size=batch_size, shuffle=shuffle)


def train(model, optimizer, loss_fn, dataloader, metrics, params):
    model.train()
    summ = []
    loss_avg = RunningAverage()
    for i, (train_batch, labels_batch) in enumerate(dataloader):
        output_batch = model(train_batch)
        loss = loss_fn(output_batch, labels_batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if i % params.save_summary_steps == 0:
            output_batch = output_batch.data.cpu().numpy()
            labels_batch = labels_batch.data.cpu().numpy()
            summary_batch = {metric: metrics[metric](output_batch, labels_batch) for metric in metrics}
            summary_batch["loss"] = loss.item()
            summ.append(summary_batch)
        loss_avg.update(loss.item())
    metrics_mean = {metric: np.mean([x[metric] for x in summ]) for metric in summ[0]}
    metrics_string = " ; ".join("{}: {:05.3f}".format(k, v) for k, v in metrics_mean.items())
    logging.info("- Train metrics: " + metrics_string)
    print("- Train metrics: " + metrics_string, "| running loss {:05.3f}".format(loss_avg()))


def evaluate(model, loss_fn, dataloader, metrics, params):
    model.eval()
    summ = []
    for data_batch, labels_batch in dataloader:
        output_batch = model(data_batch)
        loss = loss_fn(output_batch, labels_batch)
        output_batch = output_batch.data.cpu().numpy()
        labels_batch = labels_batch.data.cpu().numpy()
        summary_batch = {metric: metrics[metric](output_batch, labels_batch) for metric in metrics}
        summary_batch["loss"] = loss.item()
        summ.append(summary_batch)
    metrics_mean = {metric: np.mean([x[metric] for x in summ]) for metric in summ[0]}
    metrics_string = " ; ".join("{}: {:05.3f}".format(k, v) for k, v in metrics_mean.items())
    logging.info("- Eval metrics : " + metrics_string)
    print("- Eval metrics : " + metrics_string)
    return metrics_mean


def train_and_evaluate(model, train_dataloader, val_dataloader, optimizer, loss_fn, metrics, params,
                       model_dir, restore_file=None):
    if restore_file is not None:
        restore_path = os.path.join(model_dir, restore_file + ".pth.tar")
        logging.info("Restoring parameters from {}".format(restore_path))
        ckpt = load_checkpoint(restore_path, model, optimizer)
        print("restored epoch", ckpt["epoch"])
    best_val_acc = 0.0
    for epoch in range(params.num_epochs):
        logging.info("Epoch {}/{}".format(epoch + 1, params.num_epochs))
        print("Epoch {}/{}".format(epoch + 1, params.num_epochs))
        train(model, optimizer, loss_fn, train_dataloader, metrics, params)
        with torch.no_grad():
            val_metrics = evaluate(model, loss_fn, val_dataloader, metrics, params)
        val_acc = val_metrics["accuracy"]
        is_best = val_acc >= best_val_acc
        save_checkpoint({"epoch": epoch + 1, "state_dict": model.state_dict(),
                         "optim_dict": optimizer.state_dict()}, is_best=is_best, checkpoint=model_dir)
        if is_best:
            logging.info("- Found new best accuracy")
            print("- Found new best accuracy")
            best_val_acc = val_acc
            save_dict_to_json(val_metrics, os.path.join(model_dir, "metrics_val_best_weights.json"))
        save_dict_to_json(val_metrics, os.path.join(model_dir, "metrics_val_last_weights.json"))


with tempfile.TemporaryDirectory() as tmp:
    json_path = os.path.join(tmp, "params.json")
    with open(json_path, "w") as f:
        json.dump({"learning_rate": 1e-2, "batch_size": 16, "num_epochs": 2, "dropout_rate": 0.0,
                   "num_channels": 8, "save_summary_steps": 2, "num_workers": 0}, f)
    params = Params(json_path)
    print("params", sorted(params.dict.items()))
    params.learning_rate = 2e-2
    params.save(json_path)
    params.update(json_path)
    print("learning_rate", params.learning_rate, "cuda", torch.cuda.is_available())

    torch.manual_seed(230)
    model_dir = os.path.join(tmp, "base_model")
    set_logger(os.path.join(tmp, "train.log"))
    train_dl = fetch_dataloader(train_x, train_y, params.batch_size, True)
    val_dl = fetch_dataloader(val_x, val_y, params.batch_size, False)
    model = Net(params)
    optimizer = optim.SGD(model.parameters(), lr=params.learning_rate, momentum=0.9)
    train_and_evaluate(model, train_dl, val_dl, optimizer, loss_fn, metrics, params, model_dir)
    print("files", sorted(os.listdir(model_dir)))
    with open(os.path.join(model_dir, "metrics_val_best_weights.json")) as f:
        print("best json", {k: round(v, 4) for k, v in json.load(f).items()})

    # evaluate.py: a fresh model restored from best.pth.tar
    model2 = Net(params)
    ckpt = load_checkpoint(os.path.join(model_dir, "best.pth.tar"), model2)
    print("restored", ckpt["epoch"], sorted(ckpt), type(ckpt["optim_dict"]["state"]).__name__)
    with torch.no_grad():
        test_metrics = evaluate(model2, loss_fn, val_dl, metrics, params)
    print("bn running_mean", [round(v, 4) for v in model2.bn1.running_mean[:4].tolist()],
          "tracked", model2.bn1.num_batches_tracked.item())
    # train.py --restore_file last: resume model and optimizer for two more epochs
    params.num_epochs = 1
    model3 = Net(params)
    optimizer3 = optim.SGD(model3.parameters(), lr=params.learning_rate, momentum=0.9)
    train_and_evaluate(model3, train_dl, val_dl, optimizer3, loss_fn, metrics, params, model_dir,
                       restore_file="last")
    state3 = optimizer3.state_dict()
    print("sgd state", len(state3["state"]), sorted(state3["state"][0]), state3["param_groups"][0]["momentum"],
          "buffer norm {:.4f}".format(state3["state"][0]["momentum_buffer"].norm().item()))
    logging.shutdown()
    with open(os.path.join(tmp, "train.log")) as f:
        lines = f.read().splitlines()
    print("log lines", len(lines), lines[0], "|", lines[-1][:24])
    logging.getLogger().handlers.clear()

# the nlp project: padded labels are -1, the loss masks them
vocab, num_tags, pad_ind = 30, 5, 0
torch.manual_seed(3)


class TagNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 12)
        self.lstm = nn.LSTM(12, 16, batch_first=True)
        self.fc = nn.Linear(16, num_tags)

    def forward(self, s):
        s = self.embedding(s)  # dim: batch_size x seq_len x embedding_dim
        s, _ = self.lstm(s)
        s = s.contiguous()
        s = s.view(-1, s.shape[2])  # dim: batch_size*seq_len x lstm_hidden_dim
        s = self.fc(s)
        return F.log_softmax(s, dim=1)


def nlp_loss_fn(outputs, labels):
    labels = labels.view(-1)
    mask = (labels >= 0).float()
    labels = labels % outputs.shape[1]
    num_tokens = int(torch.sum(mask))
    return -torch.sum(outputs[range(outputs.shape[0]), labels] * mask) / num_tokens


def nlp_accuracy(outputs, labels):
    labels = labels.ravel()
    mask = labels >= 0
    outputs = np.argmax(outputs, axis=1)
    return np.sum(outputs == labels) / float(np.sum(mask))


lens = rng.randint(3, 9, 12)
batch_data = pad_ind * np.ones((12, lens.max()))
batch_labels = -1 * np.ones((12, lens.max()))
for j, n in enumerate(lens):
    toks = rng.randint(1, vocab, n)
    batch_data[j][:n] = toks
    batch_labels[j][:n] = toks % num_tags
batch_data, batch_labels = torch.LongTensor(batch_data), torch.LongTensor(batch_labels)
print("batch", tuple(batch_data.shape), batch_data.dtype, batch_labels[0].tolist())
net = TagNet()
opt = optim.Adam(net.parameters(), lr=0.02)
for step in range(25):
    out = net(batch_data)
    loss = nlp_loss_fn(out, batch_labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 6 == 0:
        print("nlp step", step, "loss {:.4f}".format(loss.item()),
              "acc {:.4f}".format(nlp_accuracy(out.data.numpy(), batch_labels.data.numpy())))
