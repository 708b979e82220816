"""The Zero to Mastery course's notebooks 04 (custom datasets) and 05 (going
modular), written the course's way on a pizza_steak_sushi-shaped folder of
.npy images (digits 0/1/2 tinted to RGB) made in a temporary directory:
walk_through_dir with os.walk, random.choice of a glob'd path, parent.stem as
the class, find_classes with os.scandir, ImageFolderCustom(Dataset) with
load_image / __getitem__ / paths, transform classes as torchvision writes them
(Resize by F.interpolate with antialias, RandomHorizontalFlip drawing
torch.rand(1), ToTensor, Compose), DataLoaders with num_workers, TinyVGG with
a dummy forward pass, data_setup.create_dataloaders, engine.train_step /
test_step / train returning a results dict, utils.save_model's suffix
assert, a parameter count instead of torchinfo, the loss curves, and the
"custom image" section (a uint8 image fed to the model raising PyTorch's
dtype error, then scaled, resized and predicted). Seeded: every number
agrees."""

import os
import pathlib
import random
import tempfile
from pathlib import Path
from timeit import default_timer as timer
from typing import Dict, List, Tuple

import _data
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset

torch.set_num_threads(1)
device = "cuda" if torch.cuda.is_available() else "cpu"
NUM_WORKERS = 2

# ---------------------------------------------------------------- the image folder (download_data's stand-in)
pixels, labels = _data.digits()
tints = {0: (255, 120, 40), 1: (170, 60, 50), 2: (240, 240, 230)}
root = Path(tempfile.mkdtemp())
data_path = root / "data"
image_path = data_path / "pizza_steak_sushi"
for split, rows in (("train", range(0, 420)), ("test", range(420, 600))):
    for i in rows:
        digit = labels[i]
        if digit not in tints:
            continue
        name = ["pizza", "steak", "sushi"][digit]
        folder = image_path / split / name
        folder.mkdir(parents=True, exist_ok=True)
        img = np.kron(pixels[i].reshape(8, 8), np.ones((4, 4))) / 16.0
        rgb = (img[:, :, None] * np.array(tints[digit])[None, None, :]).astype(np.uint8)
        np.save(folder / f"{i:04d}.npy", rgb)


def walk_through_dir(dir_path):
    """Walks through dir_path returning its contents."""
    for dirpath, dirnames, filenames in sorted(os.walk(dir_path)):
        print(f"There are {len(dirnames)} directories and {len(filenames)} images in "
              f"'{Path(dirpath).relative_to(root)}'.")


walk_through_dir(image_path)
train_dir = image_path / "train"
test_dir = image_path / "test"
print(train_dir.relative_to(root), test_dir.relative_to(root))

random.seed(42)
image_path_list = sorted(image_path.glob("*/*/*.npy"))
random_image_path = random.choice(image_path_list)
image_class = random_image_path.parent.stem
img = np.load(random_image_path)
print(f"Random image path: {random_image_path.relative_to(root)}")
print(f"Image class: {image_class}")
print(f"Image height: {img.shape[0]}")
print(f"Image width: {img.shape[1]}")
img_as_array = np.asarray(img)
print(f"Image shape: {img_as_array.shape} -> [height, width, color_channels]", img_as_array.dtype)


class Resize:
    def __init__(self, size):
        self.size = size

    def __call__(self, img):
        return F.interpolate(img.unsqueeze(0), size=self.size, mode="bilinear", align_corners=False,
                             antialias=True).squeeze(0)


class RandomHorizontalFlip:
    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, img):
        if torch.rand(1) < self.p:
            return img.flip(-1)
        return img


class ToTensor:
    def __call__(self, pic):
        img = torch.from_numpy(np.ascontiguousarray(pic.transpose((2, 0, 1))))
        return img.to(dtype=torch.get_default_dtype()).div(255)


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img


data_transform = Compose([
    ToTensor(),
    Resize(size=(24, 24)),
    RandomHorizontalFlip(p=0.5),
])
torch.manual_seed(42)
transformed = data_transform(img)
print(transformed.shape, transformed.dtype == torch.float32, round(transformed.mean().item(), 6),
      round(transformed.max().item(), 6))


def find_classes(directory: str) -> Tuple[List[str], Dict[str, int]]:
    """Finds the class folder names in a target directory."""
    classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any classes in {directory}.")
    class_to_idx = {cls_name: i for i, cls_name in enumerate(classes)}
    return classes, class_to_idx


print(find_classes(train_dir))
try:
    find_classes(root)
except FileNotFoundError:
    print("no classes at the root? found", find_classes(root)[0])
try:
    find_classes(train_dir / "pizza")
except FileNotFoundError as e:
    print("FileNotFoundError", str(e).endswith("pizza."))


class ImageFolderCustom(Dataset):
    def __init__(self, targ_dir: str, transform=None) -> None:
        self.paths = sorted(pathlib.Path(targ_dir).glob("*/*.npy"))
        self.transform = transform
        self.classes, self.class_to_idx = find_classes(targ_dir)

    def load_image(self, index: int) -> np.ndarray:
        "Opens an image via a path and returns it."
        image_path = self.paths[index]
        return np.load(image_path)

    def __len__(self) -> int:
        "Returns the total number of samples."
        return len(self.paths)

    def __getitem__(self, index: int) -> Tuple[torch.Tensor, int]:
        "Returns one sample of data, data and label (X, y)."
        img = self.load_image(index)
        class_name = self.paths[index].parent.name
        class_idx = self.class_to_idx[class_name]
        if self.transform:
            return self.transform(img), class_idx
        else:
            return img, class_idx


train_transforms = Compose([ToTensor(), Resize((24, 24)), RandomHorizontalFlip(p=0.5)])
test_transforms = Compose([ToTensor(), Resize((24, 24))])
train_data_custom = ImageFolderCustom(targ_dir=train_dir,
                                      transform=train_transforms)
test_data_custom = ImageFolderCustom(targ_dir=test_dir,
                                     transform=test_transforms)
print(len(train_data_custom), len(test_data_custom))
print(train_data_custom.classes, train_data_custom.class_to_idx)
img, label = train_data_custom[0]
print(f"Image tensor:\n{img[:, 10, 8:12]}")
print(f"Image shape: {img.shape}")
print(f"Image datatype is float32: {img.dtype == torch.float32}")
print(f"Image label: {label}")
print(f"Label datatype: {type(label)}")
img_permute = img.permute(1, 2, 0)
print(f"Original shape: {img.shape} -> [color_channels, height, width]")
print(f"Image permute shape: {img_permute.shape} -> [height, width, color_channels]")

BATCH_SIZE = 16
torch.manual_seed(42)
train_dataloader_custom = DataLoader(dataset=train_data_custom,
                                     batch_size=BATCH_SIZE,
                                     num_workers=0,
                                     shuffle=True)
test_dataloader_custom = DataLoader(dataset=test_data_custom,
                                    batch_size=BATCH_SIZE,
                                    num_workers=0,
                                    shuffle=False)
img_custom, label_custom = next(iter(train_dataloader_custom))
print(f"Image shape: {img_custom.shape} -> [batch_size, color_channels, height, width]")
print(f"Label shape: {label_custom.shape}", label_custom)


# ---------------------------------------------------------------- going_modular/model_builder.py
class TinyVGG(nn.Module):
    """Creates the TinyVGG architecture."""

    def __init__(self, input_shape: int, hidden_units: int, output_shape: int) -> None:
        super().__init__()
        self.conv_block_1 = nn.Sequential(
            nn.Conv2d(in_channels=input_shape,
                      out_channels=hidden_units,
                      kernel_size=3,
                      stride=1,
                      padding=1),
            nn.ReLU(),
            nn.Conv2d(in_channels=hidden_units,
                      out_channels=hidden_units,
                      kernel_size=3,
                      stride=1,
                      padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2,
                         stride=2)
        )
        self.conv_block_2 = nn.Sequential(
            nn.Conv2d(hidden_units, hidden_units, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.Conv2d(hidden_units, hidden_units, kernel_size=3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2)
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(in_features=hidden_units * 6 * 6,
                      out_features=output_shape)
        )

    def forward(self, x: torch.Tensor):
        return self.classifier(self.conv_block_2(self.conv_block_1(x)))


torch.manual_seed(42)
model_0 = TinyVGG(input_shape=3,
                  hidden_units=10,
                  output_shape=len(train_data_custom.classes)).to(device)
print(model_0)
img_batch, label_batch = next(iter(train_dataloader_custom))
img_single, label_single = img_batch[0].unsqueeze(dim=0), label_batch[0]
print(f"Single image shape: {img_single.shape}\n")
model_0.eval()
with torch.inference_mode():
    pred = model_0(img_single.to(device))
print(f"Output logits:\n{pred}\n")
print(f"Output prediction probabilities:\n{torch.softmax(pred, dim=1)}\n")
print(f"Output prediction label:\n{torch.argmax(torch.softmax(pred, dim=1), dim=1)}\n")
print(f"Actual label:\n{label_single}")
print("total params", sum(p.numel() for p in model_0.parameters()),
      "trainable", sum(p.numel() for p in model_0.parameters() if p.requires_grad))


# ---------------------------------------------------------------- going_modular/data_setup.py
def create_dataloaders(
        train_dir: str,
        test_dir: str,
        transform,
        batch_size: int,
        num_workers: int = NUM_WORKERS
):
    """Creates training and testing DataLoaders."""
    train_data = ImageFolderCustom(train_dir, transform=transform)
    test_data = ImageFolderCustom(test_dir, transform=transform)
    class_names = train_data.classes
    train_dataloader = DataLoader(
        train_data,
        batch_size=batch_size,
        shuffle=True,
        num_workers=num_workers,
        pin_memory=True,
    )
    test_dataloader = DataLoader(
        test_data,
        batch_size=batch_size,
        shuffle=False,
        num_workers=num_workers,
        pin_memory=True,
    )
    return train_dataloader, test_dataloader, class_names


# ---------------------------------------------------------------- going_modular/engine.py
def train_step(model: torch.nn.Module,
               dataloader: torch.utils.data.DataLoader,
               loss_fn: torch.nn.Module,
               optimizer: torch.optim.Optimizer,
               device: torch.device) -> Tuple[float, float]:
    """Trains a PyTorch model for a single epoch."""
    model.train()
    train_loss, train_acc = 0, 0
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)
        y_pred = model(X)
        loss = loss_fn(y_pred, y)
        train_loss += loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        y_pred_class = torch.argmax(torch.softmax(y_pred, dim=1), dim=1)
        train_acc += (y_pred_class == y).sum().item() / len(y_pred)
    train_loss = train_loss / len(dataloader)
    train_acc = train_acc / len(dataloader)
    return train_loss, train_acc


def test_step(model: torch.nn.Module,
              dataloader: torch.utils.data.DataLoader,
              loss_fn: torch.nn.Module,
              device: torch.device) -> Tuple[float, float]:
    """Tests a PyTorch model for a single epoch."""
    model.eval()
    test_loss, test_acc = 0, 0
    with torch.inference_mode():
        for batch, (X, y) in enumerate(dataloader):
            X, y = X.to(device), y.to(device)
            test_pred_logits = model(X)
            loss = loss_fn(test_pred_logits, y)
            test_loss += loss.item()
            test_pred_labels = test_pred_logits.argmax(dim=1)
            test_acc += ((test_pred_labels == y).sum().item() / len(test_pred_labels))
    test_loss = test_loss / len(dataloader)
    test_acc = test_acc / len(dataloader)
    return test_loss, test_acc


def train(model: torch.nn.Module,
          train_dataloader: torch.utils.data.DataLoader,
          test_dataloader: torch.utils.data.DataLoader,
          optimizer: torch.optim.Optimizer,
          loss_fn: torch.nn.Module,
          epochs: int,
          device: torch.device) -> Dict[str, List]:
    """Trains and tests a PyTorch model."""
    results = {"train_loss": [],
               "train_acc": [],
               "test_loss": [],
               "test_acc": []
               }
    for epoch in range(epochs):
        train_loss, train_acc = train_step(model=model,
                                           dataloader=train_dataloader,
                                           loss_fn=loss_fn,
                                           optimizer=optimizer,
                                           device=device)
        test_loss, test_acc = test_step(model=model,
                                        dataloader=test_dataloader,
                                        loss_fn=loss_fn,
                                        device=device)
        print(
            f"Epoch: {epoch + 1} | "
            f"train_loss: {train_loss:.4f} | "
            f"train_acc: {train_acc:.4f} | "
            f"test_loss: {test_loss:.4f} | "
            f"test_acc: {test_acc:.4f}"
        )
        results["train_loss"].append(train_loss)
        results["train_acc"].append(train_acc)
        results["test_loss"].append(test_loss)
        results["test_acc"].append(test_acc)
    return results


# ---------------------------------------------------------------- going_modular/utils.py
def save_model(model: torch.nn.Module,
               target_dir: str,
               model_name: str):
    """Saves a PyTorch model to a target directory."""
    target_dir_path = Path(target_dir)
    target_dir_path.mkdir(parents=True,
                          exist_ok=True)
    assert model_name.endswith(".pth") or model_name.endswith(".pt"), "model_name should end with '.pt' or '.pth'"
    model_save_path = target_dir_path / model_name
    print(f"[INFO] Saving model to: {model_save_path.relative_to(root)}")
    torch.save(obj=model.state_dict(),
               f=model_save_path)


# ---------------------------------------------------------------- going_modular/train.py
NUM_EPOCHS = 3
BATCH_SIZE = 16
HIDDEN_UNITS = 10
LEARNING_RATE = 0.001
torch.manual_seed(42)
train_dataloader, test_dataloader, class_names = create_dataloaders(
    train_dir=train_dir,
    test_dir=test_dir,
    transform=Compose([ToTensor(), Resize((24, 24))]),
    batch_size=BATCH_SIZE
)
print(class_names, len(train_dataloader), len(test_dataloader))
model = TinyVGG(
    input_shape=3,
    hidden_units=HIDDEN_UNITS,
    output_shape=len(class_names)
).to(device)
loss_fn = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(),
                             lr=LEARNING_RATE)
start_time = timer()
model_results = train(model=model,
                      train_dataloader=train_dataloader,
                      test_dataloader=test_dataloader,
                      loss_fn=loss_fn,
                      optimizer=optimizer,
                      epochs=NUM_EPOCHS,
                      device=device)
end_time = timer()
print(f"[INFO] Total training time: {'measured' if end_time > start_time else 'none'}")
save_model(model=model,
           target_dir=root / "models",
           model_name="05_going_modular_script_mode_tinyvgg_model.pth")
try:
    save_model(model=model, target_dir=root / "models", model_name="model.ckpt")
except AssertionError as e:
    print("AssertionError:", e)


def plot_loss_curves(results: Dict[str, List[float]]):
    """The curves' points, printed instead of plotted."""
    loss = results['train_loss']
    test_loss = results['test_loss']
    accuracy = results['train_acc']
    test_accuracy = results['test_acc']
    epochs = range(len(results['train_loss']))
    for e in epochs:
        print(f"epoch {e} loss {loss[e]:.6f} test_loss {test_loss[e]:.6f} acc {accuracy[e]:.6f} "
              f"test_acc {test_accuracy[e]:.6f}")


plot_loss_curves(model_results)

# ---------------------------------------------------------------- predicting on a custom image
custom_image_path = test_dir / "sushi" / sorted(os.listdir(test_dir / "sushi"))[0]
custom_image_uint8 = torch.from_numpy(np.load(custom_image_path)).permute(2, 0, 1)
print(f"Custom image tensor:\n{custom_image_uint8[:, 12, 12:16]}\n")
print(f"Custom image shape: {custom_image_uint8.shape}\n")
print(f"Custom image dtype is uint8: {custom_image_uint8.dtype == torch.uint8}")
model.eval()
with torch.inference_mode():
    try:
        model(custom_image_uint8.to(device))
    except RuntimeError as e:
        print("RuntimeError:", e)
custom_image = custom_image_uint8.type(torch.float32) / 255.
print(f"Custom image tensor:\n{custom_image[:, 12, 12:16]}\n")
custom_image_transform = Compose([Resize((24, 24))])
custom_image_transformed = custom_image_transform(custom_image)
print(f"Original shape: {custom_image.shape}")
print(f"New shape: {custom_image_transformed.shape}")
with torch.inference_mode():
    try:
        model(custom_image_transformed.to(device).reshape(3, 1, 24, 24))
    except RuntimeError as e:
        print("RuntimeError:", e)
    custom_image_pred = model(custom_image_transformed.unsqueeze(dim=0).to(device))
print(custom_image_pred)
custom_image_pred_probs = torch.softmax(custom_image_pred, dim=1)
print(f"Prediction probabilities: {custom_image_pred_probs}")
custom_image_pred_label = torch.argmax(custom_image_pred_probs, dim=1)
print(f"Prediction label: {custom_image_pred_label}")
custom_image_pred_class = class_names[custom_image_pred_label.cpu()]
print(custom_image_pred_class)
