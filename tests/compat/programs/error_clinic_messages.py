"""A "why does my training script crash" clinic, as forum answers and debugging tutorials walk through
it: each classic mistake is run, caught, and its exception class and first message line printed, then
the fix is applied and the fixed line's result printed. Shapes in Linear/matmul/conv, dtypes in losses
and layers, targets out of range, view on non-contiguous memory, backward twice, in-place on a leaf
and on a saved tensor, numpy() of a tensor needing grad, implicit grad of a non-scalar, RNN input
sizes and hidden shapes, pooling to an empty output, expand/reshape sizes, cat/stack sizes, bool of a
multi-element tensor, item() of many, embedding indices, BCE ranges and cross-entropy target shapes."""

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


EXPECTED = {  # what PyTorch says for each mistake: its exception class and its words
    'linear in_features': (RuntimeError, 'mat1 and mat2 shapes cannot be multiplied (4x12 and 10x5)'),
    'matmul': (RuntimeError, 'mat1 and mat2 shapes cannot be multiplied (3x4 and 3x4)'),
    'mm': (RuntimeError, 'mat1 and mat2 shapes cannot be multiplied (3x4 and 5x2)'),
    'bmm batch': (RuntimeError, 'Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [3, 4].'),
    'bmm dims': (RuntimeError, 'batch1 must be a 3D tensor'),
    'linear double': (RuntimeError, 'mat1 and mat2 must have the same dtype, but got Double and Float'),
    'linear int': (RuntimeError, 'mat1 and mat2 must have the same dtype, but got Long and Float'),
    'conv channels': (RuntimeError, 'Given groups=1, weight of size [8, 3, 3, 3], expected input[2, 1, 8, 8] to have 3 channels, but got 1 channels instead'),
    'conv 2d input': (RuntimeError, 'Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [8, 8]'),
    'conv 5d input': (RuntimeError, 'Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [1, 1, 3, 8, 8]'),
    'conv too small': (RuntimeError, "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size"),
    'conv double': (RuntimeError, 'Input type (double) and bias type (float) should be the same'),
    'maxpool empty': (RuntimeError, 'Given input size: (16x1x1). Calculated output size: (16x0x0). Output size is too small'),
    'avgpool empty': (RuntimeError, 'Given input size: (16x1x1). Calculated output size: (16x0x0). Output size is too small'),
    'conv1d on 4d': (RuntimeError, 'Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [1, 3, 5, 5]'),
    'batchnorm1d 1 sample': (ValueError, 'Expected more than 1 value per channel when training, got input size torch.Size([1, 4])'),
    'batchnorm2d on 2d': (ValueError, 'expected 4D input (got 2D input)'),
    'batchnorm features': (RuntimeError, 'running_mean should contain 5 elements not 4'),
    'layernorm shape': (RuntimeError, 'Given normalized_shape=[5], expected input with shape [*, 5], but got input of size[3, 4]'),
    'groupnorm groups': (ValueError, 'num_channels (4) must be divisible by num_groups (3)'),
    'ce float target': (RuntimeError, 'expected target dtype to be Long or Byte, but got Float'),
    'ce int32 target': (RuntimeError, 'expected target dtype to be Long or Byte, but got Int'),
    'ce out of range': (IndexError, 'Target 3 is out of bounds.'),
    'ce negative': (IndexError, 'Target -1 is out of bounds.'),
    'ce batch mismatch': (ValueError, 'Expected input batch_size (4) to match target batch_size (3).'),
    'ce 2d target': (RuntimeError, '0D or 1D target tensor expected, multi-target not supported'),
    'nll 3d logits': (RuntimeError, 'Expected target size [4, 5], got [4, 6]'),
    'ce prob target shape': (RuntimeError, '0D or 1D target tensor expected, multi-target not supported'),
    'bce range': (RuntimeError, 'all elements of input should be between 0 and 1'),
    'bce long target': (RuntimeError, 'Found dtype Long but expected Float'),
    'bce shapes': (ValueError, 'Using a target size (torch.Size([3])) that is different to the input size (torch.Size([3, 1])) is deprecated. Please ensure they have the same size.'),
    'bcelogits shapes': (ValueError, 'Target size (torch.Size([3])) must be the same as input size (torch.Size([3, 1]))'),
    'l1 sizes': (RuntimeError, 'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1'),
    'backward twice': (RuntimeError, 'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.'),
    'backward no grad': (RuntimeError, 'element 0 of tensors does not require grad and does not have a grad_fn'),
    'backward non-scalar': (RuntimeError, 'grad can be implicitly created only for scalar outputs'),
    'numpy of grad tensor': (RuntimeError, "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."),
    'leaf in-place': (RuntimeError, 'a leaf Variable that requires grad is being used in an in-place operation.'),
    'modified saved': (RuntimeError, 'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of Sigmoid, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).'),
    'modified exp output': (RuntimeError, 'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [3]], which is output 0 of Exp, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).'),
    'grad of int': (RuntimeError, 'Only Tensors of floating point and complex dtype can require gradients'),
    'requires_grad_ on non-leaf': (RuntimeError, "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."),
    'view non-contiguous': (RuntimeError, "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead."),
    'view bad size': (RuntimeError, "shape '[5, -1]' is invalid for input of size 12"),
    'reshape bad': (RuntimeError, "shape '[2, 5]' is invalid for input of size 12"),
    'view two -1': (RuntimeError, 'only one dimension can be inferred'),
    'expand': (RuntimeError, 'The expanded size of the tensor (3) must match the existing size (4) at non-singleton dimension 1.  Target sizes: [2, 3].  Tensor sizes: [2, 4]'),
    'expand fewer dims': (RuntimeError, 'expand(torch.FloatTensor{[2, 4]}, size=[4]): the number of sizes provided (1) must be greater or equal to the number of dimensions in the tensor (2)'),
    'broadcast add': (RuntimeError, 'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1'),
    'cat sizes': (RuntimeError, 'Sizes of tensors must match except in dimension 0. Expected size 3 but got size 4 for tensor number 1 in the list.'),
    'cat empty list': (ValueError, 'torch.cat(): expected a non-empty list of Tensors'),
    'cat dim out of range': (IndexError, 'Dimension out of range (expected to be in range of [-1, 0], but got 1)'),
    'stack sizes': (RuntimeError, 'stack expects each tensor to be equal size, but got [3] at entry 0 and [4] at entry 1'),
    'squeeze dim range': (IndexError, 'Dimension out of range (expected to be in range of [-2, 1], but got 2)'),
    'permute dims': (RuntimeError, 'permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = 2 is not equal to len(dims) = 3'),
    'transpose range': (IndexError, 'Dimension out of range (expected to be in range of [-2, 1], but got 2)'),
    'sum dim range': (IndexError, 'Dimension out of range (expected to be in range of [-2, 1], but got 2)'),
    'index out of bounds': (IndexError, 'index 5 is out of bounds for dimension 0 with size 3'),
    'index tensor out': (IndexError, 'index 3 is out of bounds for dimension 0 with size 3'),
    'mask shape': (IndexError, 'The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [3, 2] at index 0'),
    'float index': (IndexError, 'tensors used as indices must be long, int, byte or bool tensors'),
    'gather dims': (RuntimeError, 'Index tensor must have the same number of dimensions as input tensor'),
    'scatter index': (RuntimeError, 'index 5 is out of bounds for dimension 1 with size 4'),
    'bool ambiguous': (RuntimeError, 'Boolean value of Tensor with more than one value is ambiguous'),
    'if tensor': (RuntimeError, 'Boolean value of Tensor with more than one value is ambiguous'),
    'item many': (RuntimeError, 'a Tensor with 2 elements cannot be converted to Scalar'),
    'float many': (ValueError, 'only one element tensors can be converted to Python scalars'),
    'len of 0-d': (TypeError, 'len() of a 0-d tensor'),
    'iter 0-d': (TypeError, 'iteration over a 0-d tensor'),
    'tensor of strings': (ValueError, "too many dimensions 'str'"),
    'tensor ragged': (ValueError, 'expected sequence of length 2 at dim 1 (got 1)'),
    'tensor of object array': (TypeError, "can't convert np.ndarray of type numpy.object_. The only supported types are: float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, uint32, uint16, uint8, and bool."),
    'from_numpy of list': (TypeError, 'expected np.ndarray (got list)'),
    'embedding index': (IndexError, 'index out of range in self'),
    'embedding float': (RuntimeError, "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)"),
    'embedding negative': (IndexError, 'index out of range in self'),
    'lstm input size': (RuntimeError, 'input.size(-1) must be equal to input_size. Expected 10, got 8'),
    'lstm hidden shape': (RuntimeError, 'Expected hidden[0] size (1, 2, 20), got [1, 3, 20]'),
    'lstm hidden tuple': (IndexError, 'index 1 is out of bounds for dimension 0 with size 1'),
    'lstm 4d': (ValueError, 'LSTM: Expected input to be 2D or 3D, got 4D instead'),
    'gru hidden': (RuntimeError, 'Expected hidden size (1, 2, 20), got [2, 2, 20]'),
    'mha heads': (AssertionError, 'embed_dim must be divisible by num_heads'),
    'mha embed': (AssertionError, 'was expecting embedding dimension of 8, but got 6'),
    'optimizer no params': (ValueError, 'optimizer got an empty parameter list'),
    'optimizer bad lr': (ValueError, 'Invalid learning rate: -1'),
    'optimizer tensor param list': (TypeError, 'params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.FloatTensor'),
    'optimizer non-leaf': (ValueError, "can't optimize a non-leaf Tensor"),
    'load_state_dict missing': (RuntimeError, 'Error(s) in loading state_dict for Linear:'),
    'load_state_dict shape': (RuntimeError, 'Error(s) in loading state_dict for Linear:'),
    'module attribute': (AttributeError, "'Linear' object has no attribute 'weights'"),
    'sequential index': (IndexError, 'index 3 is out of range'),
    'dataloader bad batch': (ValueError, 'batch_size should be a positive integer value, but got batch_size=0'),
    'random_split lengths': (ValueError, 'Sum of input lengths does not equal the length of the input dataset!'),
    'multinomial negative': (RuntimeError, 'probability tensor contains either `inf`, `nan` or element < 0'),
    'randint bounds': (RuntimeError, "random_ expects 'from' to be less than 'to', but got from=5 >= to=3"),
    'normal std': (RuntimeError, 'normal expects std >= 0.0, but found std -1'),
    'arange step': (RuntimeError, 'step must be nonzero'),
    'linspace steps': (RuntimeError, 'number of steps must be non-negative'),
    'zeros negative': (RuntimeError, 'zeros: Dimension size must be non-negative.'),
    'one_hot float': (RuntimeError, 'one_hot is only applicable to index tensor of type LongTensor.'),
    'one_hot classes': (RuntimeError, 'Class values must be smaller than num_classes.'),
    'dropout p': (ValueError, 'dropout probability has to be between 0 and 1, but got 1.5'),
    'argmax empty': (IndexError, 'argmax(): Expected reduction dim to be specified for input.numel() == 0.'),
    'max empty': (RuntimeError, "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument."),
    'mean of long': (RuntimeError, 'mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long'),
    'std of long': (RuntimeError, 'std and var only support floating point and complex dtypes'),
    'div int by zero': (RuntimeError, 'ZeroDivisionError'),
    'inverse singular': (torch.linalg.LinAlgError, 'linalg.inv: The diagonal element 1 is zero, the inversion could not be completed because the input matrix is singular.'),
    'cholesky non-pd': (torch.linalg.LinAlgError, 'linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order 2 is not positive-definite).'),
    'det non-square': (RuntimeError, 'linalg.det: A must be batches of square matrices, but they are 2 by 3 matrices'),
}


def attempt(title, fn):
    try:
        out = fn()
    except Exception as e:  # noqa: BLE001 - the clinic shows every failure
        first = str(e).strip().splitlines()[0] if str(e).strip() else ""
        cls, words = EXPECTED.get(title, (None, None))
        if cls is None:
            print(f"{title}: unexpected {type(e).__name__}: {first}")
        else:
            # the class a script catches, and the words a forum search finds (more may follow them)
            label = cls.__name__ if cls.__module__ == "builtins" else "LinAlgError"
            print(f"{title}: {label} {isinstance(e, cls)}, words {first.startswith(words)}")
        return None
    if isinstance(out, torch.Tensor):
        print(f"{title}: ok {tuple(out.shape)} {out.dtype}")
    else:
        print(f"{title}: ok {out}")
    return out


lin = nn.Linear(10, 5)
x = torch.randn(4, 12)
attempt("linear in_features", lambda: lin(x))
attempt("linear fixed", lambda: lin(x[:, :10]))
attempt("matmul", lambda: torch.randn(3, 4) @ torch.randn(3, 4))
attempt("mm", lambda: torch.mm(torch.randn(3, 4), torch.randn(5, 2)))
attempt("bmm batch", lambda: torch.bmm(torch.randn(2, 3, 4), torch.randn(3, 4, 5)))
attempt("bmm dims", lambda: torch.bmm(torch.randn(3, 4), torch.randn(4, 5)))
attempt("matmul fixed", lambda: torch.randn(3, 4) @ torch.randn(3, 4).T)
attempt("linear double", lambda: lin(torch.randn(4, 10, dtype=torch.float64)))
attempt("linear int", lambda: lin(torch.ones(4, 10, dtype=torch.long)))
attempt("linear fixed dtype", lambda: lin(torch.randn(4, 10, dtype=torch.float64).float()))

conv = nn.Conv2d(3, 8, 3)
attempt("conv channels", lambda: conv(torch.randn(2, 1, 8, 8)))
attempt("conv 2d input", lambda: conv(torch.randn(8, 8)))
attempt("conv 5d input", lambda: conv(torch.randn(1, 1, 3, 8, 8)))
attempt("conv too small", lambda: conv(torch.randn(1, 3, 2, 2)))
attempt("conv double", lambda: conv(torch.randn(1, 3, 8, 8).double()))
attempt("conv unbatched ok", lambda: conv(torch.randn(3, 8, 8)))
attempt("maxpool empty", lambda: F.max_pool2d(torch.randn(1, 16, 1, 1), 2))
attempt("avgpool empty", lambda: F.avg_pool2d(torch.randn(1, 16, 1, 1), 2))
attempt("adaptive ok", lambda: F.adaptive_avg_pool2d(torch.randn(1, 16, 1, 1), (2, 2)))
attempt("conv1d on 4d", lambda: nn.Conv1d(3, 4, 2)(torch.randn(1, 3, 5, 5)))
attempt("batchnorm1d 1 sample", lambda: nn.BatchNorm1d(4)(torch.randn(1, 4)))
attempt("batchnorm2d on 2d", lambda: nn.BatchNorm2d(4)(torch.randn(3, 4)))
attempt("batchnorm features", lambda: nn.BatchNorm1d(4)(torch.randn(3, 5)))
attempt("layernorm shape", lambda: nn.LayerNorm(5)(torch.randn(3, 4)))
attempt("groupnorm groups", lambda: nn.GroupNorm(3, 4))

logits = torch.randn(4, 3)
attempt("ce float target", lambda: F.cross_entropy(logits, torch.tensor([0.0, 1.0, 2.0, 1.0])))
attempt("ce int32 target", lambda: F.cross_entropy(logits, torch.tensor([0, 1, 2, 1], dtype=torch.int32)))
attempt("ce out of range", lambda: F.cross_entropy(logits, torch.tensor([0, 1, 3, 1])))
attempt("ce negative", lambda: F.cross_entropy(logits, torch.tensor([0, 1, -1, 1])))
attempt("ce batch mismatch", lambda: F.cross_entropy(logits, torch.tensor([0, 1, 2])))
attempt("ce 2d target", lambda: F.cross_entropy(logits, torch.tensor([[0], [1], [2], [1]])))
attempt("nll 3d logits", lambda: F.nll_loss(torch.randn(4, 3, 5), torch.zeros(4, 6, dtype=torch.long)))
attempt("ce prob target ok", lambda: F.cross_entropy(logits, torch.softmax(torch.randn(4, 3), 1)))
attempt("ce prob target shape", lambda: F.cross_entropy(logits, torch.softmax(torch.randn(4, 2), 1)))
attempt("mse long target fwd", lambda: F.mse_loss(torch.randn(3), torch.tensor([1, 2, 3])))
attempt("mse shape warn", lambda: F.mse_loss(torch.randn(3, 1), torch.randn(3)))
attempt("bce range", lambda: F.binary_cross_entropy(torch.tensor([0.5, 1.5]), torch.tensor([0.0, 1.0])))
attempt("bce long target", lambda: F.binary_cross_entropy(torch.tensor([0.5, 0.5]), torch.tensor([0, 1])))
attempt("bce shapes", lambda: F.binary_cross_entropy(torch.rand(3, 1), torch.rand(3)))
attempt("bcelogits shapes", lambda: F.binary_cross_entropy_with_logits(torch.rand(3, 1), torch.rand(3)))
attempt("l1 sizes", lambda: F.l1_loss(torch.rand(3, 2), torch.rand(2, 3)))
attempt("kl_div ok", lambda: F.kl_div(torch.randn(3).log_softmax(0), torch.rand(3).softmax(0), reduction="batchmean"))

w = torch.randn(3, requires_grad=True)
y = (w * 2).sum()
y.backward()
attempt("backward twice", lambda: y.backward())
attempt("backward no grad", lambda: torch.randn(3).sum().backward())
attempt("backward non-scalar", lambda: (w * 2).backward())
attempt("numpy of grad tensor", lambda: (w * 2).numpy())
attempt("numpy fixed", lambda: (w * 2).detach().numpy().shape)
attempt("leaf in-place", lambda: w.add_(1))
attempt("leaf in-place no_grad", lambda: torch.no_grad()(lambda: w.add_(1))())


def modified_saved():
    a = torch.randn(3, requires_grad=True)
    b = a.sigmoid()
    c = b * 2
    b.mul_(3)
    return c.sum().backward()


def modified_saved_exp():
    a = torch.randn(3, requires_grad=True)
    b = a.exp()
    b += 1
    return b.sum().backward()


attempt("modified saved", modified_saved)
attempt("modified exp output", modified_saved_exp)
attempt("grad of int", lambda: torch.tensor([1, 2], requires_grad=True))
attempt("requires_grad_ on non-leaf", lambda: (w * 2).requires_grad_(False))
attempt("grad non-leaf warn", lambda: (w * 2).grad)

t = torch.arange(12).view(3, 4)
attempt("view non-contiguous", lambda: t.T.view(12))
attempt("view fixed", lambda: t.T.reshape(12))
attempt("view bad size", lambda: t.view(5, -1))
attempt("reshape bad", lambda: t.reshape(2, 5))
attempt("view two -1", lambda: t.view(-1, -1))
attempt("expand", lambda: torch.randn(2, 4).expand(2, 3))
attempt("expand fewer dims", lambda: torch.randn(2, 4).expand(4))
attempt("broadcast add", lambda: torch.randn(2, 3) + torch.randn(2, 4))
attempt("broadcast ok", lambda: torch.randn(2, 1) + torch.randn(1, 4))
attempt("cat sizes", lambda: torch.cat([torch.randn(2, 3), torch.randn(2, 4)], dim=0))
attempt("cat empty list", lambda: torch.cat([]))
attempt("cat dim out of range", lambda: torch.cat([torch.randn(2), torch.randn(2)], dim=1))
attempt("stack sizes", lambda: torch.stack([torch.randn(3), torch.randn(4)]))
attempt("squeeze dim range", lambda: torch.randn(3, 1).squeeze(2))
attempt("permute dims", lambda: torch.randn(2, 3).permute(0, 1, 2))
attempt("transpose range", lambda: torch.randn(2, 3).transpose(0, 2))
attempt("sum dim range", lambda: torch.randn(2, 3).sum(dim=2))
attempt("softmax no dim", lambda: F.softmax(torch.randn(2, 3)))
attempt("index out of bounds", lambda: torch.randn(3)[5])
attempt("index tensor out", lambda: torch.randn(3)[torch.tensor([0, 3])])
attempt("mask shape", lambda: torch.randn(3, 2)[torch.tensor([True, False])])
attempt("float index", lambda: torch.randn(3)[torch.tensor([0.0, 1.0])])
attempt("gather dims", lambda: torch.randn(3, 4).gather(1, torch.tensor([0, 1, 2])))
attempt("gather dtype", lambda: torch.randn(3, 4).gather(1, torch.tensor([[0], [1], [2]], dtype=torch.int32)))
attempt("scatter index", lambda: torch.zeros(3, 4).scatter_(1, torch.tensor([[0], [5], [2]]), 1.0))
attempt("bool ambiguous", lambda: bool(torch.tensor([1, 2])))
attempt("if tensor", lambda: "yes" if torch.tensor([0.5, 0.2]) > 0.3 else "no")
attempt("item many", lambda: torch.tensor([1.0, 2.0]).item())
attempt("float many", lambda: float(torch.tensor([1.0, 2.0])))
attempt("int of float tensor", lambda: int(torch.tensor(2.7)))
attempt("len of 0-d", lambda: len(torch.tensor(3.0)))
attempt("iter 0-d", lambda: list(torch.tensor(3.0)))
attempt("tensor of strings", lambda: torch.tensor(["a", "b"]))
attempt("tensor ragged", lambda: torch.tensor([[1, 2], [3]]))
attempt("tensor of object array", lambda: torch.from_numpy(np.array([1, "a"], dtype=object)))
attempt("from_numpy of list", lambda: torch.from_numpy([1, 2]))

emb = nn.Embedding(10, 3)
attempt("embedding index", lambda: emb(torch.tensor([1, 10])))
attempt("embedding float", lambda: emb(torch.tensor([1.0, 2.0])))
attempt("embedding negative", lambda: emb(torch.tensor([-1])))
rnn = nn.LSTM(input_size=10, hidden_size=20, batch_first=True)
attempt("lstm input size", lambda: rnn(torch.randn(2, 5, 8)))
attempt("lstm hidden shape", lambda: rnn(torch.randn(2, 5, 10), (torch.zeros(1, 3, 20), torch.zeros(1, 3, 20))))
attempt("lstm hidden tuple", lambda: rnn(torch.randn(2, 5, 10), torch.zeros(1, 2, 20)))
attempt("lstm 4d", lambda: rnn(torch.randn(2, 5, 10, 1)))
attempt("gru hidden", lambda: nn.GRU(10, 20)(torch.randn(5, 2, 10), torch.zeros(2, 2, 20)))
attempt("rnn ok", lambda: nn.RNN(10, 20)(torch.randn(5, 2, 10))[0])
attempt("mha heads", lambda: nn.MultiheadAttention(8, 3))
attempt("mha embed", lambda: nn.MultiheadAttention(8, 2)(torch.randn(4, 2, 6), torch.randn(4, 2, 6), torch.randn(4, 2, 6)))
attempt("optimizer no params", lambda: torch.optim.SGD([], lr=0.1))
attempt("optimizer bad lr", lambda: torch.optim.Adam(lin.parameters(), lr=-1))
attempt("optimizer tensor param list", lambda: torch.optim.SGD(torch.randn(3, requires_grad=True), lr=0.1))
attempt("optimizer non-leaf", lambda: torch.optim.SGD([w * 2], lr=0.1))
attempt("load_state_dict missing", lambda: nn.Linear(2, 2).load_state_dict({"weight": torch.zeros(2, 2)}))
attempt("load_state_dict shape", lambda: nn.Linear(2, 2).load_state_dict({"weight": torch.zeros(3, 2),
                                                                          "bias": torch.zeros(2)}))
attempt("module attribute", lambda: nn.Linear(2, 2).weights)
attempt("sequential index", lambda: nn.Sequential(nn.ReLU())[3])
attempt("dataloader bad batch", lambda: torch.utils.data.DataLoader([1, 2, 3], batch_size=0))
attempt("random_split lengths", lambda: torch.utils.data.random_split(range(10), [3, 3]))
attempt("multinomial negative", lambda: torch.multinomial(torch.tensor([0.5, -0.1]), 1))
attempt("randint bounds", lambda: torch.randint(5, 3, (2,)))
attempt("normal std", lambda: torch.normal(0.0, -1.0, size=(2,)))
attempt("arange step", lambda: torch.arange(0, 10, 0))
attempt("linspace steps", lambda: torch.linspace(0, 1, -1))
attempt("zeros negative", lambda: torch.zeros(-1))
attempt("one_hot float", lambda: F.one_hot(torch.tensor([0.0, 1.0])))
attempt("one_hot classes", lambda: F.one_hot(torch.tensor([0, 3]), num_classes=3))
attempt("clip_grad none", lambda: torch.nn.utils.clip_grad_norm_(nn.Linear(2, 2).parameters(), 1.0))
attempt("dropout p", lambda: nn.Dropout(p=1.5))
attempt("where dtype", lambda: torch.where(torch.tensor([True, False]), torch.tensor([1.0, 2.0]), torch.tensor([1, 2])))
attempt("argmax empty", lambda: torch.tensor([]).argmax())
attempt("max empty", lambda: torch.tensor([]).max())
attempt("mean of long", lambda: torch.tensor([1, 2]).mean())
attempt("std of long", lambda: torch.tensor([1, 2]).std())
attempt("div int by zero", lambda: torch.tensor([1, 2]) // 0)
attempt("sqrt negative", lambda: torch.sqrt(torch.tensor([-1.0])))
attempt("log zero", lambda: torch.log(torch.tensor([0.0])))
attempt("inverse singular", lambda: torch.linalg.inv(torch.zeros(2, 2)))
attempt("cholesky non-pd", lambda: torch.linalg.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]])))
attempt("det non-square", lambda: torch.det(torch.randn(2, 3)))
