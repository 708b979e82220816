"""Rao & McMahan's "Natural Language Processing with PyTorch" chapter 4-7 code as readers adapt it to
their own words: Vocabulary / SequenceVocabulary with to_serializable round trips, a Vectorizer making
one-hot matrices and index sequences with begin/end/mask tokens, a Dataset with set_split returning
dict rows, generate_batches over DataLoader(drop_last=True) collating dicts, class weights from
frequencies into CrossEntropyLoss(weight=...), the MLP (dropout, apply_softmax), the CNN over a
one-hot character matrix (Conv1d + ELU, squeeze(dim=2)), the ElmanRNN built on nn.RNNCell with
column_gather, a train_state dict with early stopping and ReduceLROnPlateau, topk predictions, and
the conditioned surname generator sampled with torch.multinomial and masked sequence loss."""

# ruff: noqa: NPY002 - the tutorial's legacy numpy random calls
import collections
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from _data import words
from torch.utils.data import DataLoader, Dataset

torch.set_num_threads(1)
torch.manual_seed(1337)
np.random.seed(1337)


class Vocabulary:
    def __init__(self, token_to_idx=None, add_unk=True, unk_token="<UNK>"):
        if token_to_idx is None:
            token_to_idx = {}
        self._token_to_idx = token_to_idx
        self._idx_to_token = {idx: token for token, idx in self._token_to_idx.items()}
        self._add_unk = add_unk
        self._unk_token = unk_token
        self.unk_index = -1
        if add_unk:
            self.unk_index = self.add_token(unk_token)

    def to_serializable(self):
        return {"token_to_idx": self._token_to_idx, "add_unk": self._add_unk, "unk_token": self._unk_token}

    @classmethod
    def from_serializable(cls, contents):
        return cls(**contents)

    def add_token(self, token):
        if token in self._token_to_idx:
            index = self._token_to_idx[token]
        else:
            index = len(self._token_to_idx)
            self._token_to_idx[token] = index
            self._idx_to_token[index] = token
        return index

    def lookup_token(self, token):
        if self._add_unk:
            return self._token_to_idx.get(token, self.unk_index)
        return self._token_to_idx[token]

    def lookup_index(self, index):
        if index not in self._idx_to_token:
            raise KeyError("the index (%d) is not in the Vocabulary" % index)
        return self._idx_to_token[index]

    def __len__(self):
        return len(self._token_to_idx)


class SequenceVocabulary(Vocabulary):
    def __init__(self, token_to_idx=None, unk_token="<UNK>", mask_token="<MASK>",
                 begin_seq_token="<BEGIN>", end_seq_token="<END>"):
        super().__init__(token_to_idx, add_unk=False)
        self._mask_token = mask_token
        self._unk_token = unk_token
        self.mask_index = self.add_token(mask_token)
        self.unk_index = self.add_token(unk_token)
        self.begin_seq_index = self.add_token(begin_seq_token)
        self.end_seq_index = self.add_token(end_seq_token)

    def lookup_token(self, token):
        return self._token_to_idx.get(token, self.unk_index)


# the "surnames": Shakespeare words, the "nationality" their ending class
ENDINGS = ["e", "s", "d", "t", "other"]
rows = []
for i, w in enumerate(words(700)):
    nat = w[-1] if w[-1] in ENDINGS[:4] else "other"
    split = "train" if i % 10 < 7 else ("val" if i % 10 < 9 else "test")
    rows.append({"surname": w, "nationality": nat, "split": split})


class SurnameVectorizer:
    def __init__(self, char_vocab, nationality_vocab, max_surname_length):
        self.char_vocab = char_vocab
        self.nationality_vocab = nationality_vocab
        self._max_surname_length = max_surname_length

    def vectorize_onehot(self, surname):
        one_hot_matrix = np.zeros((len(self.char_vocab), self._max_surname_length), dtype=np.float32)
        for position_index, character in enumerate(surname):
            one_hot_matrix[self.char_vocab.lookup_token(character)][position_index] = 1
        return one_hot_matrix

    def vectorize_sequence(self, surname, vector_length=-1):
        indices = [self.char_vocab.begin_seq_index]
        indices.extend(self.char_vocab.lookup_token(token) for token in surname)
        indices.append(self.char_vocab.end_seq_index)
        if vector_length < 0:
            vector_length = len(indices)
        from_vector = np.zeros(vector_length - 1, dtype=np.int64)
        to_vector = np.zeros(vector_length - 1, dtype=np.int64)
        from_indices = indices[:-1]
        to_indices = indices[1:]
        from_vector[:len(from_indices)] = from_indices
        from_vector[len(from_indices):] = self.char_vocab.mask_index
        to_vector[:len(to_indices)] = to_indices
        to_vector[len(to_indices):] = self.char_vocab.mask_index
        return from_vector, to_vector, len(indices) - 1

    @classmethod
    def from_rows(cls, rows):
        char_vocab = SequenceVocabulary()
        nationality_vocab = Vocabulary(add_unk=False)
        max_surname_length = 0
        for row in rows:
            max_surname_length = max(max_surname_length, len(row["surname"]))
            for letter in row["surname"]:
                char_vocab.add_token(letter)
            nationality_vocab.add_token(row["nationality"])
        return cls(char_vocab, nationality_vocab, max_surname_length)

    def to_serializable(self):
        return {"char_vocab": self.char_vocab.to_serializable(),
                "nationality_vocab": self.nationality_vocab.to_serializable(),
                "max_surname_length": self._max_surname_length}


class SurnameDataset(Dataset):
    def __init__(self, rows, vectorizer):
        self.rows = rows
        self._vectorizer = vectorizer
        self._max_seq_length = vectorizer._max_surname_length + 2
        self._lookup_dict = {s: [r for r in rows if r["split"] == s] for s in ("train", "val", "test")}
        self.set_split("train")
        class_counts = collections.Counter(r["nationality"] for r in rows)

        def sort_key(item):
            return self._vectorizer.nationality_vocab.lookup_token(item[0])
        sorted_counts = sorted(class_counts.items(), key=sort_key)
        frequencies = [count for _, count in sorted_counts]
        self.class_weights = 1.0 / torch.tensor(frequencies, dtype=torch.float32)

    def set_split(self, split="train"):
        self._target_split = split
        self._target_df = self._lookup_dict[split]
        self._target_size = len(self._target_df)

    def __len__(self):
        return self._target_size

    def __getitem__(self, index):
        row = self._target_df[index]
        from_vector, to_vector, length = self._vectorizer.vectorize_sequence(row["surname"], self._max_seq_length)
        return {"x_onehot": self._vectorizer.vectorize_onehot(row["surname"]),
                "x_data": from_vector, "y_seq": to_vector, "x_length": length,
                "y_target": self._vectorizer.nationality_vocab.lookup_token(row["nationality"])}

    def get_num_batches(self, batch_size):
        return len(self) // batch_size


def generate_batches(dataset, batch_size, shuffle=True, drop_last=True, device="cpu"):
    dataloader = DataLoader(dataset=dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last)
    for data_dict in dataloader:
        out_data_dict = {}
        for name, tensor in data_dict.items():
            out_data_dict[name] = data_dict[name].to(device)
        yield out_data_dict


vectorizer = SurnameVectorizer.from_rows(rows)
blob = json.dumps(vectorizer.to_serializable())
restored = Vocabulary.from_serializable(json.loads(blob)["nationality_vocab"])
print("vocab sizes", len(vectorizer.char_vocab), len(vectorizer.nationality_vocab), len(restored),
      "max len", vectorizer._max_surname_length)
print("lookup", restored.lookup_token("s"), vectorizer.char_vocab.lookup_token("#"),
      vectorizer.char_vocab.lookup_index(4))
try:
    restored.lookup_index(99)
except KeyError as e:
    print("KeyError", e)
dataset = SurnameDataset(rows, vectorizer)
print("split sizes", [len(dataset._lookup_dict[s]) for s in ("train", "val", "test")])
print("class weights", dataset.class_weights)
first = next(generate_batches(dataset, batch_size=4, shuffle=False))
print({k: (tuple(v.shape), v.dtype) for k, v in first.items()})
print("x_data[0]", first["x_data"][0], "length", first["x_length"])


class SurnameClassifierMLP(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim):
        super().__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, output_dim)

    def forward(self, x_in, apply_softmax=False):
        intermediate_vector = F.relu(self.fc1(x_in))
        prediction_vector = self.fc2(F.dropout(intermediate_vector, p=0.5, training=self.training))
        if apply_softmax:
            prediction_vector = F.softmax(prediction_vector, dim=1)
        return prediction_vector


class SurnameClassifierCNN(nn.Module):
    def __init__(self, initial_num_channels, num_classes, num_channels):
        super().__init__()
        self.convnet = nn.Sequential(
            nn.Conv1d(in_channels=initial_num_channels, out_channels=num_channels, kernel_size=3),
            nn.ELU(),
            nn.Conv1d(in_channels=num_channels, out_channels=num_channels, kernel_size=3, stride=2),
            nn.ELU(),
            nn.Conv1d(in_channels=num_channels, out_channels=num_channels, kernel_size=3, stride=2),
            nn.ELU(),
        )
        self.fc = nn.Linear(num_channels, num_classes)

    def forward(self, x_surname, apply_softmax=False):
        features = self.convnet(x_surname)
        features = F.adaptive_max_pool1d(features, 1).squeeze(dim=2)
        prediction_vector = self.fc(features)
        if apply_softmax:
            prediction_vector = F.softmax(prediction_vector, dim=1)
        return prediction_vector


def column_gather(y_out, x_lengths):
    x_lengths = x_lengths.long().detach().cpu().numpy() - 1
    out = []
    for batch_index, column_index in enumerate(x_lengths):
        out.append(y_out[batch_index, column_index])
    return torch.stack(out)


class ElmanRNN(nn.Module):
    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__()
        self.rnn_cell = nn.RNNCell(input_size, hidden_size)
        self.batch_first = batch_first
        self.hidden_size = hidden_size

    def _initial_hidden(self, batch_size):
        return torch.zeros((batch_size, self.hidden_size))

    def forward(self, x_in, initial_hidden=None):
        if self.batch_first:
            batch_size, seq_size, feat_size = x_in.size()
            x_in = x_in.permute(1, 0, 2)
        else:
            seq_size, batch_size, feat_size = x_in.size()
        hiddens = []
        if initial_hidden is None:
            initial_hidden = self._initial_hidden(batch_size)
            initial_hidden = initial_hidden.to(x_in.device)
        hidden_t = initial_hidden
        for t in range(seq_size):
            hidden_t = self.rnn_cell(x_in[t], hidden_t)
            hiddens.append(hidden_t)
        hiddens = torch.stack(hiddens)
        if self.batch_first:
            hiddens = hiddens.permute(1, 0, 2)
        return hiddens


class SurnameClassifierRNN(nn.Module):
    def __init__(self, embedding_size, num_embeddings, num_classes, rnn_hidden_size, padding_idx=0):
        super().__init__()
        self.emb = nn.Embedding(num_embeddings=num_embeddings, embedding_dim=embedding_size,
                                padding_idx=padding_idx)
        self.rnn = ElmanRNN(input_size=embedding_size, hidden_size=rnn_hidden_size, batch_first=True)
        self.fc1 = nn.Linear(in_features=rnn_hidden_size, out_features=rnn_hidden_size)
        self.fc2 = nn.Linear(in_features=rnn_hidden_size, out_features=num_classes)

    def forward(self, x_in, x_lengths=None, apply_softmax=False):
        x_embedded = self.emb(x_in)
        y_out = self.rnn(x_embedded)
        if x_lengths is not None:
            y_out = column_gather(y_out, x_lengths)
        else:
            y_out = y_out[:, -1, :]
        y_out = F.relu(self.fc1(F.dropout(y_out, 0.5, training=self.training)))
        y_out = self.fc2(F.dropout(y_out, 0.5, training=self.training))
        if apply_softmax:
            y_out = F.softmax(y_out, dim=1)
        return y_out


def make_train_state(learning_rate):
    return {"stop_early": False, "early_stopping_step": 0, "early_stopping_best_val": 1e8,
            "learning_rate": learning_rate, "epoch_index": 0, "train_loss": [], "train_acc": [],
            "val_loss": [], "val_acc": [], "test_loss": -1, "test_acc": -1, "model_state": None}


def update_train_state(early_stopping_criteria, model, train_state):
    if train_state["epoch_index"] == 0:
        train_state["model_state"] = {k: v.clone() for k, v in model.state_dict().items()}
        train_state["stop_early"] = False
    elif train_state["epoch_index"] >= 1:
        loss_tm1, loss_t = train_state["val_loss"][-2:]
        if loss_t >= train_state["early_stopping_best_val"]:
            train_state["early_stopping_step"] += 1
        else:
            if loss_t < train_state["early_stopping_best_val"]:
                train_state["model_state"] = {k: v.clone() for k, v in model.state_dict().items()}
                train_state["early_stopping_best_val"] = loss_t
            train_state["early_stopping_step"] = 0
        train_state["stop_early"] = train_state["early_stopping_step"] >= early_stopping_criteria
    return train_state


def compute_accuracy(y_pred, y_target):
    _, y_pred_indices = y_pred.max(dim=1)
    n_correct = torch.eq(y_pred_indices, y_target).sum().item()
    return n_correct / len(y_pred_indices) * 100


def run(name, classifier, make_input, num_epochs=6, batch_size=32, lr=0.01):
    loss_func = nn.CrossEntropyLoss(dataset.class_weights)
    optimizer = optim.Adam(classifier.parameters(), lr=lr)
    scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer=optimizer, mode="min", factor=0.5, patience=1)
    train_state = make_train_state(lr)
    for epoch_index in range(num_epochs):
        train_state["epoch_index"] = epoch_index
        dataset.set_split("train")
        running_loss, running_acc = 0.0, 0.0
        classifier.train()
        for batch_index, batch_dict in enumerate(generate_batches(dataset, batch_size=batch_size)):
            optimizer.zero_grad()
            y_pred = classifier(*make_input(batch_dict))
            loss = loss_func(y_pred, batch_dict["y_target"])
            loss_t = loss.item()
            running_loss += (loss_t - running_loss) / (batch_index + 1)
            loss.backward()
            optimizer.step()
            acc_t = compute_accuracy(y_pred, batch_dict["y_target"])
            running_acc += (acc_t - running_acc) / (batch_index + 1)
        train_state["train_loss"].append(running_loss)
        train_state["train_acc"].append(running_acc)
        dataset.set_split("val")
        running_loss, running_acc = 0.0, 0.0
        classifier.eval()
        for batch_index, batch_dict in enumerate(generate_batches(dataset, batch_size=batch_size)):
            y_pred = classifier(*make_input(batch_dict))
            loss = loss_func(y_pred, batch_dict["y_target"])
            running_loss += (loss.to("cpu").item() - running_loss) / (batch_index + 1)
            acc_t = compute_accuracy(y_pred, batch_dict["y_target"])
            running_acc += (acc_t - running_acc) / (batch_index + 1)
        train_state["val_loss"].append(running_loss)
        train_state["val_acc"].append(running_acc)
        train_state = update_train_state(2, classifier, train_state)
        scheduler.step(train_state["val_loss"][-1])
        print(f"{name} epoch {epoch_index} train {train_state['train_loss'][-1]:.4f} "
              f"{train_state['train_acc'][-1]:.2f} val {running_loss:.4f} {running_acc:.2f} "
              f"lr {optimizer.param_groups[0]['lr']}")
        if train_state["stop_early"]:
            print(name, "stopped early")
            break
    classifier.load_state_dict(train_state["model_state"])
    dataset.set_split("test")
    classifier.eval()
    running_loss, running_acc = 0.0, 0.0
    for batch_index, batch_dict in enumerate(generate_batches(dataset, batch_size=batch_size, shuffle=False)):
        y_pred = classifier(*make_input(batch_dict))
        loss = loss_func(y_pred, batch_dict["y_target"])
        running_loss += (loss.item() - running_loss) / (batch_index + 1)
        running_acc += (compute_accuracy(y_pred, batch_dict["y_target"]) - running_acc) / (batch_index + 1)
    print(f"{name} test loss {running_loss:.4f} acc {running_acc:.2f} best {train_state['early_stopping_best_val']:.4f}")
    return classifier


n_chars = len(vectorizer.char_vocab)
n_max = vectorizer._max_surname_length
n_cls = len(vectorizer.nationality_vocab)
mlp = run("mlp", SurnameClassifierMLP(n_chars * n_max, 32, n_cls),
          lambda b: (b["x_onehot"].view(b["x_onehot"].size(0), -1),))
cnn = run("cnn", SurnameClassifierCNN(n_chars, n_cls, 32), lambda b: (b["x_onehot"],))
rnn = run("rnn", SurnameClassifierRNN(16, n_chars, n_cls, 24, padding_idx=vectorizer.char_vocab.mask_index),
          lambda b: (b["x_data"], b["x_length"]), lr=0.005)


def predict_topk_nationality(surname, classifier, vectorizer, k=3):
    vectorized_surname = torch.tensor(vectorizer.vectorize_onehot(surname))
    vectorized_surname = vectorized_surname.unsqueeze(0)
    prediction_vector = classifier(vectorized_surname, apply_softmax=True)
    probability_values, indices = torch.topk(prediction_vector, k=k)
    probability_values = probability_values.detach().numpy()[0]
    indices = indices.detach().numpy()[0]
    return [{"nationality": vectorizer.nationality_vocab.lookup_index(i), "probability": round(float(p), 4)}
            for p, i in zip(probability_values, indices)]


for surname in ["kingdome", "houses", "walked"]:
    print(surname, predict_topk_nationality(surname, cnn, vectorizer))


# chapter 7: the conditioned surname generator
class SurnameGenerationModel(nn.Module):
    def __init__(self, char_embedding_size, char_vocab_size, num_nationalities, rnn_hidden_size,
                 batch_first=True, padding_idx=0, dropout_p=0.5):
        super().__init__()
        self.char_emb = nn.Embedding(num_embeddings=char_vocab_size, embedding_dim=char_embedding_size,
                                     padding_idx=padding_idx)
        self.nation_emb = nn.Embedding(num_embeddings=num_nationalities, embedding_dim=rnn_hidden_size)
        self.rnn = nn.GRU(input_size=char_embedding_size, hidden_size=rnn_hidden_size, batch_first=batch_first)
        self.fc = nn.Linear(in_features=rnn_hidden_size, out_features=char_vocab_size)
        self._dropout_p = dropout_p

    def forward(self, x_in, nationality_index, apply_softmax=False):
        x_embedded = self.char_emb(x_in)
        nationality_embedded = self.nation_emb(nationality_index).unsqueeze(0)
        y_out, _ = self.rnn(x_embedded, nationality_embedded)
        batch_size, seq_size, feat_size = y_out.shape
        y_out = y_out.contiguous().view(batch_size * seq_size, feat_size)
        y_out = self.fc(F.dropout(y_out, p=self._dropout_p))
        if apply_softmax:
            y_out = F.softmax(y_out, dim=1)
        new_feat_size = y_out.shape[-1]
        y_out = y_out.view(batch_size, seq_size, new_feat_size)
        return y_out


def normalize_sizes(y_pred, y_true):
    if len(y_pred.size()) == 3:
        y_pred = y_pred.contiguous().view(-1, y_pred.size(2))
    if len(y_true.size()) == 2:
        y_true = y_true.contiguous().view(-1)
    return y_pred, y_true


def sequence_loss(y_pred, y_true, mask_index):
    y_pred, y_true = normalize_sizes(y_pred, y_true)
    return F.cross_entropy(y_pred, y_true, ignore_index=mask_index)


def sequence_accuracy(y_pred, y_true, mask_index):
    y_pred, y_true = normalize_sizes(y_pred, y_true)
    _, y_pred_indices = y_pred.max(dim=1)
    correct_indices = torch.eq(y_pred_indices, y_true).float()
    valid_indices = torch.ne(y_true, mask_index).float()
    n_correct = (correct_indices * valid_indices).sum().item()
    n_valid = valid_indices.sum().item()
    return n_correct / n_valid * 100


torch.manual_seed(5)
gen = SurnameGenerationModel(12, n_chars, n_cls, 32, padding_idx=vectorizer.char_vocab.mask_index, dropout_p=0.1)
opt = optim.Adam(gen.parameters(), lr=0.01)
mask_index = vectorizer.char_vocab.mask_index
for epoch in range(3):
    dataset.set_split("train")
    running = 0.0
    gen.train()
    for bi, batch in enumerate(generate_batches(dataset, batch_size=32)):
        opt.zero_grad()
        y_pred = gen(x_in=batch["x_data"], nationality_index=batch["y_target"])
        loss = sequence_loss(y_pred, batch["y_seq"], mask_index)
        loss.backward()
        nn.utils.clip_grad_norm_(gen.parameters(), 1.0)
        opt.step()
        running += (loss.item() - running) / (bi + 1)
    acc = sequence_accuracy(y_pred, batch["y_seq"], mask_index)
    print(f"gen epoch {epoch} loss {running:.4f} last batch acc {acc:.2f}")


def sample_from_model(model, vectorizer, nationalities, sample_size=12, temperature=1.0):
    num_samples = len(nationalities)
    begin_seq_index = [vectorizer.char_vocab.begin_seq_index for _ in range(num_samples)]
    begin_seq_index = torch.tensor(begin_seq_index, dtype=torch.int64).unsqueeze(dim=1)
    indices = [begin_seq_index]
    nationality_indices = torch.tensor(nationalities, dtype=torch.int64).unsqueeze(dim=0)
    h_t = model.nation_emb(nationality_indices)
    for time_step in range(sample_size):
        x_t = indices[time_step]
        x_emb_t = model.char_emb(x_t)
        rnn_out_t, h_t = model.rnn(x_emb_t, h_t)
        prediction_vector = model.fc(rnn_out_t.squeeze(dim=1))
        probability_vector = F.softmax(prediction_vector / temperature, dim=1)
        indices.append(torch.multinomial(probability_vector, num_samples=1))
    indices = torch.stack(indices).squeeze().permute(1, 0)
    return indices


def decode_samples(sampled_indices, vectorizer):
    decoded = []
    vocab = vectorizer.char_vocab
    for sample_index in range(sampled_indices.shape[0]):
        surname = ""
        for time_step in range(sampled_indices.shape[1]):
            sample_item = sampled_indices[sample_index, time_step].item()
            if sample_item == vocab.begin_seq_index:
                continue
            elif sample_item == vocab.end_seq_index:
                break
            else:
                surname += vocab.lookup_index(sample_item)
        decoded.append(surname)
    return decoded


gen.eval()
torch.manual_seed(11)
with torch.no_grad():
    sampled = sample_from_model(gen, vectorizer, nationalities=[0, 1, 2, 3, 4, 0], temperature=0.7)
print("sampled shape", tuple(sampled.shape))
print("samples", decode_samples(sampled, vectorizer))
