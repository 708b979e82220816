"""Stevens, Antiga & Viehmann's "Deep Learning with PyTorch" chapter 4 (real-world data
representation) as readers type it, on data made here: images stacked into a uint8 batch, permuted
to C x H x W, normalized per channel; a wine-quality CSV read with np.loadtxt into torch.from_numpy,
the score column one-hot with scatter_ and unsqueeze, mean/var normalization, torch.le / lt / gt
masks and the chapter's threshold prediction; bike-sharing hourly rows reshaped with view(-1, 24, C)
and transposed, weather one-hot via scatter_ and torch.cat, min-max and standardized temperature;
text one-hot per character and per word from the bundled Shakespeare, and a volumetric stack. Each
step prints the tensors, so the reprs of uint8, int64, bool, float64 and float32 data are compared."""

import io

import numpy as np
import torch
from _data import text

torch.set_num_threads(1)
torch.set_printoptions(edgeitems=2, threshold=50)
rng = np.random.RandomState(4)

# images: a batch of 3 "RGB" pictures 6x6 as uint8 HWC arrays
batch_size = 3
batch = torch.zeros(batch_size, 3, 6, 6, dtype=torch.uint8)
for i in range(batch_size):
    img_arr = rng.randint(0, 256, size=(6, 6, 3)).astype(np.uint8)
    img_t = torch.from_numpy(img_arr)
    out = img_t.permute(2, 0, 1)
    print("img", img_t.shape, out.shape, out.is_contiguous(), img_t.dtype)
    batch[i] = out
print(batch[0, 0])
batch = batch.float()
batch /= 255.0
n_channels = batch.shape[1]
for c in range(n_channels):
    mean = torch.mean(batch[:, c])
    std = torch.std(batch[:, c])
    batch[:, c] = (batch[:, c] - mean) / std
print("normalized channel means ~0", bool(batch.mean(dim=(0, 2, 3)).abs().max() < 1e-5), "stds",
      batch.std(dim=(0, 2, 3)))

# volumetric data: a stack of slices with a channel dim
vol_arr = rng.randint(-1000, 1500, size=(5, 4, 4)).astype(np.int16)
vol = torch.from_numpy(vol_arr.astype(np.float32))
vol = torch.unsqueeze(vol, 0)
print("vol", vol.shape, vol.dtype, vol[0, 0])

# tabular: wine quality
header = "fixed acidity;volatile acidity;citric acid;residual sugar;chlorides;free sulfur dioxide;" \
         "total sulfur dioxide;density;pH;sulphates;alcohol;quality"
lines = [header]
for _ in range(40):
    feats = [rng.uniform(4, 15), rng.uniform(0.1, 1.2), rng.uniform(0, 0.8), rng.uniform(0.6, 20),
             rng.uniform(0.01, 0.3), rng.uniform(2, 70), rng.uniform(6, 250), rng.uniform(0.99, 1.004),
             rng.uniform(2.8, 4.0), rng.uniform(0.3, 1.5), rng.uniform(8, 14)]
    quality = int(np.clip(round(3 + (feats[10] - 8) * 0.9 - feats[1] * 2 + rng.randn()), 3, 9))
    lines.append(";".join(f"{v:.4f}" for v in feats) + f";{quality}")
csv = io.StringIO("\n".join(lines))
wineq_numpy = np.loadtxt(csv, dtype=np.float32, delimiter=";", skiprows=1)
print("numpy", wineq_numpy.shape, wineq_numpy.dtype)
col_list = header.split(";")
wineq = torch.from_numpy(wineq_numpy)
print(wineq.shape, wineq.dtype)
data = wineq[:, :-1]
print(data, data.shape)
target = wineq[:, -1]
print(target, target.shape)
target = wineq[:, -1].long()
print(target)
target_onehot = torch.zeros(target.shape[0], 10)
target_onehot.scatter_(1, target.unsqueeze(1), 1.0)
print(target_onehot[:4], target_onehot.sum(0))
target_unsqueezed = target.unsqueeze(1)
print(target_unsqueezed[:3])
data_mean = torch.mean(data, dim=0)
print(data_mean)
data_var = torch.var(data, dim=0)
print(data_var)
data_normalized = (data - data_mean) / torch.sqrt(data_var)
print(data_normalized[:2])
bad_indexes = target <= 4
print(bad_indexes.shape, bad_indexes.dtype, bad_indexes.sum())
bad_data = data[bad_indexes]
print(bad_data.shape)
bad_data = data[target <= 4]
mid_data = data[(target > 4) & (target < 7)]
good_data = data[target >= 7]
bad_mean = torch.mean(bad_data, dim=0)
mid_mean = torch.mean(mid_data, dim=0)
good_mean = torch.mean(good_data, dim=0)
for i, args in enumerate(zip(col_list, bad_mean, mid_mean, good_mean)):
    print("{:2} {:20} {:6.2f} {:6.2f} {:6.2f}".format(i, *args))
total_sulfur_threshold = 141.83
total_sulfur_data = data[:, 6]
predicted_indexes = torch.lt(total_sulfur_data, total_sulfur_threshold)
print(predicted_indexes.shape, predicted_indexes.dtype, predicted_indexes.sum())
actual_indexes = target > 5
print(actual_indexes.shape, actual_indexes.dtype, actual_indexes.sum())
n_matches = torch.sum(actual_indexes & predicted_indexes).item()
n_predicted = torch.sum(predicted_indexes).item()
n_actual = torch.sum(actual_indexes).item()
print(n_matches, n_matches / n_predicted, n_matches / n_actual)
print(torch.le(target, 5)[:8], torch.ge(data[:8, 10], 11.0), torch.gt(target, 5.5)[:8])

# time series: bike sharing, 3 days of hourly rows
rows = []
for h in range(72):
    day = h // 24
    hour = h % 24
    weather = int(rng.choice([1, 2, 3, 4], p=[0.6, 0.25, 0.1, 0.05]))
    temp = 0.3 + 0.2 * np.sin(hour / 24 * 2 * np.pi) + 0.05 * rng.randn()
    cnt = max(0, int(40 + 100 * np.sin((hour - 6) / 24 * 2 * np.pi) + 10 * rng.randn()))
    rows.append([h + 1, day + 1, 1, 0, 1, hour, 0, (day + 6) % 7, 1, weather, temp, temp * 0.9, 0.5, 0.2, 5, cnt - 5,
                 cnt])
bikes_numpy = np.array(rows, dtype=np.float32)
bikes = torch.from_numpy(bikes_numpy)
print(bikes.shape, bikes.stride())
daily_bikes = bikes.view(-1, 24, bikes.shape[1])
print(daily_bikes.shape, daily_bikes.stride())
daily_bikes = daily_bikes.transpose(1, 2)
print(daily_bikes.shape, daily_bikes.stride(), daily_bikes.is_contiguous())
first_day = bikes[:24].long()
weather_onehot = torch.zeros(first_day.shape[0], 4)
print(first_day[:, 9])
weather_onehot.scatter_(dim=1, index=first_day[:, 9].unsqueeze(1).long() - 1, value=1.0)
print(weather_onehot[:5])
print(torch.cat((bikes[:24], weather_onehot), 1)[:1])
daily_weather_onehot = torch.zeros(daily_bikes.shape[0], 4, daily_bikes.shape[2])
print(daily_weather_onehot.shape)
daily_weather_onehot.scatter_(1, daily_bikes[:, 9, :].long().unsqueeze(1) - 1, 1.0)
print(daily_weather_onehot.shape, daily_weather_onehot.sum(dim=(0, 2)))
daily_bikes = torch.cat((daily_bikes, daily_weather_onehot), dim=1)
print(daily_bikes.shape)
daily_bikes[:, 9, :] = (daily_bikes[:, 9, :] - 1.0) / 3.0
temp = daily_bikes[:, 10, :]
temp_min = torch.min(temp)
temp_max = torch.max(temp)
daily_bikes[:, 10, :] = (daily_bikes[:, 10, :] - temp_min) / (temp_max - temp_min)
print("minmax", daily_bikes[:, 10, :].min(), daily_bikes[:, 10, :].max(), daily_bikes[0, 10, :5])
temp = daily_bikes[:, 11, :]
daily_bikes[:, 11, :] = (daily_bikes[:, 11, :] - torch.mean(temp)) / torch.std(temp)
print("standardized", daily_bikes[:, 11, :].mean().abs() < 1e-5, daily_bikes[:, 11, :].std())
print(daily_bikes[0, :, 0])

# text: characters and words
line = [ln for ln in text(3000).split("\n") if len(ln) > 40][2]
print(repr(line))
letter_t = torch.zeros(len(line), 128)
print(letter_t.shape)
for i, letter in enumerate(line.lower().strip()):
    letter_index = ord(letter) if ord(letter) < 128 else 0
    letter_t[i][letter_index] = 1
print(letter_t.sum(0).nonzero().squeeze(1), letter_t.argmax(1)[:10])


def clean_words(input_str):
    punctuation = '.,;:"!?”“_-'
    word_list = input_str.lower().replace("\n", " ").split()
    word_list = [word.strip(punctuation) for word in word_list]
    return word_list


words_in_line = clean_words(line)
print(line, words_in_line)
word_list = sorted(set(clean_words(text(5000))))
word2index_dict = {word: i for (i, word) in enumerate(word_list)}
print(len(word2index_dict), word2index_dict.get("king"))
word_t = torch.zeros(len(words_in_line), len(word2index_dict))
for i, word in enumerate(words_in_line):
    word_index = word2index_dict[word]
    word_t[i][word_index] = 1
    print("{:2} {:4} {}".format(i, word_index, word))
print(word_t.shape, word_t.nonzero())
print(torch.tensor([ord(c) for c in "Hello"], dtype=torch.uint8), torch.tensor([True, False]).int())
print(torch.arange(12).view(3, 4).double() / 7, torch.tensor([1e-8, 1.0, 1e6]))
print(torch.tensor([[1e10, -2.5], [3.0, 4e-5]], dtype=torch.float64), torch.tensor([0.1, 100.0, -7.25]))
print(torch.linspace(0, 1, 60))
print(torch.arange(100).view(10, 10))
