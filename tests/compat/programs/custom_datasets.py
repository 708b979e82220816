"""The "Writing Custom Datasets, DataLoaders and Transforms" tutorial on
synthetic face-landmark-like samples held in memory: a Dataset returning
{'image', 'landmarks'} numpy dicts with torch.is_tensor(idx) handling,
Rescale / RandomCrop / ToTensor callable classes (numpy slicing with
np.random seeded, image.transpose((2, 0, 1)), torch.from_numpy), a Compose
of them, the default collate of dicts of numpy float64 arrays into float64
tensors, batch sizes with drop_last, enumerate over a DataLoader printing
sample_batched['image'].size(); then torch.utils.data's splitting helpers
with a seeded Generator: random_split by counts and fractions, Subset,
ConcatDataset indexing across parts, WeightedRandomSampler for class
balance, BatchSampler over a SubsetRandomSampler, and a small regression
trained through the composed pipeline. Seeded: every number agrees."""

import numpy as np
import torch
from torch.utils.data import (BatchSampler, ConcatDataset, DataLoader, Dataset, Subset, SubsetRandomSampler,
                              WeightedRandomSampler, random_split)

torch.manual_seed(0)
np.random.seed(0)  # noqa: NPY002 - the tutorial's legacy numpy random calls

rng = np.random.default_rng(0)
N_FACES = 24
faces = rng.integers(0, 255, size=(N_FACES, 20, 18, 3)).astype(np.uint8)
marks = rng.uniform(2, 16, size=(N_FACES, 68 * 2))
names = [f"person-{i:02d}.jpg" for i in range(N_FACES)]


class FaceLandmarksDataset(Dataset):
    """Face Landmarks dataset."""

    def __init__(self, frame, transform=None):
        self.frame = frame
        self.transform = transform

    def __len__(self):
        return len(self.frame)

    def __getitem__(self, idx):
        if torch.is_tensor(idx):
            idx = idx.tolist()
        img_name, image, landmarks = self.frame[idx]
        landmarks = np.array([landmarks], dtype=float).reshape(-1, 2)
        sample = {'image': image, 'landmarks': landmarks}
        if self.transform:
            sample = self.transform(sample)
        return sample


class Rescale(object):
    def __init__(self, output_size):
        assert isinstance(output_size, (int, tuple))
        self.output_size = output_size

    def __call__(self, sample):
        image, landmarks = sample['image'], sample['landmarks']
        h, w = image.shape[:2]
        if isinstance(self.output_size, int):
            if h > w:
                new_h, new_w = self.output_size * h / w, self.output_size
            else:
                new_h, new_w = self.output_size, self.output_size * w / h
        else:
            new_h, new_w = self.output_size
        new_h, new_w = int(new_h), int(new_w)
        rows = (np.arange(new_h) * h / new_h).astype(int)
        cols = (np.arange(new_w) * w / new_w).astype(int)
        img = image[rows][:, cols] / 255.0
        landmarks = landmarks * [new_w / w, new_h / h]
        return {'image': img, 'landmarks': landmarks}


class RandomCrop(object):
    def __init__(self, output_size):
        assert isinstance(output_size, (int, tuple))
        if isinstance(output_size, int):
            self.output_size = (output_size, output_size)
        else:
            assert len(output_size) == 2
            self.output_size = output_size

    def __call__(self, sample):
        image, landmarks = sample['image'], sample['landmarks']
        h, w = image.shape[:2]
        new_h, new_w = self.output_size
        top = np.random.randint(0, h - new_h + 1)  # noqa: NPY002
        left = np.random.randint(0, w - new_w + 1)  # noqa: NPY002
        image = image[top: top + new_h, left: left + new_w]
        landmarks = landmarks - [left, top]
        return {'image': image, 'landmarks': landmarks}


class ToTensor(object):
    def __call__(self, sample):
        image, landmarks = sample['image'], sample['landmarks']
        image = image.transpose((2, 0, 1))
        return {'image': torch.from_numpy(image), 'landmarks': torch.from_numpy(landmarks)}


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, sample):
        for t in self.transforms:
            sample = t(sample)
        return sample


frame = list(zip(names, faces, marks))
face_dataset = FaceLandmarksDataset(frame)
for i, sample in enumerate(face_dataset):
    print(i, sample['image'].shape, sample['landmarks'].shape, sample['landmarks'][0])
    if i == 2:
        break
print("tensor index", face_dataset[torch.tensor(5)]['landmarks'][1])

scale = Rescale(12)
crop = RandomCrop(8)
composed = Compose([Rescale(14), RandomCrop(12)])
sample = face_dataset[3]
for tsfrm in [scale, crop, composed]:
    transformed_sample = tsfrm(sample)
    print(type(tsfrm).__name__, transformed_sample['image'].shape, np.round(transformed_sample['landmarks'][0], 4))

transformed_dataset = FaceLandmarksDataset(frame, transform=Compose([Rescale(14), RandomCrop(12), ToTensor()]))
for i, sample in enumerate(transformed_dataset):
    print(i, sample['image'].size(), sample['landmarks'].size(), sample['image'].dtype == torch.float64)
    if i == 2:
        break

dataloader = DataLoader(transformed_dataset, batch_size=5, shuffle=True, num_workers=0)
for i_batch, sample_batched in enumerate(dataloader):
    print(i_batch, sample_batched['image'].size(), sample_batched['landmarks'].size(),
          round(sample_batched['landmarks'].mean().item(), 6))
dataloader = DataLoader(transformed_dataset, batch_size=5, shuffle=False, drop_last=True)
print("drop_last batches", len(dataloader), [b['image'].shape[0] for b in dataloader])

# ---------------------------------------------------------------- splitting helpers
generator = torch.Generator().manual_seed(42)
train, val, test = random_split(face_dataset, [0.6, 0.25, 0.15], generator=generator)
print("fractions", len(train), len(val), len(test), train.indices[:6], test.indices)
a, b = random_split(range(10), [7, 3], generator=torch.Generator().manual_seed(1))
print("counts", list(a), list(b))
sub = Subset(face_dataset, [1, 3, 5])
print("subset", len(sub), sub[2]['landmarks'][0])
concat = ConcatDataset([sub, Subset(face_dataset, [0, 2])])
print("concat", len(concat), concat.cumulative_sizes, concat[4]['landmarks'][0], concat[-1]['landmarks'][1])

labels = torch.tensor([0] * 18 + [1] * 6)
class_count = torch.bincount(labels)
weights = 1.0 / class_count.float()
sample_weights = weights[labels]
sampler = WeightedRandomSampler(sample_weights, num_samples=48, replacement=True,
                                generator=torch.Generator().manual_seed(3))
drawn = torch.tensor(list(sampler))
print("weighted draws", drawn[:12].tolist(), "class-1 share", (labels[drawn] == 1).float().mean().item())
batch_sampler = BatchSampler(SubsetRandomSampler(list(range(0, 24, 2)), generator=torch.Generator().manual_seed(4)),
                             batch_size=5, drop_last=False)
print("batch sampler", list(batch_sampler))
loader = DataLoader(face_dataset, batch_sampler=batch_sampler)
print("batches of landmarks", [tuple(b['landmarks'].shape) for b in loader])

# ---------------------------------------------------------------- regression through the pipeline
torch.manual_seed(5)
model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 12 * 12, 16), torch.nn.ReLU(),
                            torch.nn.Linear(16, 2)).double()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
np.random.seed(1)  # noqa: NPY002
train_loader = DataLoader(Subset(transformed_dataset, train.indices), batch_size=4, shuffle=True,
                          generator=torch.Generator().manual_seed(6))
for epoch in range(3):
    total = 0.0
    for batch in train_loader:
        target = batch['landmarks'][:, 0, :]
        loss = torch.nn.functional.mse_loss(model(batch['image']), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total / len(train_loader):.8f}")
