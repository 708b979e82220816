"""More of the "why does my script crash" answers (PyTorch forum threads and Stack Overflow questions
about gather/scatter/index ops, masks, clamps, reshapes and saving), each mistake run, caught with
`except RuntimeError as e` (or the class PyTorch raises) and judged the way a reader would: the exception
class and whether the message starts with PyTorch's words; then the fix and its result. Float indices to
gather/scatter/index_select/index_add/index_copy/take, index tensors of the wrong rank, masks that do not
broadcast (with a long mask), tensor bounds to clamp of the wrong size, roll's shifts and dims, select out
of range, cross of 2-vectors, norm of an integer tensor, bernoulli probabilities outside [0, 1], view with
a negative size, repeat_interleave with negative repeats, a bias that does not fit the product, slice
assignment of the wrong length, max_pool1d with too big a kernel, and torch.save into a missing folder."""

import os
import tempfile

import torch
import torch.nn.functional as F

torch.manual_seed(0)

EXPECTED = {  # PyTorch's class and words for each mistake
    "gather float index": (RuntimeError, "gather(): Expected dtype int32/int64 for index"),
    "scatter float index": (RuntimeError, "scatter(): Expected dtype int32/int64 for index"),
    "scatter_add float index": (RuntimeError, "scatter(): Expected dtype int32/int64 for index"),
    "index_select float index": (RuntimeError, "index_select(): Expected dtype int32 or int64 for index"),
    "index_add float index": (RuntimeError, "index_add_(): Expected dtype int32/int64 for index but got: Float"),
    "index_copy float index": (RuntimeError, "index_copy_(): Expected a long tensor for index, but got Float"),
    "take float index": (RuntimeError, "take(): Expected a long tensor for index, but got Float"),
    "scatter src rank": (RuntimeError, "Index tensor must have the same number of dimensions as src tensor"),
    "index_add source shape": (RuntimeError, "source tensor shape must match self tensor shape, excluding the "
                               "specified dimension. Got self.shape = [3, 2] source.shape = [1, 3]"),
    "masked_fill long mask": (RuntimeError, "The size of tensor a (2) must match the size of tensor b (3) at "
                              "non-singleton dimension 1"),
    "masked_fill long mask fitting": (RuntimeError, "masked_fill_ only supports boolean masks, but got mask "
                                      "with dtype long int"),
    "clamp min tensor": (RuntimeError, "The size of tensor a (2) must match the size of tensor b (3) at "
                         "non-singleton dimension 0"),
    "clamp max tensor": (RuntimeError, "The size of tensor a (2) must match the size of tensor b (3) at "
                         "non-singleton dimension 1"),
    "roll shifts and dims": (RuntimeError, "shifts and dimensions must align. shifts: 2, dims:1"),
    "select out of range": (IndexError, "select(): index 5 out of range for tensor of size [4, 2] at dimension 1"),
    "select negative": (IndexError, "select(): index -5 out of range for tensor of size [4, 2] at dimension 1"),
    "cross of 2-vectors": (RuntimeError, "linalg.cross: inputs dimension -1 must have length 3. Got 2 and 2"),
    "norm of long": (RuntimeError, "linalg.vector_norm: Expected a floating point or complex tensor as input. "
                     "Got Long"),
    "bernoulli probs": (RuntimeError, "Expected p_in >= 0 && p_in <= 1 to be true, but got false."),
    "bernoulli_ p": (RuntimeError, "bernoulli_ expects p to be in [0, 1], but got p=1.5"),
    "view negative": (RuntimeError, "invalid shape dimension -2 at index 0 of shape [-2]"),
    "reshape negative": (RuntimeError, "invalid shape dimension -3 at index 1 of shape [2, -3]"),
    "repeat_interleave negative": (RuntimeError, "Repeats must be non-negative"),
    "repeat_interleave negative tensor": (RuntimeError, "repeats can not be negative"),
    "repeat_interleave sizes": (RuntimeError, "repeats must have the same size as input along dim, but got "
                                "repeats.size(0) = 2 and input.size(0) = 3"),
    "linear bias": (RuntimeError, "The expanded size of the tensor (4) must match the existing size (3) at "
                    "non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]"),
    "addmm input": (RuntimeError, "The expanded size of the tensor (5) must match the existing size (2) at "
                    "non-singleton dimension 1.  Target sizes: [3, 5].  Tensor sizes: [3, 2]"),
    "slice assignment": (RuntimeError, "The expanded size of the tensor (2) must match the existing size (3) at "
                         "non-singleton dimension 0.  Target sizes: [2].  Tensor sizes: [3]"),
    "row assignment": (RuntimeError, "The expanded size of the tensor (2) must match the existing size (3) at "
                       "non-singleton dimension 0.  Target sizes: [2].  Tensor sizes: [3]"),
    "max_pool1d kernel": (RuntimeError, "max_pool1d() Invalid computed output size: 0"),
    "save missing folder": (RuntimeError, "Parent directory "),
}


def attempt(title, fn):
    try:
        out = fn()
    except Exception as e:  # noqa: BLE001 - every failure is shown
        first = str(e).strip().splitlines()[0] if str(e).strip() else ""
        cls, words = EXPECTED.get(title, (None, None))
        if cls is None:
            print(f"{title}: unexpected {type(e).__name__}: {first}")
        else:
            print(f"{title}: {cls.__name__} {isinstance(e, cls)}, words {first.startswith(words)}")
        return None
    if isinstance(out, torch.Tensor):
        print(f"{title}: ok {tuple(out.shape)} {out.dtype} {out.flatten()[:6].tolist()}")
    else:
        print(f"{title}: ok {out}")
    return out


x = torch.arange(6.0).view(3, 2)
idx_f = torch.tensor([[0.0], [1.0]])
attempt("gather float index", lambda: x.gather(1, idx_f.repeat(1, 1)[:2].expand(2, 1).contiguous().view(2, 1)
                                                .expand(2, 1)))
attempt("gather fixed", lambda: x.gather(1, idx_f.long()))
attempt("scatter float index", lambda: torch.zeros(3).scatter(0, torch.tensor([0.0]), torch.ones(1)))
attempt("scatter_add float index", lambda: torch.zeros(3).scatter_add(0, torch.tensor([0.0]), torch.ones(1)))
attempt("scatter fixed", lambda: torch.zeros(3).scatter_add(0, torch.tensor([0, 0, 2]), torch.ones(3)))
attempt("index_select float index", lambda: x.index_select(0, torch.tensor([0.0, 2.0])))
attempt("index_select fixed", lambda: x.index_select(0, torch.tensor([0, 2])))
attempt("index_add float index", lambda: torch.zeros(3).index_add(0, torch.tensor([0.0]), torch.ones(1)))
attempt("index_copy float index", lambda: torch.zeros(3).index_copy(0, torch.tensor([0.0]), torch.ones(1)))
attempt("take float index", lambda: x.take(torch.tensor([0.0])))
attempt("take fixed", lambda: x.take(torch.tensor([0, 5])))
attempt("scatter src rank", lambda: torch.zeros(3).scatter_(0, torch.tensor([0]), torch.ones(1, 2)))
attempt("index_add source shape", lambda: torch.zeros(3, 2).index_add_(0, torch.tensor([0]), torch.ones(1, 3)))
attempt("index_add fixed", lambda: torch.zeros(3, 2).index_add_(0, torch.tensor([0, 0]), torch.ones(2, 2)))
attempt("masked_fill long mask", lambda: torch.zeros(2, 3).masked_fill(torch.tensor([1, 0]), 1.0))
attempt("masked_fill long mask fitting", lambda: torch.zeros(2, 3).masked_fill(torch.tensor([[1, 0, 1]] * 2), 1.0))
attempt("masked_fill fixed", lambda: torch.zeros(2, 3).masked_fill(torch.tensor([True, False]).unsqueeze(1), 1.0))
attempt("clamp min tensor", lambda: torch.clamp(torch.ones(2), min=torch.zeros(3)))
attempt("clamp max tensor", lambda: torch.ones(2, 2).clamp(max=torch.ones(3)))
attempt("clamp fixed", lambda: torch.randn(2, 3).clamp(min=torch.zeros(3), max=torch.full((2, 1), 0.5)))
attempt("roll shifts and dims", lambda: torch.arange(8).view(4, 2).roll((1, 2), (0,)))
attempt("roll fixed", lambda: torch.arange(8).view(4, 2).roll((1, 1), (0, 1)))
attempt("select out of range", lambda: torch.ones(4, 2).select(1, 5))
attempt("select negative", lambda: torch.ones(4, 2).select(1, -5))
attempt("select fixed", lambda: torch.arange(8.0).view(4, 2).select(1, -1))
attempt("cross of 2-vectors", lambda: torch.linalg.cross(torch.ones(2), torch.ones(2)))
attempt("cross fixed", lambda: torch.linalg.cross(torch.tensor([1.0, 0, 0]), torch.tensor([0.0, 1, 0])))
attempt("norm of long", lambda: torch.tensor([3, 4]).norm())
attempt("norm fixed", lambda: torch.tensor([3, 4]).float().norm())
attempt("bernoulli probs", lambda: torch.bernoulli(torch.tensor([0.2, 1.5])))
attempt("bernoulli_ p", lambda: torch.empty(3).bernoulli_(1.5))
attempt("bernoulli fixed", lambda: torch.bernoulli(torch.tensor([0.2, 1.0, 0.0])))
attempt("view negative", lambda: torch.ones(4).view(-2))
attempt("reshape negative", lambda: torch.ones(4).reshape(2, -3))
attempt("reshape fixed", lambda: torch.ones(4).reshape(2, -1))
attempt("repeat_interleave negative", lambda: torch.ones(3).repeat_interleave(-1))
attempt("repeat_interleave negative tensor", lambda: torch.ones(3).repeat_interleave(torch.tensor([1, -2, 1])))
attempt("repeat_interleave sizes", lambda: torch.ones(3).repeat_interleave(torch.tensor([1, 2])))
attempt("repeat_interleave fixed", lambda: torch.arange(3).repeat_interleave(torch.tensor([1, 0, 2])))
attempt("linear bias", lambda: F.linear(torch.ones(2, 3), torch.ones(4, 3), torch.ones(3)))
attempt("addmm input", lambda: torch.addmm(torch.ones(3, 2), torch.ones(3, 4), torch.ones(4, 5)))
attempt("linear fixed", lambda: F.linear(torch.ones(2, 3), torch.ones(4, 3), torch.ones(4)))
attempt("slice assignment", lambda: torch.ones(3).__setitem__(slice(0, 2), torch.ones(3)))
attempt("row assignment", lambda: torch.ones(3, 2).__setitem__(0, torch.ones(3)))
attempt("assignment fixed", lambda: torch.ones(3, 2).__setitem__((slice(None), 0), torch.ones(1, 3)))
attempt("max_pool1d kernel", lambda: F.max_pool1d(torch.ones(1, 1, 2), 3))
attempt("max_pool1d fixed", lambda: F.max_pool1d(torch.ones(1, 1, 2), 3, padding=1))
with tempfile.TemporaryDirectory() as d:
    missing = os.path.join(d, "no", "such", "model.pt")
    attempt("save missing folder", lambda: torch.save({"w": torch.ones(2)}, missing))
    os.makedirs(os.path.dirname(missing))
    attempt("save fixed", lambda: (torch.save({"w": torch.ones(2)}, missing), torch.load(missing)["w"])[1])
