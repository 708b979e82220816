"""The second half of a "why does my training script crash" clinic: mistakes with modules, optimizers,
schedulers, data loading, autograd and the nn functions, each run, caught, and checked against the
exception class and the words PyTorch gives (a script's `except` and a forum search rely on them):
parameter assignment, add_module/register_buffer names, strict load_state_dict, optimizer groups and
hyperparameters, optimizer state loading, DataLoader option clashes and collate of odd items,
autograd.grad of an unused input, hooks that change a gradient's shape, custom Functions returning
too few gradients, in-place on a leaf's view, F.pad / F.interpolate / conv padding arguments,
attention masks, packed sequences, loss weights, topk / multinomial / where / masked_fill inputs."""

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence

torch.set_num_threads(1)
torch.manual_seed(0)


EXPECTED = {  # what PyTorch says for each mistake: its exception class and its words
    'assign tensor as parameter': (TypeError, "cannot assign 'torch.FloatTensor' as parameter 'weight' (torch.nn.Parameter or None expected)"),
    'assign module before init': (NameError, "name 'NoInit' is not defined"),
    'module without super init': (AttributeError, 'cannot assign module before Module.__init__() call'),
    'add_module with dot': (KeyError, '\'module name can\\\'t contain ".", got: a.b\''),
    'add_module empty name': (KeyError, '\'module name can\\\'t be empty string ""\''),
    'add_module not a module': (TypeError, 'int is not a Module subclass'),
    'register_buffer dot': (KeyError, '\'buffer name can\\\'t contain "."\''),
    'register_buffer existing': (KeyError, '"attribute \'weight\' already exists"'),
    'register_buffer not tensor': (TypeError, "cannot assign 'list' object to buffer 'buf' (torch Tensor or None required)"),
    'register_parameter tensor': (TypeError, "cannot assign 'torch.FloatTensor' object to parameter 'p' (torch.nn.Parameter or None required)"),
    'load_state_dict unexpected': (RuntimeError, 'Error(s) in loading state_dict for Linear:'),
    'load_state_dict not a dict': (TypeError, "Expected state_dict to be dict-like, got <class 'list'>."),
    'sequential bad index': (IndexError, 'index 5 is out of range'),
    'sequential str index': (TypeError, "'str' object cannot be interpreted as an integer"),
    'modulelist append int': (TypeError, 'int is not a Module subclass'),
    'moduledict missing': (KeyError, "'b'"),
    'parameterlist bad': (IndexError, 'index 3 is out of range'),
    'module get missing attr': (AttributeError, "'Linear' object has no attribute 'nonexistent'"),
    'get_submodule missing': (AttributeError, 'Sequential has no attribute `1`'),
    'get_parameter missing': (AttributeError, 'Linear has no attribute `weights`'),
    'optimizer params list of lists': (TypeError, 'optimizer can only optimize Tensors, but one of the params is list'),
    'optimizer duplicate groups': (ValueError, 'some parameters appear in more than one parameter group'),
    'optimizer bad momentum': (ValueError, 'Invalid momentum value: -1'),
    'optimizer nesterov': (ValueError, 'Nesterov momentum requires a momentum and zero dampening'),
    'adam bad beta': (ValueError, 'Invalid beta parameter at index 0: 1.0'),
    'adam bad eps': (ValueError, 'Invalid epsilon value: -1e-08'),
    'adam bad weight decay': (ValueError, 'Invalid weight_decay value: -0.1'),
    'adamw bad lr': (ValueError, 'Invalid learning rate: -0.1'),
    'rmsprop bad alpha': (ValueError, 'Invalid alpha value: -0.5'),
    'add_param_group dup': (ValueError, 'some parameters appear in more than one parameter group'),
    'optimizer load groups': (ValueError, 'loaded state dict has a different number of parameter groups'),
    'optimizer load size': (ValueError, "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"),
    'scheduler not optimizer': (TypeError, 'Linear is not an Optimizer'),
    'scheduler bad step': (ZeroDivisionError, 'integer modulo by zero'),
    'onecycle no total': (ValueError, 'You must define either total_steps OR (epochs AND steps_per_epoch)'),
    'onecycle bad pct': (ValueError, 'Expected float between 0 and 1 pct_start, but got 1.5'),
    'cosine warm restarts T_0': (ValueError, 'Expected positive integer T_0, but got 0'),
    'plateau bad mode': (ValueError, 'mode max2 is unknown!'),
    'plateau bad factor': (ValueError, 'Factor should be < 1.0.'),
    'lambda lr list size': (ValueError, 'Expected 1 lr_lambdas, but got 3'),
    'tensordataset sizes': (AssertionError, 'Size mismatch between tensors'),
    'loader sampler and shuffle': (ValueError, 'sampler option is mutually exclusive with shuffle'),
    'loader batch_sampler and batch_size': (ValueError, 'batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last'),
    'loader negative workers': (ValueError, 'num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.'),
    'loader timeout': (ValueError, 'timeout option should be non-negative'),
    'loader prefetch without workers': (ValueError, 'prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to enable multiprocessing, otherwise set prefetch_factor to None.'),
    'collate objects': (TypeError, "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found <class 'object'>"),
    'collate ragged': (RuntimeError, 'stack expects each tensor to be equal size, but got [2] at entry 0 and [3] at entry 1'),
    'collate uneven lists': (RuntimeError, 'each element in list of batch should be of equal size'),
    'random_split fractions': (ValueError, 'Sum of input lengths does not equal the length of the input dataset!'),
    'subset index': (IndexError, 'index 20 is out of bounds for dimension 0 with size 10'),
    'batch sampler size': (ValueError, 'batch_size should be a positive integer value, but got batch_size=0'),
    'grad unused': (RuntimeError, 'The differentiated Tensor at index 1 appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.'),
    'grad non-scalar': (RuntimeError, 'grad can be implicitly created only for scalar outputs'),
    'grad of non-requiring': (RuntimeError, 'element 0 of tensors does not require grad and does not have a grad_fn'),
    'grad outputs shape': (RuntimeError, 'Mismatch in shape: grad_output[0] has a shape of torch.Size([4]) and output[0] has a shape of torch.Size([3]).'),
    'hook changes shape': (RuntimeError, "hook '<lambda>' has changed the size of value"),
    'function too few grads': (RuntimeError, 'function HalfBackward returned an incorrect number of gradients (expected 2, got 1)'),
    'in-place on leaf view': (RuntimeError, 'a view of a leaf Variable that requires grad is being used in an in-place operation.'),
    'set grad shape': (RuntimeError, "attempting to assign a gradient of size '[3]' to a tensor of size '[4]'. Please ensure that the gradient and the tensor are the same size"),
    'set grad dtype': (RuntimeError, "attempting to assign a gradient with dtype 'double' to a tensor with grad_dtype 'Float'. The gradient must match the tensor's grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype attribute with a specific dtype, or None to allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and its gradient may break downstream systems that assume they match."),
    'to cuda': (AssertionError, 'Torch not compiled with CUDA enabled'),
    'cuda tensor': (AssertionError, 'Torch not compiled with CUDA enabled'),
    'bad device': (RuntimeError, 'Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of device string: gpu'),
    'pad odd': (RuntimeError, 'Padding length must be divisible by 2'),
    'pad too long': (RuntimeError, 'Padding length should be less than or equal to two times the input dimension but got padding length 6 and input of dimension 2'),
    'pad reflect too big': (RuntimeError, 'Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (3, 3) at dimension 2 of input [1, 2, 3]'),
    'pad bad mode': (NotImplementedError, 'Unrecognised padding mode mirror'),
    'interpolate both': (ValueError, 'only one of size or scale_factor should be defined'),
    'interpolate neither': (ValueError, 'either size or scale_factor should be defined'),
    'interpolate bad mode': (NotImplementedError, 'Input Error: Only 3D, 4D and 5D input Tensors supported (got 3D) for the modes: nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact (got cubic)'),
    'interpolate bilinear 3d': (NotImplementedError, 'Got 3D input, but bilinear mode needs 4D input'),
    'conv same strided': (ValueError, "padding='same' is not supported for strided convolutions"),
    # (two messages name a set: its order changes from run to run, so their words stop before it)
    'conv bad padding string': (ValueError, "Invalid padding string 'full', should be one of "),
    'conv groups': (ValueError, 'in_channels must be divisible by groups'),
    'conv bad padding mode': (ValueError, "padding_mode must be one of "),
    'maxpool pad too big': (RuntimeError, 'pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1'),
    'softmax dim': (IndexError, 'Dimension out of range (expected to be in range of [-2, 1], but got 2)'),
    'log_softmax int': (NotImplementedError, '"log_softmax_lastdim_kernel_impl" not implemented for \'Long\''),
    'attn_mask 2d shape': (RuntimeError, 'The shape of the 2D attn_mask is torch.Size([3, 3]), but should be (4, 4).'),
    'attn_mask 3d shape': (RuntimeError, 'The shape of the 3D attn_mask is torch.Size([2, 4, 4]), but should be (4, 4, 4).'),
    'attn_mask 4d': (AssertionError, 'For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found 4-D tensor instead'),
    'key padding mask shape': (AssertionError, 'Expected key_padded_mask.shape[1] to be 4, but got 5'),
    'sdpa dims': (RuntimeError, 'Expected size for first two dimensions of batch2 tensor to be: [2, 8] but got: [2, 6].'),
    'transformer batch': (RuntimeError, 'the batch number of src and tgt must be equal'),
    'transformer d_model': (RuntimeError, 'the feature number of src and tgt must be equal to d_model'),
    'encoder layer heads': (AssertionError, 'embed_dim must be divisible by num_heads'),
    'pack unsorted': (RuntimeError, '`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability.'),
    'pack zero length': (RuntimeError, "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"),
    'ce weight size': (RuntimeError, 'weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [2]'),
    'nll weight size': (RuntimeError, 'weight tensor should be defined either for all 3 classes or no classes but got weight tensor of shape: [5]'),
    'bce weight shape': (RuntimeError, 'Attempting to broadcast a dimension of length 2 at -1! Mismatching argument at index 1 had torch.Size([2]); but expected shape should be broadcastable to [4, 3]'),
    'embedding padding_idx': (AssertionError, 'Padding_idx must be within num_embeddings'),
    'topk too big': (RuntimeError, 'selected index k out of range'),
    'kthvalue too big': (RuntimeError, 'kthvalue(): selected number k out of range for dimension 0'),
    'multinomial zero': (RuntimeError, 'invalid multinomial distribution (sum of probabilities <= 0)'),
    'where float condition': (RuntimeError, 'where expected condition to be a boolean tensor, but got a tensor with dtype Float'),
    'masked_fill float mask': (RuntimeError, 'masked_fill_ only supports boolean masks, but got mask with dtype float'),
    'masked_fill shape': (RuntimeError, 'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1'),
    'stack empty': (RuntimeError, 'stack expects a non-empty TensorList'),
    'randperm negative': (RuntimeError, 'Trying to create tensor with negative dimension -1: [-1]'),
    'clamp no bounds': (RuntimeError, "torch.clamp: At least one of 'min' or 'max' must not be None"),
    'repeat fewer dims': (RuntimeError, 'Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor'),
    'split size zero': (RuntimeError, 'split_size can only be 0 if dimension size is 0, but got dimension size of 4'),
    'chunk zero': (RuntimeError, 'chunk expects `chunks` to be greater than 0, got: 0'),
    'unflatten sizes': (RuntimeError, "unflatten: Provided sizes [4, 2] don't multiply up to the size of dim 1 (6) in the input tensor"),
    'flatten dims': (RuntimeError, 'flatten() has invalid args: start_dim cannot come after end_dim'),
    'movedim repeat': (RuntimeError, 'movedim: repeated dim in `source` ([0, 0])'),
    'diag 3d': (RuntimeError, 'diag(): Supports 1D or 2D tensors. Got 3D'),
    'einsum operands': (RuntimeError, 'einsum(): fewer operands were provided than specified in the equation'),
    'einsum sizes': (RuntimeError, 'einsum(): subscript j has size 4 for operand 1 which does not broadcast with previously seen size 3'),
    'cdist dims': (RuntimeError, 'X1 and X2 must have the same number of columns. X1: 2 X2: 4'),
    'cosine_similarity sizes': (RuntimeError, 'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0'),
    'one_hot negative': (RuntimeError, 'Class values must be non-negative.'),
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
            print(f"{title}: {cls.__name__} {isinstance(e, cls)}, words {first.startswith(words)}")
        return None
    print(f"{title}: ok {type(out).__name__}")
    return out


lin = nn.Linear(3, 2)
attempt("assign tensor as parameter", lambda: setattr(lin, "weight", torch.zeros(2, 3)))
attempt("assign parameter ok", lambda: setattr(lin, "weight", nn.Parameter(torch.zeros(2, 3))))
attempt("assign module before init", lambda: NoInit())  # noqa: F821 - defined below, as the mistake goes


class NoInit(nn.Module):
    def __init__(self):
        self.fc = nn.Linear(2, 2)


attempt("module without super init", lambda: NoInit())
attempt("add_module with dot", lambda: nn.Sequential().add_module("a.b", nn.ReLU()))
attempt("add_module empty name", lambda: nn.Sequential().add_module("", nn.ReLU()))
attempt("add_module not a module", lambda: nn.Sequential().add_module("x", 3))
attempt("register_buffer dot", lambda: lin.register_buffer("a.b", torch.zeros(1)))
attempt("register_buffer existing", lambda: lin.register_buffer("weight", torch.zeros(1)))
attempt("register_buffer not tensor", lambda: lin.register_buffer("buf", [1, 2]))
attempt("register_parameter tensor", lambda: lin.register_parameter("p", torch.zeros(1)))
attempt("load_state_dict unexpected", lambda: nn.Linear(2, 2).load_state_dict(
    {"weight": torch.zeros(2, 2), "bias": torch.zeros(2), "extra": torch.zeros(1)}))
attempt("load_state_dict non-strict", lambda: nn.Linear(2, 2).load_state_dict({"weight": torch.zeros(2, 2)},
                                                                             strict=False))
attempt("load_state_dict not a dict", lambda: nn.Linear(2, 2).load_state_dict([1, 2]))
attempt("sequential bad index", lambda: nn.Sequential(nn.ReLU(), nn.Tanh())[5])
attempt("sequential str index", lambda: nn.Sequential(nn.ReLU())["0"])
attempt("modulelist append int", lambda: nn.ModuleList().append(3))
attempt("moduledict missing", lambda: nn.ModuleDict({"a": nn.ReLU()})["b"])
attempt("parameterlist bad", lambda: nn.ParameterList([torch.zeros(1)])[3])
attempt("module get missing attr", lambda: lin.nonexistent)
attempt("get_submodule missing", lambda: nn.Sequential(nn.ReLU()).get_submodule("1"))
attempt("get_parameter missing", lambda: lin.get_parameter("weights"))

params = list(lin.parameters())
attempt("optimizer params list of lists", lambda: torch.optim.SGD([params], lr=0.1))
attempt("optimizer duplicate groups", lambda: torch.optim.SGD([{"params": params}, {"params": params[:1]}], lr=0.1))
attempt("optimizer no lr", lambda: torch.optim.SGD(params))
attempt("optimizer bad momentum", lambda: torch.optim.SGD(params, lr=0.1, momentum=-1))
attempt("optimizer nesterov", lambda: torch.optim.SGD(params, lr=0.1, nesterov=True))
attempt("adam bad beta", lambda: torch.optim.Adam(params, betas=(1.0, 0.999)))
attempt("adam bad eps", lambda: torch.optim.Adam(params, eps=-1e-8))
attempt("adam bad weight decay", lambda: torch.optim.Adam(params, weight_decay=-0.1))
attempt("adamw bad lr", lambda: torch.optim.AdamW(params, lr=-0.1))
attempt("rmsprop bad alpha", lambda: torch.optim.RMSprop(params, alpha=-0.5))
attempt("add_param_group dup", lambda: torch.optim.SGD(params, lr=0.1).add_param_group({"params": params[0]}))
opt = torch.optim.Adam(params, lr=0.1)
other = torch.optim.Adam([nn.Parameter(torch.zeros(1))], lr=0.1)
attempt("optimizer load groups", lambda: opt.load_state_dict(
    {"state": {}, "param_groups": other.state_dict()["param_groups"] * 2}))
attempt("optimizer load size", lambda: opt.load_state_dict(other.state_dict()))
attempt("scheduler not optimizer", lambda: torch.optim.lr_scheduler.StepLR(lin, step_size=1))
attempt("scheduler bad step", lambda: torch.optim.lr_scheduler.StepLR(opt, step_size=0).step())
attempt("onecycle no total", lambda: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1))
attempt("onecycle bad pct", lambda: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10,
                                                                         pct_start=1.5))
attempt("cosine warm restarts T_0", lambda: torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0))
attempt("plateau bad mode", lambda: torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max2"))
attempt("plateau bad factor", lambda: torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=1.0))
attempt("lambda lr list size", lambda: torch.optim.lr_scheduler.LambdaLR(opt, [lambda e: 1.0] * 3))

ds = torch.utils.data.TensorDataset(torch.arange(10.0))
attempt("tensordataset sizes", lambda: torch.utils.data.TensorDataset(torch.zeros(3), torch.zeros(4)))
attempt("loader sampler and shuffle", lambda: torch.utils.data.DataLoader(
    ds, sampler=torch.utils.data.SequentialSampler(ds), shuffle=True))
attempt("loader batch_sampler and batch_size", lambda: torch.utils.data.DataLoader(
    ds, batch_sampler=torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(ds), 2, False),
    batch_size=3))
attempt("loader negative workers", lambda: torch.utils.data.DataLoader(ds, num_workers=-1))
attempt("loader timeout", lambda: torch.utils.data.DataLoader(ds, timeout=-1))
attempt("loader prefetch without workers", lambda: torch.utils.data.DataLoader(ds, prefetch_factor=2))
attempt("collate strings ok", lambda: torch.utils.data.default_collate(["a", "b"]))
attempt("collate objects", lambda: torch.utils.data.default_collate([object(), object()]))
attempt("collate ragged", lambda: torch.utils.data.default_collate([torch.zeros(2), torch.zeros(3)]))
attempt("collate uneven lists", lambda: torch.utils.data.default_collate([[1, 2], [3]]))
attempt("random_split fractions", lambda: torch.utils.data.random_split(range(10), [0.5, 0.6]))
attempt("subset index", lambda: torch.utils.data.Subset(ds, [20])[0])
attempt("weighted sampler negative", lambda: torch.utils.data.WeightedRandomSampler([-1.0, 1.0], 2))
attempt("batch sampler size", lambda: torch.utils.data.BatchSampler(range(3), 0, False))

x = torch.randn(3, requires_grad=True)
z = torch.randn(3, requires_grad=True)
attempt("grad unused", lambda: torch.autograd.grad((x * 2).sum(), [x, z]))
attempt("grad unused allowed", lambda: torch.autograd.grad((x * 2).sum(), [x, z], allow_unused=True))
attempt("grad non-scalar", lambda: torch.autograd.grad(x * 2, x))
attempt("grad of non-requiring", lambda: torch.autograd.grad(torch.randn(3).sum(), [x]))
attempt("grad outputs shape", lambda: torch.autograd.grad(x * 2, x, grad_outputs=torch.ones(4)))
attempt("hook changes shape", lambda: (x.register_hook(lambda g: g[:2]), (x * 1).sum().backward()))


class Half(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, b):
        return a * b

    @staticmethod
    def backward(ctx, g):
        return g


attempt("function too few grads", lambda: Half.apply(torch.randn(2, requires_grad=True),
                                                     torch.randn(2, requires_grad=True)).sum().backward())
leaf = torch.randn(4, requires_grad=True)
attempt("in-place on leaf view", lambda: leaf[:2].mul_(2))
attempt("set grad shape", lambda: setattr(leaf, "grad", torch.zeros(3)))
attempt("set grad dtype", lambda: setattr(leaf, "grad", torch.zeros(4, dtype=torch.float64)))
attempt("backward twice retained ok", lambda: [y.backward(retain_graph=True) for y in [(leaf * 2).sum()] * 1])
attempt("to cuda", lambda: torch.zeros(2).to("cuda"))
attempt("cuda tensor", lambda: torch.zeros(2, device="cuda"))
attempt("bad device", lambda: torch.zeros(2, device="gpu"))

attempt("pad odd", lambda: F.pad(torch.zeros(1, 2, 3), (1,)))
attempt("pad too long", lambda: F.pad(torch.zeros(2, 3), (1, 1, 1, 1, 1, 1)))
attempt("pad reflect too big", lambda: F.pad(torch.zeros(1, 2, 3), (3, 3), mode="reflect"))
attempt("pad bad mode", lambda: F.pad(torch.zeros(1, 2, 3), (1, 1), mode="mirror"))
attempt("interpolate both", lambda: F.interpolate(torch.zeros(1, 1, 4), size=8, scale_factor=2))
attempt("interpolate neither", lambda: F.interpolate(torch.zeros(1, 1, 4)))
attempt("interpolate bad mode", lambda: F.interpolate(torch.zeros(1, 1, 4), scale_factor=2, mode="cubic"))
attempt("interpolate bilinear 3d", lambda: F.interpolate(torch.zeros(1, 1, 4), scale_factor=2, mode="bilinear"))
attempt("conv same strided", lambda: nn.Conv2d(1, 1, 3, stride=2, padding="same"))
attempt("conv bad padding string", lambda: nn.Conv2d(1, 1, 3, padding="full"))
attempt("conv groups", lambda: nn.Conv2d(3, 4, 3, groups=2))
attempt("conv bad padding mode", lambda: nn.Conv2d(1, 1, 3, padding_mode="mirror"))
attempt("maxpool pad too big", lambda: F.max_pool2d(torch.zeros(1, 1, 4, 4), 2, padding=2))
attempt("softmax dim", lambda: F.softmax(torch.zeros(2, 3), dim=2))
attempt("log_softmax int", lambda: F.log_softmax(torch.zeros(2, 3, dtype=torch.long), dim=1))
mha = nn.MultiheadAttention(8, 2, batch_first=True)
q = torch.zeros(2, 4, 8)
attempt("attn_mask 2d shape", lambda: mha(q, q, q, attn_mask=torch.zeros(3, 3)))
attempt("attn_mask 3d shape", lambda: mha(q, q, q, attn_mask=torch.zeros(2, 4, 4)))
attempt("attn_mask 4d", lambda: mha(q, q, q, attn_mask=torch.zeros(1, 1, 4, 4)))
attempt("key padding mask shape", lambda: mha(q, q, q, key_padding_mask=torch.zeros(2, 5, dtype=torch.bool)))
attempt("sdpa dims", lambda: F.scaled_dot_product_attention(torch.zeros(2, 4, 8), torch.zeros(2, 4, 6),
                                                            torch.zeros(2, 4, 8)))
tr = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16)
attempt("transformer batch", lambda: tr(torch.zeros(5, 2, 8), torch.zeros(5, 3, 8)))
attempt("transformer d_model", lambda: tr(torch.zeros(5, 2, 8), torch.zeros(5, 2, 6)))
attempt("encoder layer heads", lambda: nn.TransformerEncoderLayer(d_model=8, nhead=3))
attempt("pack unsorted", lambda: pack_padded_sequence(torch.zeros(3, 2, 1), torch.tensor([1, 3])))
attempt("pack zero length", lambda: pack_padded_sequence(torch.zeros(3, 2, 1), torch.tensor([3, 0])))
attempt("pack cuda lengths ok", lambda: pack_padded_sequence(torch.zeros(3, 2, 1), [3, 2]))
attempt("ce weight size", lambda: F.cross_entropy(torch.zeros(4, 3), torch.zeros(4, dtype=torch.long),
                                                 weight=torch.ones(2)))
attempt("nll weight size", lambda: nn.NLLLoss(weight=torch.ones(5))(torch.zeros(4, 3), torch.zeros(4, dtype=torch.long)))
attempt("bce weight shape", lambda: F.binary_cross_entropy(torch.full((4, 3), 0.5), torch.zeros(4, 3),
                                                          weight=torch.ones(2)))
attempt("embedding padding_idx", lambda: nn.Embedding(4, 2, padding_idx=4))
attempt("embedding max_norm type", lambda: nn.Embedding(4, 2, max_norm=-1.0)(torch.tensor([1])))
attempt("topk too big", lambda: torch.zeros(3).topk(4))
attempt("kthvalue too big", lambda: torch.zeros(3).kthvalue(4))
attempt("multinomial no replacement", lambda: torch.multinomial(torch.tensor([0.5, 0.5, 0.0]), 3))
attempt("multinomial zero", lambda: torch.multinomial(torch.zeros(3), 1))
attempt("where float condition", lambda: torch.where(torch.zeros(2), torch.zeros(2), torch.ones(2)))
attempt("masked_fill float mask", lambda: torch.zeros(2).masked_fill(torch.zeros(2), 1.0))
attempt("masked_fill shape", lambda: torch.zeros(2, 3).masked_fill(torch.zeros(3, 2, dtype=torch.bool), 1.0))
attempt("stack empty", lambda: torch.stack([]))
attempt("randperm negative", lambda: torch.randperm(-1))
attempt("clamp no bounds", lambda: torch.zeros(2).clamp())
attempt("repeat fewer dims", lambda: torch.zeros(2, 3).repeat(2))
attempt("split size zero", lambda: torch.zeros(4).split(0))
attempt("chunk zero", lambda: torch.zeros(4).chunk(0))
attempt("unflatten sizes", lambda: torch.zeros(2, 6).unflatten(1, (4, 2)))
attempt("flatten dims", lambda: torch.zeros(2, 3).flatten(1, 0))
attempt("movedim repeat", lambda: torch.zeros(2, 3).movedim((0, 0), (1, 0)))
attempt("diag 3d", lambda: torch.diag(torch.zeros(2, 2, 2)))
attempt("einsum operands", lambda: torch.einsum("ij,jk->ik", torch.zeros(2, 3)))
attempt("einsum sizes", lambda: torch.einsum("ij,jk->ik", torch.zeros(2, 3), torch.zeros(4, 2)))
attempt("cdist dims", lambda: torch.cdist(torch.zeros(3, 2), torch.zeros(3, 4)))
attempt("cosine_similarity sizes", lambda: F.cosine_similarity(torch.zeros(3, 2), torch.zeros(4, 2)))
attempt("one_hot negative", lambda: F.one_hot(torch.tensor([-1, 2])))
attempt("normalize p", lambda: F.normalize(torch.zeros(2, 3), p=0.0).sum())
attempt("clip_grad_norm nonfinite", lambda: nn.utils.clip_grad_norm_([nn.Parameter(torch.zeros(2))], 1.0,
                                                                    error_if_nonfinite=True))
