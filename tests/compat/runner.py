"""Run the PyTorch-style programs in ``programs/`` under real PyTorch and under
``python -m minigrad.compat``, and compare what they print.

Each program is an ordinary PyTorch script. ``SPECS`` says which printed numbers
must agree and how closely: to the printed digits (float32 rounding) where the
program fixes its weights itself or draws them from the seed (minigrad's random
stream is PyTorch's), loosely where a check predates that. ``PENDING`` holds
the checks of programs that wait for an API minigrad does not have yet.
``python tests/compat/runner.py [--pending]`` prints a table with the wall time of each program under both.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import math
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROGRAMS = Path(__file__).resolve().parent / "programs"
REPO = PROGRAMS.parents[2]
TIMEOUT = 600  # seconds a program may run


@dataclass(frozen=True)
class Check:
    """Numbers captured by ``pattern`` (one group) must agree within ``rtol``;
    ``which`` is 'all' (every occurrence, in order) or 'last'; ``lines``, if given, a regex that picks
    the lines searched (``^(?!gauss)``: all but those starting with gauss); ``atol``, an absolute tolerance
    besides (for values that training drives near 0, where a relative one means nothing)."""

    pattern: str
    rtol: float
    which: str = "all"
    lines: str = ""
    atol: float = 0.0


# (PyTorch prints an integer-valued float tensor as "1.", other ones as "1.0000": both are floats)
_FLOAT = r"(?<![\w.])(-?\d+\.(?:\d+(?:e[-+]?\d+)?|(?![\w.])))"
_INT = r"(?<![\w.\-])(-?\d+)(?![\d.])"
# (a sign before a digit is the number's: %+f of a zero prints +0 or -0)
_WORDS = r"((?:[^\d\s.\-+]|\+(?!\d))+)"


def every_number(rtol: float, lines: str = "", atol: float = 0.0) -> list[Check]:
    """The whole output (or the ``lines`` picked): every decimal number within ``rtol`` (or ``atol``), every
    integer and every other token exact (for programs whose weights, data and random draws are all fixed)."""
    return [Check(_FLOAT, rtol, lines=lines, atol=atol), Check(_INT, 0, lines=lines),
            Check(_WORDS, 0, lines=lines)]


_BBB_SAMPLED = r"^local=False"  # (bayes_by_backprop.py's sampled-KL run)
_TABNET_EXACT = r"^(?!(sparsemax|entmax) (epoch|acc|importance))"  # (tabnet_sparsemax_entmax.py: no integers)

SPECS: dict[str, list[Check]] = {
    # counting is exact; the seeded network (the same random stream as PyTorch's) follows to rounding
    "bigram.py": [
        Check(r"count model loss (\S+)", 1e-6),
        Check(r"counts: (\d+) bigrams", 0),
        Check(r"step +\d+ \| loss (\S+)", 1e-4),
    ],
    # seeded init, batches and dropout: PyTorch's stream, so only float32 rounding differs
    "mlp_lm.py": [
        Check(r"final train loss (\S+)", 1e-3, "last"),
        Check(r"final dev loss (\S+)", 1e-3, "last"),
    ],
    "polyfit.py": [Check(r"step +\d+ \| loss (\S+)", 1e-4)],
    "char_gpt.py": [Check(r"val loss (\S+)", 0.1, "last")],
    # dropout masks come from minigrad's fast mask stream (PyTorch's are opt-in), so only the seed is shared
    "mnist_style.py": [Check(r"final accuracy (\S+)", 0.12, "last")],
    "checkpoint.py": [Check(r"step +\d+ \| loss (\S+)", 1e-4), Check(r"num_batches_tracked (\d+)", 0),
                      Check(r"resumed run identical: (True)", 0)],
    "lstm_lm.py": [Check(r"final valid loss (\S+)", 0.05, "last")],  # (dropout: as mnist_style)
    "cnn_digits.py": [Check(r"\| loss (\S+)", 1e-3), Check(r"test loss (\S+)", 1e-3)],
    # the distribution's numbers are exact; the seeded learning curve is PyTorch's to rounding
    "reinforce.py": [Check(r"log_prob\[\d\] (\S+)", 1e-5), Check(r"entropy\[\d\] (\S+)", 1e-5),
                     Check(r"grad\[\d\] (\S+)", 1e-5), Check(r"probs\[\d\] (\S+)", 1e-6),
                     Check(r"final running reward (\S+)", 1e-3, "last")],
    # fixed weights (the run stops before RMSprop's constant-lr oscillation, where float32 rounding grows)
    "poly_rmsprop.py": [Check(r"step +\d+ \| loss (\S+)", 1e-4), Check(r"\+ (\S+) x ", 1e-4),
                        Check(r"\+ (\S+) x\^3", 1e-4)],
    # fixed weights in float64 through LBFGS with a closure
    "time_sequence.py": [Check(r"loss: (\S+)", 1e-6), Check(r"test loss: (\S+)", 1e-6),
                         Check(r"prediction tail (.+)", 0)],
    # fixed weights and Python's random order: the hand-built RNN and the GRU agree to the digit
    "char_rnn_classify.py": [Check(r"avg loss (\S+) \|", 1e-4), Check(r"correct (\d+)/", 0),
                             Check(r"gru \d+ \| avg loss (\S+)", 1e-3), Check(r"gru diagonal (.+)", 0)],
    # fixed weights, dropout 0
    "transformer_lm.py": [Check(r"\| loss (\S+) \|", 1e-3), Check(r"valid loss (\S+)", 1e-3)],
    # fixed weights and numpy-drawn batches: every printed loss agrees (float32 rounding only)
    "nanogpt.py": [Check(r"train loss (\S+),", 1e-4), Check(r"val loss (\S+)\n", 1e-4),
                   Check(r"iter \d+: loss (\S+),", 1e-4), Check(r"norm (\S+),", 1e-3),
                   Check(r"manual attention loss (\S+)", 1e-4), Check(r"flash loss (\S+)", 1e-4),
                   Check(r"checkpoint iter (\d+)", 0), Check(r"in range (True)", 0)],
    # hand-derived gradients against autograd, then training on them: exact up to float32 rounding
    "backprop_ninja.py": [Check(r"^loss (\S+)", 1e-6), Check(r"approximate: (\S+) ", 0),
                          Check(r"all approximately equal: (\S+)", 0), Check(r"grad close: (\S+)", 0),
                          Check(r"\d+/60: (\S+)", 1e-4)],
    # fixed weights, dropout 0: the first step agrees to float32 rounding (2e-7), which 18 SGD steps at
    # lr 5-20 grow to ~4e-5. The example prints losses to two decimals (rtol covers a rounding flip), its
    # last line to six; annealing (the final lr, and so which epoch's model is loaded) is exact
    "word_lm.py": [Check(r"(\d+) words in the dictionary", 0), Check(r"loss +(\S+) \| ppl", 2e-3),
                   Check(r"valid loss +(\S+) \| valid ppl", 2e-3),
                   Check(r"test loss +(\S+) \| test ppl", 2e-3),
                   Check(r"final lr (\S+)", 0), Check(r"best valid loss (\S+)", 3e-4),
                   Check(r"best valid loss \S+ test loss (\S+)", 3e-4)],
    # seeded reparameterization noise and shuffling: PyTorch's stream, float32 rounding only
    "vae_digits.py": [Check(r"final test loss (\S+)", 1e-3, "last")],
    # fixed weights and noise (noise from numpy); float32 rounding grows a little through the GAN's steps
    "dcgan_digits.py": [Check(r"Loss_D: (\S+)", 2e-3), Check(r"Loss_G: (\S+)", 2e-3),
                        Check(r"samples mean (\S+)", 2e-2), Check(r"std (\S+)", 2e-3)],
    # the hand-written part is exact; the DataLoader parts shuffle as PyTorch's (the same stream)
    "nn_tutorial.py": [Check(r"scratch loss (\S+)", 1e-4), Check(r"scratch loss \S+ accuracy (\S+)", 1e-4),
                       Check(r"logistic valid loss (\S+)", 1e-3), Check(r"cnn valid loss (\S+)", 1e-3)],
    # fixed weights, split and batch order (numpy), whole-split evaluation: all six model types agree to
    # float32 rounding, and so do the greedy samples (its evaluation runs under torch.inference_mode)
    "makemore.py": [Check(r"model #params: (\d+)", 0), Check(r"step \d+ \| loss (\S+) \|", 1e-4),
                    Check(r"train loss: (\S+)", 1e-5), Check(r"test loss: (\S+)", 1e-5),
                    Check(r"reloaded best \| test loss (\S+)", 1e-5), Check(r"greedy sample: (\w+)", 0),
                    Check(r"event files: (\d+)", 0)],
    # fixed weights, numpy data and Python's random for teacher forcing: float32 rounding only
    "seq2seq_attention.py": [Check(r"The model has (\S+) trainable", 0),
                             Check(r"(batch_sizes .*)", 0), Check(r"Train Loss: (\S+)", 1e-4),
                             Check(r"Test Loss: (\S+)", 1e-4), Check(r"(prediction .*)", 0),
                             Check(r"row sums (.*)", 0)],
    # fixed weights and numpy batch order through BatchNorm2d, OneCycleLR and Nesterov SGD: float32
    # rounding only (accuracy may flip a sample or two); the losses to 5e-4, since minigrad's own run
    # moves by 3e-4 between OpenBLAS's Haswell and SkylakeX kernels
    "resnet_digits.py": [Check(r"std (\S+)", 1e-5), Check(r"params (\d+)", 0), Check(r"buffers (\d+)", 0),
                         Check(r"\| loss (\S+) \|", 5e-4), Check(r"\| lr (\S+)", 1e-5),
                         Check(r"train loss (\S+) acc", 5e-4), Check(r"test loss (\S+) acc", 5e-4),
                         Check(r"test loss \S+ acc (\S+)", 5e-3), Check(r"running_mean\[:3\] \[(\S+),", 1e-3),
                         Check(r"num_batches_tracked (\d+)", 0), Check(r"final momentum (\S+)", 0),
                         Check(r"final momentum \S+ lr (\S+)", 1e-5)],
    # fixed weights and order through EmbeddingBag/collate_fn/StepLR: float32 rounding only; the
    # random_split / WeightedRandomSampler part draws PyTorch's stream (the balance to the printed digits)
    "text_classify.py": [Check(r"(speakers .*)", 0), Check(r"vocab size (\d+)", 0),
                         Check(r"(first batch .*)", 0), Check(r"train loss (\S+)", 1e-4),
                         Check(r"train accuracy +(\S+)", 5e-3), Check(r"\| valid accuracy +(\S+)", 5e-3),
                         Check(r"\| lr (\S+)", 0), Check(r"agree (\w+)", 0), Check(r"bag sum (\S+)", 1e-5),
                         Check(r"bag max (\S+)", 1e-5),
                         Check(r"weighted (\S+)", 1e-5), Check(r"(split sizes .*)", 0),
                         Check(r"min share (\S+)", 1e-3)],
    # fixed weights, dropout 0, numpy data: float32 rounding only; ReduceLROnPlateau's decisions exact, and
    # the encoder's eval-mode output is zero at padded positions, as on PyTorch's nested-tensor path
    "transformer_classify.py": [Check(r"(train \(.*)", 0), Check(r"parameters (\d+)", 0),
                                Check(r"train loss (\S+)", 1e-4), Check(r"grad norm (\S+)", 1e-3),
                                Check(r"val loss (\S+)", 1e-4), Check(r"val acc (\S+)", 0.03),
                                Check(r"\| lr (\S+)", 0), Check(r"padding ignored (\w+)", 0),
                                Check(r"eval encoder at padding (\S+)", 0),
                                Check(r"naive mean pool (\S+)", 1e-4),
                                Check(r"mha out \S+ \S+ \S+ (\S+)", 1e-5), Check(r"(upper triangle .*)", 0),
                                Check(r"float mask same (\w+)", 0), Check(r"per-head \(.*\) \[(\S+),", 1e-4),
                                Check(r"(key padding weights last cols \S+ \S+)", 0),
                                Check(r"\] out (\S+)", 1e-5), Check(r"in_proj grad (\S+)", 1e-5),
                                Check(r"out_proj grad (\S+)", 1e-5)],
    # float64 Newton / Hessian / RK4 / LBFGS on fixed data: agreement to ~1e-9 (iteration counts exact)
    "numerics.py": [Check(r"newton 1d iter \d: x = (\S+)", 1e-12), Check(r"newton 2d: iters (\d+)", 0),
                    Check(r"root \['(\S+)'", 1e-10), Check(r"root \['\S+', '(\S+)'\]", 1e-10),
                    Check(r"(jacobian at root .*)", 0), Check(r"rosenbrock iter +(\d+)", 0),
                    Check(r"rosenbrock iter +\d+ f (\S+)", 1e-6), Check(r"\|g\| (\S+) step", 1e-6),
                    Check(r"step (\S+)$", 0), Check(r"(hessian at start .*)", 0),
                    Check(r"hvp \[(\S+),", 1e-12),
                    Check(r"(jvp \[.*\]) vjp", 0), Check(r"(vjp \[.*\])", 0), Check(r"(norms .*)", 0),
                    Check(r"ode fit iter +\d+ loss (\S+)", 1e-8), Check(r"zeta (\S+) grad", 1e-8),
                    Check(r"zeta \S+ grad (\S+)", 1e-6), Check(r"t=5 \(underdamped, approx\) (\S+)", 1e-8),
                    Check(r"lbfgs start loss (\S+)", 1e-8), Check(r"fitted a (\S+)", 1e-7),
                    Check(r"fitted a \S+ b (\S+)", 1e-7), Check(r"evals (\d+)", 0)],
    # fixed data and weights; every check compares a run with itself (resume, replayed draws), so all
    # lines but the loss lists read exactly as under PyTorch
    "resume_rng.py": [Check(r"^((?!unbroken losses|resumed losses).*)$", 0),
                      Check(r"unbroken losses \[(\S+),", 1e-5), Check(r"(\S+)\]$", 1e-5)],
    # custom Functions, gradcheck/gradgradcheck, higher derivatives, hooks and a WGAN-GP penalty: all fixed
    "autograd_custom.py": [Check(r"legendre \d+ (\S+)", 1e-4), Check(r"\* P3\(\S+ \+ (\S+) x\)", 1e-4),
                           Check(r"gradcheck (True)", 0), Check(r"gradgradcheck (True)", 0),
                           Check(r"(linear grads .*)", 0), Check(r"input-only grad norm (\S+)", 1e-6),
                           Check(r"(cube d1 .*)", 0), Check(r"(tanh derivative .*)", 0),
                           Check(r"(hooked .*)", 0), Check(r"(unhooked .*)", 0),
                           Check(r"d_loss (\S+)", 1e-5), Check(r" gp (\S+)", 1e-5)],
    # every printed line, tensors' reprs included, reads exactly as under PyTorch
    "tensor_ops.py": [Check(r"^(.*)$", 0)],
    # fixed data and weights: the legacy constructors, quantile clipping and combinations; the fit's
    # numbers agree to float32 rounding (PyTorch's lerp fuses its multiply-add), the rest exactly
    "legacy_robust_fit.py": [
        Check(r"^((?:types|sizes form|bool|converted|q40|quantile grad|nanquantile|quantile with|pairs"
              r"|rank grad).*)$", 0),
        Check(r"\| loss (\S+)", 1e-5), Check(r"\| lo (\S+)", 1e-5), Check(r"\| hi (\S+)", 1e-5),
        Check(r"fit w (\S+)", 1e-5), Check(r"fit w \S+ b (\S+)", 1e-5), Check(r"rank loss (\S+)", 1e-5),
        Check(r"(triples \(.*\)) ", 0), Check(r"triples \(.*\) (\S+)", 1e-5),
    ],
    # module hooks (forward, pre, full backward, tensor) on fixed weights, nn.init statistics, flat
    # parameter vectors and in-memory state_dicts: float32 rounding only, the rest exact
    "module_hooks_init.py": [
        Check(r"^((?:gain|kaiming|xavier|orthogonal|trunc|eye|pre hook|after remove|num params|keys|buffers"
              r"|load result|missing|restored|trainable|named children).*)$", 0),
        Check(r"(act \S+ \(.*\)) mean", 0), Check(r"act \S+ \(.*\) mean (\S+)", 1e-4),
        Check(r"grad hook \S+ (\S+)", 1e-4), Check(r"tensor hook (\S+)", 1e-5),
        Check(r"param norm (\S+)", 1e-6), Check(r"grad norm (\S+)", 1e-5), Check(r"doubled (\S+)", 1e-6),
        Check(r"finetune step \d \| loss (\S+)", 1e-5), Check(r"conv grad kept (\S+)", 0),
        Check(r"running_mean \[(\S+),", 1e-3),
    ],
    # metrics on fixed logits (bincount/index_put_/scatter_add_ confusion matrices, topk, unique, bucketize,
    # trapz ROC-AUC) exact; einsum attention on fixed weights to float32 rounding
    "eval_metrics_einsum.py": [
        Check(r"^((?:accuracy|confusion| \[\[|index_put|scatter_add|precision|recall|macro|top3|pred counts"
              r"|hist|matmul|trace|outer|batch dot|tensordot|bmm|addmm|einsum list|att row).*)$", 0),
        Check(r"ece (\S+)", 1e-5), Check(r"^auc (\S+)", 1e-6), Check(r"manual (\S+)", 1e-6),
        Check(r"fpr 0.5 (\S+)", 1e-6), Check(r"nll (\S+)", 1e-5), Check(r" ce (\S+)", 1e-5),
        Check(r"einsum loss (\S+)", 1e-4), Check(r"grad qkv (\S+)", 1e-4), Check(r" out (\S+) bil", 1e-4),
        Check(r" bil (\S+)$", 1e-4),
    ],
    # distributions (Normal/kl, MixtureSameFamily, MultivariateNormal, Laplace, Exponential, LogNormal,
    # Poisson) and parametrized layers (a symmetric weight, weight_norm), all on fixed data and weights
    # the wider distributions (Concrete, Student-t, Gamma VI, low-rank MVN, KL pairs, seeded draws): PyTorch's
    # random streams throughout; the Gamma posterior's gradients differ from PyTorch's approximation by ~1e-4
    "distribution_zoo.py": every_number(1e-4),
    "probabilistic_fit.py": [
        Check(r"elbo (\S+)", 1e-4), Check(r"\| kl (\S+)", 1e-5), Check(r"posterior mean \[(\S+),", 1e-4),
        Check(r"interval \[(\S+),", 1e-3),
        Check(r"^((?:shapes|gmm sample|precision form|diag vs|parametrized|still|assigned|removed).*)$", 0),
        Check(r"^(symmetric \w+) g", 0), Check(r" g \[(\S+),", 1e-5),
        Check(r"gmm step \d+ \| nll (\S+)", 1e-4), Check(r"gmm mean (\S+)", 1e-4),
        Check(r"variance (\S+) cdf", 1e-4), Check(r"mvn log_prob \[(\S+),", 1e-5),
        Check(r"entropy (\S+)$", 1e-5), Check(r"scale_tril diag \[(\S+),", 1e-5),
        Check(r"laplace (\S+) ", 1e-5), Check(r"exponential \[(\S+),", 1e-5),
        Check(r"lognormal (\S+) ", 1e-5), Check(r"poisson \[(\S+),", 1e-5),
        Check(r"param step \d+ \| loss (\S+)", 1e-4), Check(r"cached forward (\S+)", 1e-4),
    ],
    # SequentialLR, ChainedScheduler, warm restarts with fractional epochs, MultiStep/Lambda/Polynomial,
    # ReduceLROnPlateau with a BytesIO checkpoint, CyclicLR and OneCycleLR (with beta1 cycling): the
    # schedules are exact; the losses and clipped norms float32 rounding
    "lr_schedules.py": [
        Check(r"\| loss (\S+) \|", 1e-5), Check(r"\| norm (\S+)", 1e-4),
        Check(r"^((?:seq lrs|chained|warm|multistep|lambda|restored|cyclic|onecycle|sched state"
              r"|plateau final).*)$", 0),
        Check(r"^(plateau epoch .*)$", 0),
    ],
    # torch.func (per-sample gradients, an ensemble, jacrev/hessian, MAML), a spatial transformer
    # (affine_grid/grid_sample with border padding, Adam) and a spectral-normalized critic: fixed weights,
    # data and power-iteration start vectors; float32 rounding grows a little through the STN's steps
    "func_transforms.py": [
        Check(r"^((?:per-sample shapes|per-sample agree|jacrev|batched jacobian).*)$", 0),
        Check(r"per-sample norms \[(\S+),", 1e-5), Check(r"grad_and_value (\S+)", 1e-5),
        Check(r"grad_and_value \S+ (\S+)", 1e-4), Check(r"(ensemble \(.*\)) \S+ \w+", 0),
        Check(r"ensemble \(.*\) (\S+)", 1e-5), Check(r"ensemble .* (\w+)$", 0),
        Check(r"maml meta loss (\S+)", 1e-5), Check(r"maml .* grad (\S+)", 1e-4),
        Check(r"stn step \d+ \| loss (\S+)", 3e-4), Check(r"stn theta mean (\S+)", 3e-4),
        Check(r"critic score (\S+)", 1e-4), Check(r"spectral norms (\S+)", 1e-4),
        Check(r"spectral norms \S+ (\S+)", 1e-4),
    ],
    # physics-informed nets on fixed weights and points: second derivatives through autograd.grad, Adam then
    # LBFGS (strong Wolfe; its second call amplifies float32 rounding, so loosely) and a learnable diffusivity
    "pinn.py": [Check(r"adam iter +\d+ \| loss (\S+)", 1e-4), Check(r"lbfgs step 0 \| loss (\S+)", 2e-3),
                Check(r"lbfgs step 1 \| loss (\S+)", 0.1), Check(r"poisson max error \S+e-(\d+)", 0),
                Check(r"u\(0.5\) (\S+)", 1e-4), Check(r"u''\(0.5\) (\S+)", 1e-3),
                Check(r"heat iter +\d+ \| loss (\S+)", 1e-3), Check(r"\| pde (\S+)", 1e-3),
                Check(r"\| k (\S+)", 1e-3), Check(r"heat .*\| lr (\S+)", 0),
                Check(r"recovered k (\S+)", 1e-3)],
    # exact GP regression in float64 on fixed data: Cholesky marginal likelihood, cholesky_solve/_inverse,
    # solve_triangular, linalg.cond, MultivariateNormal(scale_tril): agreement to ~1e-9
    "gp_regression.py": [Check(r"nll (\S+) \|", 1e-7), Check(r"lengthscale (\S+)", 1e-6),
                         Check(r"outputscale (\S+)", 1e-6), Check(r"\| noise (\S+)", 1e-6),
                         Check(r"(mvn agrees \w+)", 0), Check(r"\| logdet (\S+)", 1e-8),
                         Check(r"slogdet (\S+)", 1e-8), Check(r"from L (\S+)", 1e-8),
                         Check(r"(cholesky_inverse close \w+)", 0), Check(r"cond (\S+)", 1e-6),
                         Check(r"pred mean \[(\S+),", 1e-5), Check(r"pred std  \[(\S+),", 1e-5),
                         Check(r"(covered \d+ of \d+)", 0), Check(r"autograd (\S+) analytic", 1e-6),
                         Check(r"analytic (\S+)", 1e-6), Check(r"blr mean \[\S+, (\S+),", 1e-5),
                         Check(r"same (\w+)", 0), Check(r"blr evidence (\S+)", 1e-8),
                         Check(r"eigvalsh max (\S+)", 1e-8)],
    # RealNVP on fixed moons and weights (float32 rounding grows through the six couplings: 100 steps agree
    # to ~1e-4), a TransformedDistribution flow (exact); the prior's samples share only the seed
    "realnvp.py": [Check(r"trainable (\d+)", 0), Check(r"frozen (\d+)", 0),
                   Check(r"iter \d+: loss = (\S+)", 1e-3), Check(r"inverse error \S+e-(\d+)", 0),
                   Check(r"z mean (\S+)", 2e-2), Check(r"z std (\S+)", 1e-3),
                   Check(r"logdet mean (\S+)", 1e-3), Check(r"priors agree (\w+)", 0),
                   Check(r"bits/dim (\S+)", 1e-3), Check(r"(sample shape \(.*\))", 0),
                   Check(r"mean x (\S+)", 0.2), Check(r"1-d flow step +\d+ \| nll (\S+)", 1e-5),
                   Check(r"scale (\S+) \|", 1e-4), Check(r"loc (\S+)$", 1e-4),
                   Check(r"ExpTransform (\S+)", 1e-6), Check(r"direct (\S+)", 1e-6)],
    # EMA by torch._foreach_* and lerp_, AveragedModel (EMA, custom avg_fn), SWA with SWALR and update_bn on
    # fixed weights and batches: float32 rounding only
    "ema_swa.py": [Check(r"\| model (\S+) ", 1e-4), Check(r"\| ema (\S+) ", 1e-4),
                   Check(r"(foreach == lerp \w+ \| n_averaged \d+ \d+)", 0),
                   Check(r"max diff (\S+) \|", 1e-2), Check(r"ema eval (\S+)", 1e-4),
                   Check(r"buffers averaged (\S+)", 1e-4), Check(r"swa epoch \d \| lr (\S+)", 0),
                   Check(r"swa epoch \d \| lr \S+ \| model (\S+)", 1e-4),
                   Check(r"(n_averaged \d+ \| bn var refreshed \w+ \| momentum restored \S+)", 0),
                   Check(r"swa model (\S+)", 1e-4), Check(r"swa param sum (\S+)", 1e-4),
                   Check(r"(state keys .*)", 0)],
    # SimCLR's NT-Xent (normalize, masked_fill'd similarities, cross_entropy) with numpy-drawn augmentations
    # and fixed weights, a linear probe and k-NN (cdist/topk/mode, scatter_add_): float32 rounding only
    "simclr.py": [Check(r"two forms agree (\w+)", 0), Check(r"nt-xent (\S+)", 1e-4),
                  Check(r"linear probe accuracy (\S+)", 1e-2),
                  Check(r"knn \(euclidean\) accuracy (\S+)", 1e-2),
                  Check(r"knn \(weighted cosine\) accuracy (\S+)", 1e-2), Check(r"alignment (\S+)", 1e-3),
                  Check(r"uniformity (\S+)", 1e-3), Check(r"mean cos to nearest (\S+)", 1e-4)],
    # programs modelled on pytorch/examples and the tutorials, everything fixed (weights, data, draws): the
    # printed numbers agree to float32 rounding, every integer, flag and word exactly
    "super_resolution.py": every_number(1e-5),     # PixelShuffle, orthogonal_ by its properties, PSNR
    "fast_neural_style.py": every_number(1e-5),    # InstanceNorm2d(affine), ReflectionPad2d, Gram by bmm
    # (this and the next few: tolerances for OpenBLAS's AVX2 kernels, which some machines force with
    # OPENBLAS_CORETYPE=Haswell: their float32 products round differently from its AVX-512 ones, and the
    # training these programs run moves the printed numbers 1e-5 to 2e-4 apart, a BN mean near 0 by 1e-5)
    # AdaptiveAvgPool2d, BCELoss, Adadelta, metric losses (atol: the BN running mean)
    "siamese_network.py": every_number(1e-4, atol=2e-5),
    "forward_forward.py": every_number(1e-5),      # layer-local goodness losses on detached inputs
    "mnist_rnn.py": every_number(1e-5),            # LSTM over image rows, packed sequences
    "actor_critic.py": every_number(1e-5),         # Categorical, smooth_l1_loss, returns with std + eps
    "graph_nets.py": every_number(1e-4),           # GCN dense / index_add_, scatter_reduce, GAT masks
    # nn.Transformer with padding masks, label smoothing (1e-4: PyTorch on AVX2 and AVX-512 differs by 7e-5)
    "translation_transformer.py": every_number(1e-3),  # (AVX2 kernels: see siamese_network.py)
    "data_pipeline.py": every_number(1e-5),        # collate, splits and samplers: invariants where random
    "grad_accum_amp.py": every_number(1e-5),       # accumulation, clipping, GradScaler; autocast to 2 digits
    "dqn.py": every_number(1e-5),                  # replay memory, gather, soft target updates
    "bilstm_crf.py": every_number(1e-5),           # forward algorithm and Viterbi in Python loops
    "fgsm_distill.py": every_number(1e-5),         # input gradients, KL distillation
    "vision_transformer.py": every_number(1e-5),   # unfold patches, norm_first GELU encoder, LambdaLR
    "neural_style_lbfgs.py": every_number(1e-6),   # the input image optimized by LBFGS, in float64
    "pruning.py": every_number(1e-5),              # prune: masks, containers, global, custom, remove
    # the basics tutorials; dtypes are compared (printed as torch.float32 under the hook), the BCE loss's
    # grad_fn name is PyTorch's
    "learn_basics.py": every_number(1e-5),
    "fused_conv_bn.py": every_number(1e-5),        # custom Functions, gradcheck, torch.nn.grad
    "imagenet_style.py": every_number(1e-5),       # meters, top-k, checkpoint/resume, DistributedSampler
    # tutorial- and blog-style programs, everything seeded or fixed
    "autoencoder_early_stop.py": every_number(1e-5),  # loader generator across epochs, BytesIO checkpoint
    "d2l_scratch.py": every_number(1e-5),         # d2l from scratch: data_iter, sgd, Accumulator, batch_norm
    # d2l's GRU encoder-decoder, MaskedSoftmaxCELoss, BLEU: exact but for the clipped gradient norms, where
    # float32 rounding grows to ~3e-5 (in float64 every digit agrees)
    # (the last gradient norm: PyTorch's own AVX2 and AVX-512 kernels differ by 3e-4 there)
    "d2l_seq2seq.py": [Check(r"^((?!epoch).*)$", 0), Check(r"\| loss (\S+)", 1e-5),
                       Check(r"last norm (\S+)", 5e-4)],
    "made_flow.py": every_number(1e-5),           # pytorch-made masks and a masked autoregressive flow
    "forward_mode_ad.py": every_number(1e-9),     # forward_ad dual tensors, jvp/jacfwd/hessian, in float64
    "profiler_inference.py": every_number(1e-5),  # profiler labels/schedule, torch.device, inference_mode
    "extending_autograd.py": every_number(1e-9),  # saved outputs, mark_dirty, setup_context, custom_op
    "unfold_einsum.py": every_number(1e-5),       # conv by F.unfold, fold, as_strided, einsum attention
    "annotated_transformer.py": every_number(1e-5),  # the Annotated Transformer's copy task, KLDivLoss, Noam
    "augment_mixup.py": every_number(1e-5),       # transforms as classes, mixup/CutMix with Beta draws, TTA
    "model_surgery.py": every_number(1e-5),       # skip_init, load_state_dict(assign=True), tying, groups
    "feature_hooks.py": every_number(1e-5),       # activation dicts, kwargs/global/backward hooks, Grad-CAM
    "word2vec_sgns.py": every_number(1e-5),       # subsampling, multinomial negatives, SparseAdam
    # torch.compile, checkpoint/checkpoint_sequential, disabled autocast/GradScaler, channels_last, a file
    # checkpoint: every digit agrees in float64; in float32 AdamW grows the rounding to ~3e-3 in three epochs
    "train_boilerplate.py": [Check(r"^((?!epoch|checkpointed).*)$", 0), Check(r"grads match (\w+)", 0),
                             Check(r"grads match \w+ (\S+)", 1e-5), Check(r"\| loss (\S+)", 1e-3),
                             Check(r"\| acc (\S+)", 0.02), Check(r"\| norm (\S+)", 1e-2)],
    # course-notebook tours of the less common API, everything fixed or seeded
    "optimizer_zoo.py": every_number(1e-5),       # every optimizer's options, param groups, resume
    "loss_zoo.py": every_number(1e-5),            # every loss with its options: CTC, Poisson, margins
    "rnn_packing.py": every_number(1e-5),         # pad/pack utilities, proj_size LSTM, masked cells
    "conv1d_signals.py": every_number(1e-5),      # Conv1d options, 1-d pools and unpool, norms, resampling
    "random_draws.py": every_number(1e-5),        # every seeded sampler, Generator objects, init, shuffles
    "attention_masks.py": every_number(1e-5),     # MultiheadAttention's masks and options, decoder masks
    "tensor_wrangling.py": every_number(1e-5),    # unique/sort/scatter/index ops printed, error classes
    "scheduler_zoo.py": every_number(1e-5),       # every lr scheduler epoch by epoch, plateau, resume
    "vision_ops2d.py": every_number(1e-5),        # ConvTranspose2d, resize modes (antialias), pools, U-Net
    "embeddings_tying.py": every_number(1e-5),    # from_pretrained, max_norm, bags, weight tying, clipping
    "python_interop.py": [Check(r"^(.*)$", 0)],   # f-strings, number protocols, numpy interop, deepcopy
    "loader_workers.py": every_number(1e-5),      # num_workers/persistent/seeded loaders, collate_fn_map
    "stats_linalg.py": every_number(1e-5),        # std/var/quantile/cov, solve/lstsq/svd/eigh/qr, k-means
    "default_init.py": every_number(1e-9),        # default init of every layer from the seed, in float64
    "print_dtypes.py": [Check(r"^(.*)$", 0)],     # tensor printing and print options, integer arithmetic
    "model_repr.py": [Check(r"^(.*)$", 0)],       # print(model) of every layer, the container API
    # modern LLM / architecture-from-scratch scripts, everything seeded or fixed
    "llama_scratch.py": every_number(1e-5),       # RMSNorm, real RoPE, SwiGLU, GQA, kv-cache, top-p
    "gpt2_lora.py": every_number(1e-5),           # LLMs-from-scratch GPT-2, top-k generation, LoRA merge
    "mamba_minimal.py": every_number(1e-5),       # selective scan by einsum, minGRU/minLSTM log-space scans
    # noisy top-k router, index_add_ through a view of a plain buffer, ALiBi, sliding-window sdpa masks
    "moe_alibi.py": every_number(1e-5),
    # minGPT's sort demo: decay/no_decay sets by module type, Trainer callbacks, RandomSampler(1e10),
    # torch.compile's _orig_mod; a short run (at its lr, Adam grows float32 rounding past 1e-5 by step 25)
    "mingpt_sort.py": every_number(1e-5),
    "dit_diffusion.py": every_number(1e-5),       # adaLN-Zero DiT, DDPM and CFG sampling, bicubic resize
    "dpo_grpo.py": every_number(1e-5),            # SFT, DPO, GRPO; sdpa_kernel, torch.compiler.disable
    "rwkv_xlstm.py": every_number(1e-5),          # RWKV-4 WKV loop (parallel == RNN mode), sLSTM/mLSTM cells
    "vqvae_codebook.py": every_number(1e-5),      # VQ (straight-through, EMA codebook, restarts), FSQ
    "bert_mlm.py": every_number(1e-5),            # 80/10/10 masking, finfo.min mask, tied MLM head, NSP
    # Lion, Muon (Newton-Schulz) with aux Adam, torch.optim.Muon, Adam-mini, Kahan AdamW; resume
    "custom_optimizers.py": every_number(1e-5),
    "clip_contrastive.py": every_number(1e-5),    # OpenAI CLIP's model.py: ViT, text MHA, zero-shot
    "t5_span.py": every_number(1e-5),             # relative position buckets, span corruption, kv-cache
    # tiled online-softmax attention, beam search, speculative decoding, rolling and int8 kv caches
    "llm_inference.py": every_number(1e-5),
    "peft_methods.py": every_number(1e-5),        # LoRA by parametrize, DoRA, IA3, adapters, soft prompts
    "speedrun_gpt.py": every_number(1e-5),        # modded-nanogpt: rms_norm, QK-norm, enable_gqa, softcap
    "packed_pretraining.py": every_number(1e-5),  # BPE, document masks, chunked loss, left padding
    "mae_pretrain.py": every_number(1e-5),        # models_mae.py: argsort masking, gather unshuffle, norm_pix
    "interp_hooks.py": every_number(1e-5),        # activation cache, induction scores, logit lens, patching
    "yunjey_basics.py": every_number(1e-5),       # from_numpy regression, torch.max(outputs.data, 1)
    # LSTM / bidirectional GRU on rows, ConvNet, deep ResNet; a test accuracy may differ by one image of 120
    # (AVX2 kernels: see siamese_network.py)
    "yunjey_rnn_resnet.py": [*every_number(1e-5, lines=r"^(?!.*test accuracy)"),
                             Check(r"test accuracy (\S+) %", 0.05)],
    "stn_tutorial.py": every_number(1e-5),        # localization net, affine_grid / grid_sample options
    "parametrizations_tutorial.py": every_number(1e-5),  # Symmetric, Skew, matrix_exp, cached, right_inverse
    "autograd_mechanics.py": every_number(1e-5),  # leaves, retain_grad, hooks, in-place after use, grad modes
    "ntk_functional.py": every_number(5e-5),      # NTK by jacrev/vmap and vjp/jvp, per-sample grads, jacobian
    "pos_tagger.py": every_number(1e-5),          # LSTM results printed (grad_fn names), taggers
    "d2l_cnn_blocks.py": every_number(1e-5),      # VGG/NiN/Inception/Residual/Dense blocks, shape walks
    "d2l_attention.py": every_number(1e-5),       # masked_softmax, additive/dot/multi-head, Bahdanau, BLEU
    "d2l_rnn_scratch.py": every_number(1e-5),     # RNN/GRU/LSTM with parameter lists, one_hot, grad_clipping
    "dlwpt_temperature.py": every_number(1e-5),   # strides, scatter_ one-hot, hand derivatives, randperm
    "fastai_learner.py": every_number(1e-5),      # callback Learner, LR finder, histc hooks, hand-made norms
    "blitz_classifier.py": every_number(1e-5),    # the blitz: next_functions, f.data.sub_, class accuracy
    "d2l_builders_guide.py": every_number(1e-5),  # MySequential, nested blocks, init by apply, tying, I/O
    "dlwpt_cnn.py": every_number(1e-5),           # the book's Net variants, hand L2, shared ResBlocks
    "custom_datasets.py": every_number(1e-5),     # dict samples, transform classes, collate, splits, samplers
    "yunjey_lm_caption.py": every_number(1e-5),   # LSTM LM, multinomial sampling, packed captioning
    # the Zero to Mastery course (learnpytorch.io) and the UvA deep learning tutorials, seeded or fixed
    "ztm_fundamentals.py": every_number(1e-5),    # 00/01: keyword factories, shape errors, L1Loss workflow
    "ztm_classification.py": every_number(5e-5),  # 02: circles/blobs/spirals (losses to 5 digits: a flip)
    "ztm_computer_vision.py": every_number(1e-5),  # 03: TinyVGG, unbatched Conv2d, eval_model, confusion
    "ztm_going_modular.py": every_number(1e-5),   # 04/05: ImageFolderCustom on .npy files, engine.train
    "ztm_vit.py": every_number(1e-5),             # 08: patch embedding by Conv2d, custom block == PyTorch's
    # rasbt/LLMs-from-scratch: tokenizer, GPT, warmup+cosine+clipping, top-k, KV cache, finetuning, LoRA
    "llms_from_scratch_gpt.py": every_number(1e-5),
    # scripts52: older teaching material (PyTorchZeroToAll, NYU-DLSP20, FastCampus, Dive-into-DL-PyTorch)
    "legacy_tutorial_idioms.py": every_number(1e-5),  # Tensor(t) aliases, resize_, scratch regressions
    "uva_activations_init.py": every_number(1e-5),  # activations' gradients, inits, hand-written optimizers
    # Inception/ResNet/PreAct/DenseNet blocks: four SGD steps agree to ~2e-6, the BatchNorm nets in eval mode
    # (running statistics of four steps) carry that rounding to ~1e-4
    "uva_cnn_blocks.py": every_number(2e-4),
    "uva_transformer.py": every_number(1e-5),     # qkv_proj heads, _LRScheduler subclass, reverse task
    "uva_gnn.py": every_number(1e-5),             # GCN/GAT layers by bmm, nonzero, index_select, einsum
    "uva_ebm.py": every_number(1e-5),             # Langevin sampling through .data/.grad, replay buffer
    "uva_flows.py": every_number(1e-5),           # dequantization, checkerboard couplings, squeeze/split
    "uva_pixelcnn.py": every_number(1e-5),        # masked convs re-masked in place, receptive fields
    "uva_meta_learning.py": every_number(1e-5),   # few-shot batch sampler, ProtoNet, first-order ProtoMAML
    # progs9: more sources and everyday idioms, everything seeded or fixed
    "llmfs_finetune.py": every_number(1e-5),        # LLMs-from-scratch ch03 attention, ch06/ch07 finetuning
    "training_utils.py": every_number(1e-5),        # seed_everything, hook summary, EarlyStopping, resume
    "metrics_by_hand.py": every_number(1e-5),       # stateful metrics: confusion, kappa, AUROC, nDCG, SSIM
    "ppo_sac.py": every_number(1e-5),               # CleanRL PPO (GAE, clipped losses), SAC (tanh Gaussian)
    "sklearn_wrapper.py": every_number(1e-5),       # get/set_params, clone, CV, grid search, pickle
    "labml_blocks.py": every_number(1e-5),          # capsules, gMLP, AFT-local, hand norms, Mixer/ConvMixer
    "hooks_tutorials.py": every_number(1e-5),       # optimizer-in-backward, saved-tensor and state hooks
    "llmfs_pretrain.py": every_number(1e-5),        # ch05 temperature, numpy weight loading, appendix D
    "nlp_tutorials.py": every_number(1e-5),         # BoW, N-gram LM, CBOW, conditional char-RNN names
    "tcn_forecast.py": every_number(1e-4),  # unfold windows, weight_norm TCN, DeepAR, N-BEATS (AVX2: siamese)
    "detection_utils.py": every_number(1e-5),       # box IoU/GIoU, NMS, anchors, focal loss, Dice
    "gan_objectives.py": every_number(1e-5),        # cGAN objectives, spectral_norm, R1, EMA (float64)
    "metric_learning_kd.py": every_number(5e-5),    # triplet, ArcFace, KD tutorial (a last-digit flip)
    "optimizer_wrappers.py": every_number(1e-5),    # SAM/ASAM, timm Lookahead, AGC, LARS, centralization
    "recsys_mf.py": every_number(1e-5),             # MF, BPR, NeuMF, FM with weighted EmbeddingBag
    "uncertainty.py": every_number(1e-5),           # MC dropout, Bayes by Backprop, temperature scaling
    "crnn_ctc.py": every_number(1e-5),              # CRNN + CTCLoss, greedy and beam decoding (float64)
    "hf_style_finetune.py": every_number(1e-5),     # ModelOutput dataclass, extended mask, save_pretrained
    "vae_variants.py": every_number(1e-5),          # Independent posteriors, free bits, IWAE, register_kl
    "transfer_learning.py": every_number(1e-5),     # the tutorial's train_model, fine-tune vs frozen backbone
    # progs10b: PyTorch's recipes and training-script utilities, seeded or fixed (float32 sums flip a last
    # digit at most: 1e-5 covers the ~1e-7 differences measured; the float64 programs agree to ~1e-15)
    "per_sample_grads.py": every_number(1e-5),      # vmap(grad) over functional_call, DP-SGD, BatchNorm off
    "model_ensembling.py": every_number(1e-5),      # stack_module_state, vmap'd ensemble trained by Adam
    "double_backward_custom.py": every_number(1e-9),  # custom Functions' double backward, gradcheck options
    "saving_loading_recipes.py": every_number(1e-5),  # several models in one file, warmstart, resume, RNG
    "zeroing_gradients.py": every_number(1e-5),     # set_to_none, accumulation, grads skipped, retain_grad
    "samplers_collate.py": every_number(1e-5),      # samplers' indices, pad_sequence collate, buckets
    "clip_monitor_norms.py": every_number(1e-5),    # clip_grad_norm_ orders, weight_norm, spectral_norm
    "init_groups_schedulers.py": every_number(1e-5),  # nn.init by apply, no-decay groups, LR schedules
    "linalg_newton_lbfgs.py": every_number(1e-9),   # linalg solvers, cholesky_ex jitter, Newton, LBFGS
    "seq_tagger_packed.py": every_number(1e-5),     # packed bidirectional GRU/LSTM, ignore_index, forcing
    # progs10a: modern architectures and vision as written in the wild, everything seeded
    "convnext_tiny.py": every_number(1e-5),         # depthwise 7x7, permuted LayerNorm, drop path
    "unet_segmentation.py": every_number(1e-5),     # ConvTranspose2d/pad/cat skips, BCE + Dice
    "mobilenet_efficientnet.py": every_number(1e-5),  # inverted residual, SE, BN freeze, fusion
    "swin_window_attention.py": every_number(1e-5),  # windows, relative bias index, roll, mask
    "pointnet_cloud.py": every_number(1e-5),        # T-Nets (Conv1d k=1, max over points), bmm regularizer
    "wgan_gp_toy.py": every_number(1e-5),           # gradient penalty (create_graph), critic iters, clipping
    "ddpm_annotated.py": every_number(1e-5),        # beta schedules, extract(), q_sample, ancestral sampling
    "message_passing_gnn.py": every_number(1e-5),   # GCN/GAT/SAGE by index_add_, scatter softmax, DropEdge
    "capsnet_routing.py": every_number(1e-5),       # squash, 5-D matmul u_hat, routing, margin loss
    # embeddings + BatchNorm1d, OneCycleLR, rank AUC, K-fold; 2e-3: minigrad on numpy/OpenBLAS's AVX2 kernels
    # drifts 8e-4 from its AVX-512 self by the last epochs (an AUC rank flip), PyTorch's builds agree
    "tabular_embeddings.py": every_number(2e-3),
    # progs11: training scripts as written in the wild, everything seeded (1e-5: a last-digit flip)
    "neural_ode_spiral.py": every_number(1e-5),     # RK4/Euler loops over a vector field, backprop through
    "bayes_regression.py": every_number(1e-5),      # Bayes by Backprop (mixture prior, MC KL), MC dropout
    # float64 runs agree exactly; in float32 Adam at lr 1e-2 passes a sharp stretch (epochs 50-90) that
    # grows the rounding difference to 5e-5 before it shrinks again
    "mixture_density.py": every_number(1e-4),       # MDN logsumexp NLL, multinomial + normal sampling
    # training agrees to a last digit (7e-5 measured); the 24-step autoregressive rollout feeds its own
    # predictions back and grows that to 6e-4 (with dropout 0: 5e-5)
    "transformer_forecast.py": every_number(1e-3),  # unfold windows, causal TransformerEncoder, MAPE, rollout
    "kim_cnn_sentiment.py": every_number(1e-5),     # Counter vocab, pad_sequence, Conv1d widths, max-pool
    # pad/crop/flip by hand, label smoothing, Nesterov, top-5; 1e-3: on numpy/OpenBLAS's AVX2 kernels
    # minigrad's test loss of the barely trained epoch 2 moves 3e-4 (PyTorch's AVX2 and AVX-512 builds agree)
    "cifar_resnet_aug.py": every_number(1e-3),
    "anomaly_autoencoder.py": every_number(1e-5),   # quantile threshold, ROC-AUC by sort/cumsum, Deep SVDD
    "keras_style_trainer.py": every_number(1e-5),   # fit/predict, EarlyStopping, BytesIO ckpt, LR finder
    # progs12: training scripts with PyTorch idioms not exercised before, everything seeded
    # spikes are threshold-chaotic in float32, so the program trains in float64: every digit agrees
    "snn_surrogate.py": every_number(1e-9),         # surrogate-gradient Functions, LIF neurons, rate codes
    # fake_quantize ops, STEs, LSQ; the rest agrees to a last digit, but the QAT epochs' test losses pass
    # a 4-bit LSQ quantizer (step 0.5), where one activation's rounding flip moves the loss 7.5e-4 (measured)
    "qat_fake_quant.py": [*every_number(1e-5, lines=r"^(?!qat epoch)"),
                          *every_number(2e-3, lines="^qat epoch")],
    # SIREN, positional encoding, Gaussian Fourier features; float64 runs agree to every digit, in float32
    # the Gaussian-feature MLP's fast Adam descent (loss 0.32 -> 0.016 in 40 steps) grows rounding to 2.5e-4
    "siren_fourier_fit.py": [*every_number(1e-5, lines="^(?!gauss)"), *every_number(1e-3, lines="^gauss")],
    # (float64: every digit; float32 over 41 steps: a last digit. Past ~50 steps Adam on the near-uniform
    # 64-class outputs grows rounding to 6e-5 and flips argmax near-ties, so the run stops at 41)
    "wavenet_gated.py": every_number(1e-5),         # mu-law, causal dilated Conv1d, gated units, sampling
    "gumbel_vae.py": every_number(1e-5),            # F.gumbel_softmax soft/hard/dim, ST trick, annealing
    # momentum teachers (MoCo's mul_/add_, _foreach_mul_/add_, _foreach_lerp_), BYOL and DINO losses: the
    # numbers agree to a last digit, but the barely trained embeddings are nearly parallel (cosines 0.999)
    # and the kNN accuracies' top-5 neighbours tie to 1e-7: one query of 200 flips (0.8%; measured)
    "byol_dino.py": [*every_number(1e-5, lines="^(?!.*knn acc)"),
                     Check(_FLOAT, 2e-2, lines="knn acc"), Check(_WORDS, 0, lines="knn acc")],
    "kg_embeddings.py": every_number(1e-5),         # TransE (max_norm, renorm_), DistMult, ComplEx, MRR
    "neural_ca.py": every_number(1e-5),             # depthwise Sobel perception, circular pads, alive masks
    "set_transformer.py": every_number(1e-5),       # Deep Sets, ISAB/PMA on MultiheadAttention, masks
    # PGD (linf, l2), free adversarial training, TRADES; in float64, as sign() of near-zero gradients flips
    # under float32 rounding (float32 runs part after a few attack steps)
    "pgd_adversarial.py": every_number(1e-9),
    # split/view weights, F.linear, functional_call, baddbmm (float64: every digit; at Adam lr 1e-3 a loss
    # spike at step 110 grew float32 rounding to 1e-2, so 5e-4). 1e-4: PyTorch's own AVX2 and AVX-512 builds
    # part by 9e-5 on the learned embedding (measured; minigrad agrees with each to a last digit)
    "hypernet_functional.py": every_number(1e-4),
    "kmeans_knn.py": every_number(1e-5),            # k-means++, index_add_/scatter_add_ centroids, kNN votes
    "performer_linear_attention.py": every_number(1e-5),  # FAVOR+ (qr, Generator), ELU+1, causal cumsum
    "rdrop_focal_smoothing.py": every_number(1e-5),  # label smoothing forms, focal, poly, R-Drop, ECE
    # nn.ReLU(inplace=True) & co. in a CNN and an MLP (float64, fixed weights): y is x, versions, grad_fn
    # names, SGD losses; the in-place and requires_grad errors
    "inplace_activations.py": every_number(1e-7),
    # progs13: research-script and tutorial styles not covered before, everything seeded or fixed
    "sinkhorn_ot.py": every_number(1e-5),           # Sinkhorn (kernel/log), 1-d/sliced W, soft ranks
    "deq_implicit.py": every_number(1e-5),          # fixed points, Anderson (batched solve), hook grad
    "hamiltonian_nn.py": every_number(1e-5),        # HNN/LNN by autograd.grad create_graph, HMC
    # perplexity binary search, exaggeration, momentum + gains; the gains' sign tests make the descent
    # chaotic past ~160 iterations even in float64 (4e-6 at 200), so the run stops at 150
    "tsne_torch.py": every_number(1e-5),
    "learning_to_rank.py": every_number(1e-5),      # RankNet, ListNet, ListMLE, LambdaRank, NDCG
    # Cox by logcumsumexp, C-index, KM, pinball loss, CQR; float64: Adam's first sign-like steps on the
    # pinball loss's kinks grow float32 rounding to 1e-4 in ten steps
    "survival_quantile.py": every_number(1e-5),
    "multitask_pcgrad.py": every_number(1e-5),      # uncertainty weights, GradNorm, PCGrad, MGDA
    "continual_fedavg.py": every_number(1e-5),      # EWC Fisher, replay, FedAvg/FedProx, model soup
    "sparse_autoencoder.py": every_number(1e-5),    # unit-norm decoder, TopK, resampling, ghost grads
    "micrograd_check.py": every_number(1e-9),       # micrograd's Value tests against torch
    "tensor_puzzles.py": every_number(0),           # Tensor Puzzles, then the library ops printed
    "ntm_memory.py": every_number(1e-5),            # NTM addressing (cosine, roll shift), copy task
    "kalman_filter.py": every_number(1e-5),         # KF/RTS, MLE through the filter, EKF, PF
    "glm_count_models.py": every_number(1e-5),      # Gamma/Beta/Dirichlet MLE, NB/ZIP, special fns
    "rare_layers_lm.py": every_number(1e-5),        # AdaptiveLogSoftmax, relu RNN, margin losses
    # OpenAI-ES (antithetic, rank shaping), CMA-ES (sampled by Cholesky: eigenvector signs are LAPACK's
    # choice, and PyTorch's MKL and numpy's OpenBLAS choose differently), cross-entropy method
    "evolution_strategies.py": every_number(1e-5),
    # rays, posenc, volume rendering, sample_pdf; float64: the last interval's 1e10 length makes alpha
    # 0 or 1 by a density at relu's kink, so float32 rounding flips samples (2e-4 by iteration 10)
    "tiny_nerf.py": every_number(1e-5),
    # einsum one-layer transformer, AdamW wd 1, Fourier basis; float64: in float32 an MLP unit crosses
    # relu's kink at epoch 92 under one library's rounding only, and the runs part by 1e-3
    "grokking_modular.py": every_number(1e-5),
    "neural_processes.py": every_number(1e-5),      # CNP, latent NP (kl_divergence), attentive NP
    "glove_ppmi.py": every_number(1e-5),            # index_put_(accumulate), PPMI + SVD, GloVe
    "hopfield_memory.py": every_number(1e-5),       # Hebbian/projection rules, dense and modern Hopfield
    "diff_physics.py": every_number(1e-5),          # unrolled simulators: projectile, springs, soft contact
    "bayes_opt.py": every_number(1e-5),             # Matern GP by cholesky, EI/UCB, gradient-refined EI, TS
    # progs14: beginner-tutorial and course-notebook styles, printing whole tensors; all seeded
    "quickstart_loop.py": every_number(1e-5),       # Learn the Basics loop, f"{100*correct:>0.1f}%", BytesIO
    "tensor_basics_print.py": every_number(0),      # reprs of dtypes/shapes, numpy bridge, named tuples
    "tensor_views_indexing.py": every_number(0),    # views/strides, gather/scatter, printoptions, specials
    "autograd_tutorial_prints.py": every_number(1e-6),  # grad_fn names, backward(v), retain_graph, hooks
    # ztm-style f"{loss}" prints the float32 mean's 17 digits: the reduction order differs by an ulp
    "regression_mse.py": every_number(1e-5),
    "confusion_classifier.py": every_number(1e-5),  # CE/Adam, bincount/index_put_ confusion, P/R/F1
    "module_containers.py": every_number(1e-5),     # ModuleList/Dict, ParameterList/Dict, state_dict print
    "lr_scheduler_epochs.py": every_number(1e-5),   # get_last_lr() per epoch for 15 schedulers, Plateau
    "init_statistics.py": every_number(1e-5),       # nn.init.* statistics and small weights printed whole
    "clip_early_stop.py": every_number(1e-5),       # clip_grad_norm_ totals, deepcopy(state_dict()) restore
    "rnn_shapes_tutorial.py": every_number(1e-5),   # RNN/LSTM/GRU shapes, cells vs layers, packing
    "cnn_shapes_tutorial.py": every_number(1e-5),   # conv output sizes, Sobel kernels, hook summary table
    "logistic_bce_tutorial.py": every_number(1e-5),  # hand-written logistic regression, BCE forms
    "optimizer_basics.py": every_number(1e-5),      # print(optimizer), param_groups, state_dict, 11 optims
    "nn_really_steps.py": every_number(1e-5),       # "What is torch.nn really?" step by step
    "grad_fn_prints.py": every_number(1e-5),        # print(loss) of 20 losses, ops' grad_fn names, Parameters
    "train_eval_modes.py": every_number(1e-5),      # Dropout/BatchNorm train vs eval, running stats, device
    "tabular_regression.py": every_number(1e-5),    # standardise, MLP RMSE/R^2, permutation importance
    "image_tensor_prep.py": every_number(1e-5),     # HWC->CHW, channel mean/std, (un)normalise, uint8, histc
    "kfold_cv.py": every_number(1e-5),              # tensor_split folds, SubsetRandomSampler, weight resets
    # progs15: the less travelled API, printed whole; everything fixed or seeded
    "volumetric_cnn3d.py": every_number(1e-5),      # Conv3d/ConvTranspose3d options, 3-d pools/unpool/pads
    "activation_zoo.py": every_number(1e-5),        # celu/selu/glu/shrinks/threshold, in-place forms, grads
    "pointwise_math_tour.py": every_number(1e-5),   # atan2/hypot/frexp/ldexp/nextafter/gcd/igamma/..., grads
    "dtype_promotion_views.py": every_number(0),    # mixed-dtype results, // and % signs, writes via views
    "lazy_modules_buffers.py": every_number(1e-5),  # Lazy* modules, nn.Buffer, get_submodule, RNNCellBase
    "linalg_products_qr.py": every_number(1e-9),    # addmv/addr/addbmm, geqrf/ormqr, lu_unpack (float64)
    "scatter_split_ops.py": every_number(0),        # index_reduce, *_scatter, put_, nanmedian, h/v/dsplit
    "distribution_transforms.py": every_number(1e-5),  # transforms, biject_to, FisherSnedecor, GPD, InvGamma
    "pooling_indices_shuffle.py": every_number(1e-5),  # pools with indices + unpool, lp/fractional, shuffles
    "reprs_and_infos.py": every_number(1e-5),       # reprs of uncommon modules/optimizers, finfo, grad_fns
    "signal_windows_fir.py": every_number(1e-5),    # windows, windowed-sinc FIR by conv1d, histogram(dd)
    "dropout_variants_seeded.py": every_number(1e-5),  # dropout1d/2d/3d, alpha/feature-alpha, MC dropout
    "tensor_attributes_memory.py": every_number(0),  # strides/offsets, storage sizes, type(), is_set_to
    "nn_utils_func_extras.py": every_number(1e-5),  # fusers, parametrize transfer, linearize, vmap
    "image_warping_resize.py": every_number(1e-5),  # grid_sample modes x pads, affine registration, resizing
    "nan_sort_search.py": every_number(0),          # sort/topk/mode/unique/median with nan/inf, searchsorted
    "module_api_checkpoint.py": every_number(1e-5),  # named_* with sharing, load_state_dict reports, BytesIO
    "soft_target_losses.py": every_number(1e-5),    # print(loss) of soft/2-d targets, CTC, distillation
    "autograd_api_extras.py": every_number(1e-6),   # functional jacobians, grad options, hooks, Function
    "norm_layers_embeddings.py": every_number(1e-5),  # BN momentum=None, IN stats, RMSNorm, LRN, bags
    "weight_spectra_lowrank.py": every_number(1e-5),  # svd/qr/eigh/slogdet/lu of weights printed with grad_fn
    "decoder_layer_prints.py": every_number(1e-5),  # upsampling/pooling/fold/warp outputs with grad_fn
    # progs16: seeded, so every printed number; 1e-4 where several optimizer steps compound float32 rounding
    "beam_search_decode.py": every_number(1e-4),    # GRU+attention, greedy/top-k/top-p/beam search, gather
    "mha_options_tour.py": every_number(1e-4),      # MHA masks/kdim/unbatched, nn.Transformer
    "printoptions_tour.py": every_number(0),        # set_printoptions variants, summarization, dtypes' reprs
    "legacy_fcn_segmentation.py": every_number(1e-4),  # Variable, old nn.init names, NLLLoss2d, upsample
    "image_numpy_bridge.py": every_number(1e-4),    # uint8 images/int32 labels from numpy keep dtypes
    "grad_norm_monitoring.py": every_number(1e-4),  # per-layer norms, clipping forms, accumulation, scaler
    "contrastive_metric_losses.py": every_number(1e-4),  # InfoNCE/NT-Xent/SupCon/triplet/ArcFace/ProtoNet
    "dataset_plumbing_tour.py": every_number(0),    # IterableDataset/Chain/Concat/Stack, samplers, collate
    "grad_mode_decorators.py": every_number(1e-5),  # no_grad/enable_grad/inference_mode decorators, EMA
    "ranking_counting_ops.py": every_number(1e-6),  # stable sorts, unique, bincount, histc, int arithmetic
    "inplace_masked_training.py": every_number(1e-4),  # bool-mask writes, pruned slices, version errors
    "numerics_masks_bce.py": every_number(1e-5),    # -inf masks, nan_to_num, BCE at saturation, xlogy
    "segmentation_losses.py": every_number(1e-5),   # (N,C,H,W) CE options, Dice/Tversky/focal, OHEM
    "bidir_packed_rnn_tagger.py": every_number(1e-4),  # 2-layer bi-LSTM/GRU, packed unsorted, learned h0
    "einops_by_hand.py": every_number(1e-5),        # patchify/windows/heads by view+permute, einsum forms
    "func_ensembles_per_sample.py": every_number(1e-5),  # per-sample grads, ensembles, jacobians, hvp
    "gcn_numpy_edges.py": every_number(1e-4),       # GCN by index_select/scatter_add/scatter_reduce
    "tensor_storage_strides.py": every_number(0),   # storage() printed/indexed/written, strides, offsets
    # progs17: seeded, so every printed number
    "seq2seq_gru_teacher.py": every_number(1e-4),   # packed bi-GRU encoder, teacher forcing by torch.rand
    "char_rnn_generate.py": every_number(1e-4),     # LSTMCell TBPTT, temperature/top-k/top-p, Generator
    "transformer_encdec_copy.py": every_number(1e-4),  # nn.Transformer norm_first, masks, tied head, greedy
    # minigrad's assert_close report adds a "Worst element" line after PyTorch's on purpose (docs/testing.md)
    "testing_assert_close.py": every_number(1e-5, lines=r"^(?!Worst element)"),  # + gradient/renorm/cross
    "blas_alpha_beta.py": every_number(1e-4),       # addmm/baddbmm/addbmm/addr alpha-beta, tensordot, einsum
    "segment_reduce_ops.py": every_number(1e-4),    # scatter_reduce include_self grads, index_* ops, where
    "vi_distributions_loop.py": every_number(1e-4),  # dist reprs, Bayes by backprop, mean-field/MVN ELBO
    "module_registry_tour.py": every_number(1e-5),  # container edits, buffers, strict=False, tying, reprs
    # float64 Rosenbrock: LBFGS's steps there amplify float32 rounding into different paths
    "param_groups_lbfgs.py": every_number(1e-4),    # groups, add_param_group, state_dict, LBFGS searches
    "pad_fold_patches.py": every_number(1e-4),      # F.pad modes/dims/grads, pad modules, unfold/fold
    "data_splits_sampling.py": every_number(1e-4),  # random_split fractions, samplers, imbalanced sampling
    "packed_attention_masks.py": every_number(1e-4),  # pack/unpack round trips, MHA mask combos, SDPA
    "lr_schedules_swa_custom.py": every_number(1e-5),  # LRScheduler subclass, restarts, cyclic, SWA/EMA
    "parametrize_prune_hooks.py": every_number(1e-5),  # parametrizations, pruning, every hook kind
    "print_magnitudes_sums.py": every_number(0),    # print() of awkward magnitudes/dtypes, summaries
    "func_signed_zeros.py": every_number(1e-5),     # torch.func printed whole, Newton (jacfwd), PINN (jacrev)
    "checkpointed_blocks.py": every_number(1e-5),   # checkpoint grad_fns, dropout replay, sequential
    # progs18: beginner material as written, dtypes/devices/type() printed; seeded, so every line verbatim
    "basics_tensors_tutorial.py": [Check(r"^(.*)$", 0)],   # Learn the Basics tensors + the blitz's
    "tensors_deeper_tutorial.py": [Check(r"^(.*)$", 0)],   # intro series: seeds, broadcasting, out=, id()
    "autograd_basics_tutorial.py": [Check(r"^(.*)$", 0)],  # Learn the Basics/blitz/intro autograd pages
    # numpy's float32 exp is an ulp from PyTorch's on some inputs (exp(12.)): printed digits within 1e-6
    "d2l_preliminaries.py": every_number(1e-6),           # d2l ch. 2: cells' tuples, id() checks, autograd
    "ztm_tensor_datatypes.py": [Check(r"^(.*)$", 0)],      # ZTM 00: dtypes, conversions, reshapes
    "tensor_info_dtypes.py": [Check(r"^(.*)$", 0)],        # tensor_info helper, finfo/iinfo, promotion table
    # minigrad frees a node's edges at backward (the engine drops its inputs): next_functions of the
    # loss printed after g.backward() is then empty, PyTorch's keeps them (left to the engine's owner)
    "micrograd_lecture_torch.py": [Check(r"^(.*)$", 0, lines=r"^(?!AddBackward0 \[)")],
    "types_of_everything.py": [Check(r"^(.*)$", 0)],       # type()/isinstance of tensors, layers, optims
    "basics_buildmodel_tutorial.py": every_number(1e-5),  # Build model/Optimization/Save & Load pages
    # .item() prints float32's 17 digits: exp's and row sums' last bits differ (numpy's kernels), 20 steps
    "makemore_part1_cells.py": every_number(1e-4),  # counts, Generator + multinomial, one_hot, W.grad
    # progs19: seeded, so every printed number
    "makemore_wavenet_layers.py": every_number(1e-5),  # hand layers, FlattenConsecutive, histogram, ud
    "llmfs_kvcache_gqa.py": every_number(1e-5),     # shortcut grads, llama3 RoPE, GQA, KV cache, top-k
    "custom_function_ctx_flags.py": every_number(1e-5),  # mark_non_differentiable, materialize, mark_dirty
    "miniai_learner_hooks.py": every_number(1e-5),  # callbacks, Hooks, BytesIO state dicts, func.grad
    "packed_rnn_states_tagger.py": every_number(1e-5),  # padding_side, unsorted packs' states, tagger
    "inference_mode_pitfalls.py": every_number(1e-5),  # inference tensors saved for backward, sdpa_kernel
    "tensor_creation_helpers.py": [Check(r"^(.*)$", 0)],   # arange/linspace/full/eye/tril, *_like, new_*
    "transformer_padding_masks.py": every_number(1e-5),  # key padding masks, fast-path zeros, copy task
    "scheduler_loops_get_last_lr.py": every_number(1e-5),  # OneCycle, warm restarts by fractions, plateau
    "init_generators_collate.py": every_number(1e-5),  # nn.init/draws with a Generator, default_collate
    "tying_checkpointing_utils.py": every_number(1e-5),  # tied head, checkpoint replays, nn.utils helpers
    "cyclegan_espcn_blocks.py": every_number(1e-5),  # reflection pads, instance norm, pixel shuffle, einsum
    # progs20: seeded, so every printed number (timings are never printed, only their structure)
    "recipe_reproducibility_timer.py": [Check(r"^(.*)$", 0)],  # seeds, rng state, benchmark.Timer/Compare
    "recipe_state_dict_warmstart.py": every_number(1e-5),  # state_dict recipes, extra state, load hooks
    "d2l_optimization_algorithms.py": every_number(1e-5),  # gd..adam/yogi by hand vs torch.optim, schedules
    "d2l_modern_rnns.py": every_number(1e-5),      # stacked/bidirectional GRU by hand vs nn.GRU, beam search
    "d2l_computational_performance.py": every_number(1e-5),  # jit.script, allreduce/split_batch by hand
    "persson_bilstm_sentiment.py": every_number(1e-5),  # vocab, pad/pack, BiLSTM hidden[-2:], checkpoints
    "persson_yolo_utils.py": every_number(1e-5),   # IoU, NMS, mAP, cellboxes, YoloLoss
    "persson_resnet_bottleneck.py": every_number(1e-5),  # ResNet50/101 bottlenecks, counts, float64 training
    "ppl_mcmc_svi.py": every_number(1e-5),         # conjugate Beta, MH, HMC, importance sampling, SVI
    "ssl_barlow_vicreg_moco.py": every_number(1e-5),  # Barlow Twins, VICReg, MoCo queue, InfoNCE, probe
    "graph_scatter_pagerank_gat.py": every_number(1e-5),  # PageRank, components, GAT/GIN by scatter ops
    "numeric_utility_idioms.py": [Check(r"^(.*)$", 0)],  # where/clamp/bucketize/searchsorted/cdist/unique...
    "print_grad_fn_zoo.py": [Check(r"^(.*)$", 0)],  # ~120 grad_fn names, dtypes, layer reprs, state_dict keys
    "kaggle_tabular_kfold_ckpt.py": every_number(1e-5),  # stratified folds, OneCycle, early stopping, OOF
    "seq2seq_luong_variants.py": every_number(1e-5),  # dot/general/concat attention, masked NLL, greedy
    # progs22: seeded, so every printed number (Adam runs use a larger eps or SGD where a first normalized
    # step would turn float32 rounding in near-zero gradients into full-size updates)
    "lwpe_polynomial_variants.py": every_number(1e-5),  # Learning PyTorch with Examples, every variant
    "optimizer_in_backward_saved_hooks.py": every_number(1e-5),  # post-accumulate-grad steps, saved hooks
    "d2l_linear_networks.py": every_number(1e-5),   # d2l ch. 3-5: LazyLinear, weight decay, k-fold log_rmse
    "lightning_style_loops.py": every_number(1e-5),  # Trainer/callbacks by hand, toggled manual GAN steps
    "state_dict_surgery_assign.py": every_number(1e-5),  # prefix/rename/widen, strict=False, assign=True
    "norm_reparam_critic.py": every_number(1e-5),   # spectral/weight norm both APIs, clipping, orthogonal
    "func_functional_training.py": every_number(1e-5),  # torch.func training, ensembles, DP-SGD, Gauss-Newton
    "scheduler_resume_warmup.py": every_number(1e-5),  # warmup+cosine resumed, chained, plateau on accuracy
    "dann_grad_reversal_hooks.py": every_number(1e-5),  # gradient reversal Function, module/tensor hooks
    "awd_lstm_tricks.py": every_number(1e-5),       # embedding/locked/weight drop, AR/TAR, NT-ASGD
    "bucket_sampler_collate.py": every_number(1e-5),  # bucketing batch_sampler, left padding, packs
    "mixed_float64_science.py": every_number(1e-5),  # default dtype switches, promotion, RK4 fit
    "kd_tutorial_variants.py": every_number(1e-5),  # the distillation tutorial: soft targets, hints
    "reptile_lookahead_clones.py": every_number(1e-5),  # deepcopied learners: Reptile, FOMAML, Lookahead
    # progs23: seeded, so every printed number
    "lstm_window_forecaster.py": every_number(1e-5),  # hand StandardScaler, unfold windows, LSTM proj_size
    "tabular_dict_modules.py": every_number(1e-5),  # ModuleDict/ParameterDict, non-persistent buffers
    "waveform_conv1d_classifier.py": every_number(1e-5),  # hand DFT features, dilated/grouped Conv1d
    "ebm_flow_grad_penalty.py": every_number(1e-5),  # score matching, Langevin, planar flow log-dets
    "mf_recommender_index_batches.py": every_number(1e-5),  # biases, max_norm, EmbeddingBag modes, BPR
    "gmm_em_vs_gradient.py": every_number(1e-5),  # EM by hand vs MixtureSameFamily by Adam, BIC
    "imbalanced_loader_pipeline.py": every_number(1e-5),  # split, weighted/subset samplers, early stop
    "ft_transformer_tabular.py": every_number(1e-5),  # feature tokenizer, [CLS], ReGLU, no-decay groups
    "pointnet2_set_abstraction.py": every_number(1e-5),  # FPS, ball query by sort, 3-NN interpolation
    "clip_zero_shot_eval.py": every_number(1e-5),  # causal mask by triu_, EOT pooling, logit_scale clamp
    "nystromformer_landmarks.py": every_number(1e-5),  # segment-mean landmarks, iterative pinv, res conv
    # the sparsemax run's support sets flip on float32 rounding (each flip moves Adam's path), so its
    # training numbers are checked loosely, the entmax run's (which drifts less) to 2e-3; the functions,
    # their gradients and gradchecks to rounding
    "tabnet_sparsemax_entmax.py": [
        Check(_FLOAT, 1e-5, lines=_TABNET_EXACT), Check(_WORDS, 0, lines=_TABNET_EXACT),
        Check(r"sparsemax epoch \d loss (\S+)", 0.05), Check(r"sparsemax acc (\S+)", 0.05),
        # (with OpenBLAS's AVX2 kernels the sparsemax run's importances move by up to 0.05 and its
        # accuracies by one or two of 256 rows: see siamese_network.py)
        Check(r"'(\d\.\d+)'", 0.1, lines=r"^sparsemax importance", atol=0.06),
        Check(r"entmax epoch \d loss (\S+)", 2e-3), Check(r"entmax acc (\S+)", 0.01),
        Check(r"'(\d\.\d+)'", 2e-3, lines=r"^entmax importance")],
    "maml_torch_func.py": every_number(1e-5),  # func.grad over functional_call, vmap over tasks, FOMAML
    "moe_topk_balance.py": every_number(1e-5),  # noisy top-k gates, cv^2 / Switch losses, capacity
    "lr_finder_onecycle.py": every_number(1e-5),  # LR range test, state restore, OneCycleLR variants
    "hand_adam_vs_optim.py": every_number(1e-5),  # Adam/AdamW/AMSGrad/maximize by hand vs torch.optim
    "checkpoint_nonreentrant_mlp.py": every_number(1e-5),  # checkpoint(use_reentrant=False), dropout RNG
    "particle_filter_smc.py": every_number(1e-5),  # bootstrap PF, systematic resampling, Kalman vs MVN
    "tft_grn_quantiles.py": every_number(1e-5),  # GLU/GRN/variable selection, interpretable MHA, pinball
    "ddim_sampler_toy.py": every_number(1e-5),  # cosine schedule in float64 buffers, DDIM eta 0/1, DDPM
    "label_propagation_graph.py": every_number(1e-5),  # SBM graph, closed-form vs iterative LP, GCN, C&S
    "ncf_bpr_sparse.py": every_number(1e-5),  # NeuMF with BCE negatives, BPR with SparseAdam, HR/NDCG@10
    "deep_sets_pooling.py": every_number(1e-5),  # equivariant layer, masked pools, scatter_reduce pools
    "cvae_kl_annealing.py": every_number(1e-5),  # one-hot conditioning, beta schedules, free bits, IWAE
    "stochastic_depth_resnet.py": every_number(1e-5),  # inline drop path, zero-init BN, SequentialLR warmup
    "pointer_net_sort.py": every_number(1e-5),  # LSTM encoder, LSTMCell decoder, masked pointer attention
    "cpc_infonce.py": every_number(1e-5),  # Conv1d+GRU, InfoNCE as cross_entropy, LBFGS linear probe
    "hmm_forward_backward.py": every_number(1e-5),  # log-space forward/backward, Viterbi, Baum-Welch, Adam
    "transformer_xl_relative.py": every_number(1e-5),  # _rel_shift view trick, u/v biases, memories
    "revnet_custom_function.py": every_number(1e-5),  # reversible blocks: Function recomputing its inputs
    "hypergradient_unrolled.py": every_number(1e-5),  # hypergradients through unrolled SGD, HD on the lr
    "neural_spline_flow.py": every_number(1e-5),  # rational-quadratic splines, searchsorted, coupling flow
    # the sampled-KL run (scale-mixture prior through exp/log) grows PyTorch's and numpy's one-ulp differences
    # in exp over its Adam steps, so its lines are checked to 2%; the closed-form local-reparam run exactly
    "bayes_by_backprop.py": [*every_number(1e-5, lines=r"^(?!local=False)"),
                             Check(_FLOAT, 0.02, lines=_BBB_SAMPLED), Check(_WORDS, 0, lines=_BBB_SAMPLED)],
    "egnn_equivariant.py": every_number(1e-5),  # E(n)-equivariant layers, segment sums, rotation checks
    "svgp_inducing_points.py": every_number(1e-5),  # whitened SVGP ELBO vs exact GP, cholesky errors
    "common_errors_debugging.py": every_number(1e-5),  # the usual mistakes: which exception class each raises
    "deepfm_dcn_ctr.py": every_number(1e-5),  # hashed ids, FM trick, cross network, rank AUC, calibration
    "soft_dtw_alignment.py": every_number(1e-5),  # soft-min recursion, alignment by autograd, barycenter
    "perceiver_sdpa.py": every_number(1e-5),  # latent cross-attention on SDPA: masks, scale, GQA, causal
    "learned_optimizer_l2l.py": every_number(1e-5),  # LSTM optimizer, unrolled meta-loss, truncated BPTT
    "score_matching_toy.py": every_number(1e-5),  # DSM over a sigma ladder, func.grad scores, SSM, Langevin
    "graph_walk_inplace.py": every_number(1e-5),  # torchviz-style walk: in-place edges, node identities
    # progs25: seeded, so every printed number
    "glow_invertible_1x1.py": every_number(1e-5),  # ActNorm data init, 1x1 conv by slogdet and by LU, squeeze
    "detr_set_prediction.py": every_number(1e-5),  # GIoU, exhaustive matching, no-object weight, aux losses
    "poincare_embeddings.py": every_number(1e-5),  # custom Function distance, RSGD with renorm_, multinomial
    "mmd_kernel_methods.py": every_number(1e-5),  # MMD permutation test, RFF, KRR by cholesky_solve, GMMN
    "hawkes_point_process.py": every_number(1e-5),  # thinning by distributions, Hawkes MLE, RMTPP on a GRU
    "kfac_shampoo_optimizers.py": every_number(1e-5),  # Optimizer subclasses, module hooks, eigh roots
    "lqr_differentiable_control.py": every_number(1e-5),  # matrix_exp ZOH, Riccati, imitation, iLQR
    "rbm_contrastive_divergence.py": every_number(1e-5),  # Gibbs chains, CD/PCD, exact log Z, samples
    "memn2n_story_qa.py": every_number(1e-5),  # position/temporal encodings, nil-row grad hook, linear start
    "procrustes_icp_rotations.py": every_number(1e-5),  # Kabsch by SVD, ICP, Procrustes, SVD gradients
    "svgd_hmc_bayes_logreg.py": every_number(1e-5),  # SVGD with autograd kernels, HMC leapfrog, KSD
    "neural_decision_forest.py": every_number(1e-5),  # routing by level products, pi fixed point, soft tree
    "two_tower_retrieval.py": every_number(1e-5),  # EmbeddingBag offsets, logQ, hard negatives, batch_sampler
    "bpe_tokenizer_torch.py": every_number(1e-5),  # pair counts by unique, merges by masks, tied bigram LM
    "slot_attention_objects.py": every_number(1e-5),  # slots from a learned Gaussian, GRUCell, alpha masks
    "gumbel_sinkhorn_sorting.py": every_number(1e-5),  # jit.script log-Sinkhorn, NeuralSort, straight-through
    "spectral_clustering_som.py": every_number(1e-5),  # normalised Laplacian eigh, k-means++, mean shift, SOM
    "alphazero_tictactoe.py": every_number(1e-5),  # PUCT search, Dirichlet root noise, rot90/flip symmetries
    "ising_van_metropolis.py": every_number(1e-5),  # circular-pad conv Metropolis, masked-conv VAN
    "neural_sdf_eikonal.py": every_number(1e-5),  # eikonal loss by create_graph, sphere tracing, hessian
    # progs26: seeded, so every printed number
    "c51_per_dqn.py": every_number(1e-5),  # C51 projection by index_add_, prioritized replay by multinomial
    "darts_mixed_ops.py": every_number(1e-5),  # softmax-mixed candidate ops, alphas apart, genotype
    "convlstm_frames.py": every_number(1e-5),  # ConvLSTM encoder/forecaster on bouncing squares, pos_weight
    "lista_sparse_coding.py": every_number(1e-5),  # ISTA/FISTA by softshrink, LISTA, spectral norm, lstsq
    "group_equivariant_p4.py": every_number(1e-5),  # p4 lifting/group convs by rot90 and roll, invariance
    "adain_style_mix.py": every_number(1e-5),  # AdaIN vs instance_norm, reflection-padded coder, style mixing
    "sam_optimizer.py": every_number(1e-5),  # SAM/ASAM Optimizer subclass: closure step, repr, state_dict
    "attention_mil.py": every_number(1e-5),  # gated attention MIL, Subset/random_split, batch_size=1 bags
    "concrete_dropout.py": every_number(1e-5),  # learned p by a relaxed mask, heteroscedastic head, MC
    "pyhessian_spectrum.py": every_number(1e-5),  # power iteration, Hutchinson, Lanczos vs func.hessian
    "gaussian_splat_2d.py": every_number(1e-5),  # 2-D splats: R S S^T R^T, cumprod compositing, densify
    "coral_ordinal.py": every_number(1e-5),  # CORAL, CORN, cumulative link vs cross-entropy
    "tacotron_location_attention.py": every_number(1e-5),  # location attention, unpad_sequence
    "instant_ngp_hashgrid.py": every_number(1e-5),  # hash grid by bitwise_xor, trunc_exp with custom_fwd
    "partial_conv_inpainting.py": every_number(1e-5),  # PartialConv2d subclass: common_types, grad_mode
    "swav_prototypes.py": every_number(1e-5),  # multi-crop groups, Sinkhorn codes, queue, prototypes
    "dec_clustering.py": every_number(1e-5),  # k-means++ by cdist/multinomial, Student t, KLDivLoss
    "film_conditioning.py": every_number(1e-5),  # GRU FiLM generator, coord maps, BatchNorm2d(affine=False)
    "fixmatch_ema_teacher.py": every_number(1e-5),  # pseudo-label mask, _foreach_ EMA vs AveragedModel
    "loss_landscape_interp.py": every_number(1e-5),  # interpolation, filter-normalised grid, Bezier curve
    "torchvision_resnet_hub.py": every_number(1e-5),  # vendored torchvision ResNet, hub cache, _addindent
    "detr_transformer_helpers.py": every_number(1e-5),  # _get_clones/_get_activation_fn layers, aux losses
    # (progs26 end)
    "ckpt_average_prune_rename.py": every_number(1e-5),  # averaged snapshots, sorted-magnitude masks, key map
    "optim_state_edit_resume.py": every_number(1e-5),  # nested torch.save, edited optimizer state, resume
    "decay_groups_buffers_clip.py": every_number(1e-5),  # no-decay groups, buffers, clip stats, EMA
    "imbalanced_split_earlystop.py": every_number(1e-5),  # random_split fractions, sampler, bincount
    "partial_load_finetune.py": every_number(1e-5),  # shape-filtered partial load, frozen names, keep_vars
    "checkpoint_drift_interp.py": every_number(1e-5),  # layer drift, histc/quantile, lerp path, tied keys
    "ensemble_checkpoint_config.py": every_number(1e-5),  # Size/dtype/device config, member list, soup
    "running_normalizer_buffers.py": every_number(1e-5),  # Welford buffers, None buffer filled later
    "plateau_rollback_optstate.py": every_number(1e-5),  # rollback with an edited saved lr, grad-norm stats
    "dict_dataset_perclass_eval.py": every_number(1e-5),  # dict samples, balancing sampler, topk, bincount
    # (progs27 end)
    "whole_model_pickle.py": every_number(1e-5),  # torch.save of a whole model, weights_only=False, Namespace
    # progs28: course notebooks and assignments, seeded, so every printed number
    "cs231n_pytorch_notebook.py": every_number(1e-5),  # barebones F.conv2d net, nn.Module, Sequential
    "cs231n_network_visualization.py": every_number(1e-5),  # saliency by gather, fooling, class visualization
    "cs224n_dependency_parser.py": every_number(1e-5),  # PartialParse, index_select embeddings, UAS
    "cs285_behavior_cloning_dagger.py": every_number(1e-5),  # ReplayBuffer, Normal NLL/MSE BC, DAgger relabel
    "cs285_policy_gradient.py": every_number(1e-5),  # reward-to-go, normalized baseline, GAE, Normal policy
    "udacity_intro_parts1to3.py": every_number(1e-5),  # neurons by hand, OrderedDict Sequential, grads
    "udacity_fashion_checkpoints.py": every_number(1e-5),  # for/else validation, checkpoint dict, mismatch
    "mit6s191_music_rnn.py": every_number(1e-5),  # lab 1: Dense layer, x_f descent, ABC LSTM, generate_text
    "mit6s191_mnist_lab.py": every_number(1e-5),  # lab 2: build_fc_model/build_cnn_model, train/evaluate
    "mit6s191_debiasing_vae.py": every_number(1e-5),  # DB-VAE: faces-only VAE loss, histogram resampling
    "geron_handson_pytorch_ch10.py": every_number(1e-5),  # GD by hand, evaluate(), Wide & Deep, **inputs
    "raschka_resnet_checkpointing.py": every_number(1e-5),  # ResidualBlock, "%.2f%%" % tensor, plateau, ckpt
    "udacity_sentiment_rnn.py": every_number(1e-5),  # pad_features, init_hidden, detached h, size error
    # progs29: tutorials, courses and recipes, seeded, so every printed number
    "raschka_pytorch_in_one_hour.py": every_number(1e-5),  # grad(), ToyDataset, compute_accuracy, reload
    "fastai_titanic_from_scratch.py": every_number(1e-5),  # linear model/net/deep net by hand, sub_ updates
    "cs230_starter_utils.py": every_number(1e-5),  # Params/RunningAverage/checkpoint utils, nlp mask loss
    "fastbook_mnist_basics.py": every_number(1e-5),  # pixel similarity, quad_mae, mnist_loss, BasicOptim
    "autodiff_puzzles.py": every_number(1e-5),  # hand VJPs vs autograd.grad, jacobian, jacrev, vmap vjp
    "karpathy_training_recipe.py": every_number(1e-5),  # loss at init, prior bias, dependency check
    "recipe_default_device_checkpoint_tips.py": every_number(1e-5),  # default device/dtype, mmap, assign
    "fastbook_foundations_ch17.py": every_number(1e-5),  # loop matmuls, init stds, .g backward by hand
    "jovian_zero_to_gans.py": every_number(1e-5),  # regression by hand, MnistModel steps, DeviceDataLoader
    # progs30: video series, course notebooks and book chapters, seeded, so every printed number
    "python_engineer_tutorials.py": every_number(1e-5),  # GD numpy vs torch, Dataset transforms, softmax/CE
    "morvan_tutorials.py": every_number(1e-5),  # Variable, torch.normal clouds, optimizer race, RNN, GAN
    "zerotoall_lectures.py": every_number(1e-5),  # w.data updates, InceptionA, hihell RNN, packed GRU names
    "makemore_part3_activations.py": every_number(1e-5),  # hand BatchNorm, retain_grad stats, histogram
    "raschka_mlbook_ch12_19.py": every_number(1e-5),  # NoisyLinear, self-attention by hand, graph collate
    "torch_compile_tutorial.py": every_number(1e-5),  # OptimizedModule, _orig_mod. prefix, eager original
    "uva_intro_xor.py": every_number(1e-5),  # XORDataset, BCEWithLogits, f"{acc:4.2f}", add_graph/add_scalar
    "tensorboard_tutorial.py": every_number(1e-5),  # hand make_grid, add_image(s)/graph/histogram, read back
    "d2l_anchor_boxes.py": every_number(1e-5),  # multibox_prior/target/detection, nms, TinySSD training
    "hparam_sweep_tensorboard.py": every_number(1e-5),  # product grid, add_pr_curve, add_hparams, read back
    "nyu_dlsp_notebooks.py": every_number(1e-5),  # spiral, ensembles, svd stretching, next_functions, RNN
    "deeplearningwizard_lessons.py": every_number(1e-5),  # from_numpy dtypes, 11 optimizers, schedulers
    "text_bag_offsets.py": every_number(1e-5),  # EmbeddingBag offsets/modes/padding, sparse + SparseAdam
    "conv_ae_summary.py": every_number(1e-5),  # Unflatten, ConvTranspose2d output_padding, hook summary
    "gru_series_packed.py": every_number(1e-5),  # collate_fn, packed GRU, masked MSE, plateau, checkpoint
    "multitask_amp_cpu.py": every_number(1e-5),  # two heads, uncertainty weights, autocast/GradScaler off
    "triplet_retrieval.py": every_number(1e-5),  # normalize, cdist batch-hard mining, NT-Xent, recall@k, mAP
    "kfold_subset_summary.py": every_number(1e-5),  # stratified folds, Subset/ConcatDataset, warm restarts
    # progs32: seeded, so every printed number
    "nan_anomaly_debugging.py": every_number(1e-5),  # detect_anomaly, double where, rollback, manual scaler
    "versioned_modules_global_hooks.py": every_number(1e-5),  # _version migration, extra state, global hooks
    "streaming_text_pipeline.py": every_number(1e-5),  # IterableDataset shards, shuffle buffer, loader errors
    "tree_lstm_sentiment.py": every_number(1e-5),  # recursive child-sum Tree-LSTM, Adagrad, level batching
    "gp_laplace_classification.py": every_number(1e-5),  # Laplace GP in float64, Newton via cholesky_solve
    "nbeats_deepar_forecast.py": every_number(1e-5),  # N-BEATS bases, unfold windows, NegativeBinomial DeepAR
    "llrd_finetune_unfreeze.py": every_number(1e-5),  # layer-wise lr decay, add_param_group, rebuilt LambdaLR
    "activation_memory_accounting.py": every_number(1e-5),  # saved-tensor ledger, checkpoint, packs
    "active_learning_bald.py": every_number(1e-5),  # MC dropout, BALD/entropy/margin acquisition, masks
    "influence_functions_tracin.py": every_number(1e-5),  # func.hessian, CG on HVPs, LiSSA, LOO, TracIn
    "gan_hinge_sn_ema.py": every_number(1e-5),  # spectral_norm hinge GAN, R1, EMA AveragedModel, Frechet
    # progs33: seeded, so every printed number
    "sentdex_pytorch_series.py": every_number(1e-5),  # _to_linear dummy pass, one-hot MSE, fwd_pass log
    "godoy_stepbystep.py": every_number(1e-5),  # StepByStep class, closures, hooks, lr range test
    "nlpwpt_surname_models.py": every_number(1e-5),  # Vocabulary/Vectorizer, dict batches, ElmanRNN, sampling
    # B-splines, batched lstsq curve2coeff, update_grid, LBFGS; the Adam steps after the grid update vary by
    # ~2e-4 between PyTorch's own runs (its results there change from run to run under one PYTHONHASHSEED)
    "efficient_kan.py": [*every_number(1e-5, lines=r"^(?!adam step|predictions)"),
                         *every_number(1e-3, lines=r"^(?:adam step|predictions)")],
    "lapan_cem_cartpole.py": every_number(1e-5),  # legacy FloatTensor ctors, cross-entropy method
    "bentrevett_sentiment_fasttext_cnn.py": every_number(1e-5),  # bigrams + avg_pool2d, Conv2d/1d text CNNs
    "dlwpt_ch4_data_representation.py": every_number(1e-5),  # scatter_ one-hots, le/lt masks, reprs
    "neuromatch_linear_dl_regularization.py": every_number(1e-5),  # deep linear SVD modes, RSMs, L1/L2
    "effective_pytorch_tips.py": every_number(1e-5),  # broadcasting pitfalls, jit.script, stable softmax/CE
    "gflownet_smiley_tb.py": every_number(1e-5),  # flow matching and trajectory balance, Categorical masks
    "d2l_appendix_math.py": every_number(1e-5),  # eigh/power iteration, erf cdf, naive Bayes, entropies
    "ibm_coursera_dnn_labs.py": every_number(1e-5),  # legacy .type(), w.data updates, transforms, inits
    "error_clinic_messages.py": [Check(r"^(.+)$", 0)],  # 130 classic mistakes: error classes and words
    "error_clinic_modules_optim.py": [Check(r"^(.+)$", 0)],  # modules, optimizers, data, autograd mistakes
    # progs34: seeded, so every printed number
    "cs224n_a4_nmt.py": every_number(2e-4),  # packed bi-LSTM encoder, LSTMCell + attention, beam search
    "cs231n_a3_captioning_gan.py": every_number(1e-5),  # hand MHA, TransformerDecoder captioner, GAN losses
    "cs236_hw2_vae_gmvae.py": every_number(1e-5),  # VAE/GMVAE NELBO and IWAE bounds, mixture prior
    # share_memory + spawn/fork workers; the two-process Hogwild run races, so only that it learned
    "mnist_hogwild.py": every_number(1e-5),
    "build_nanogpt_gpt2.py": every_number(1e-5),  # NANOGPT_SCALE_INIT, grad accumulation, top-k sampling
    "hf_trainer_internals.py": every_number(1e-5),  # HF schedules as LambdaLR(partial), LabelSmoother
    "lucidrains_vit_variants.py": every_number(1e-5),  # CaiT talking heads, LayerScale, re-attention
    "print_layouts_summaries.py": every_number(1e-5),  # 3-D/4-D summaries, linewidth, profiles
    "pygcn_kipf_dense.py": every_number(1e-5),  # GraphConvolution via torch.spmm, pyGAT attention
    "ericjang_flows_custom_transform.py": every_number(1e-5),  # Transform subclasses in a flow
    "cs182_layers_by_hand.py": every_number(1e-5),  # BN/conv/LSTM by hand vs nn in float64
    "error_words_index_ops.py": [Check(r"^(.+)$", 0)],  # index/mask/clamp/reshape/save mistakes
    "attention_gym_flex.py": every_number(1e-5),  # flex_attention score/mask mods, BlockMask pictures
    "qmc_sobol_bo.py": every_number(1e-5),  # SobolEngine designs, QMC integration, GP + EI on Sobol points
    # progs35: seeded, so every printed number
    "spinningup_td3_ddpg.py": every_number(1e-5),  # target nets, polyak mul_/add_, lerp_, twin Q, frozen Q
    "ltsf_dlinear_patchtst.py": every_number(1e-5),  # DLinear decomposition, RevIN, unfold patches
    "captum_style_attributions.py": every_number(1e-5),  # IG, SmoothGrad, Grad-CAM/guided backward hooks
    "efficient_attention_lsh_linformer.py": every_number(1e-5),  # LSH sort/gather, Linformer, bands
    "pointer_generator_coverage.py": every_number(1e-5),  # scatter_add copy dist, tied embedding in Adagrad
    "evidential_calibration.py": every_number(1e-5),  # LBFGS temperature, ECE bins, digamma/lgamma EDL
    "ewc_lottery_ticket.py": every_number(1e-5),  # Fisher diag, vector_to_parameters views, global pruning
    "decision_transformer_grid.py": every_number(1e-5),  # rtg cumsum, interleaved tokens, MHA masks
    "stylegan_infogan_pieces.py": every_number(1e-5),  # modulated grouped conv, R1, minibatch stddev, InfoGAN
    "elmo_charcnn_highway_mos.py": every_number(1e-5),  # char CNN max-over-time, Highway, ScalarMix, MoS
    "mixmatch_mean_teacher.py": every_number(1e-5),  # sharpen, MixUp, interleave, AveragedModel EMA buffers
    "deeponet_lagrangian_nn.py": every_number(1e-5),  # einsum operator net, hessian/jacobian Euler-Lagrange
    # S4D kernel vs recurrence, log-space scan; the Hyena run's loss drops steeply (float32 rounding grows)
    "ssm_s4d_hyena_scan.py": [*every_number(1e-5, lines=r"^(?!  step)"),
                              *every_number(2e-3, lines=r"^  step")],
    "node2vec_graphsage_sampling.py": every_number(1e-5),  # CSR walks, SparseAdam, multinomial neighbours
    "randaugment_uint8_ops.py": every_number(1e-5),  # uint8 blends/bitwise/histograms, nearest grid_sample
    "python_scalar_loader_idioms.py": [Check(r"^(.+)$", 0)],  # tensors as Python numbers, collate edges
    "torch_function_subclasses.py": every_number(1e-5),  # handle_torch_function, logging/units subclasses
    "pygcn_sparse_adjacency.py": every_number(1e-5),  # torch.sparse.FloatTensor adjacency, spmm, sparse GAT
    # progs36: seeded or fixed, so every printed number
    "optim_flag_grid_roundtrip.py": every_number(1e-5),  # rare optimizer flags, state_dict resume, errors
    "reduction_kwargs_notebook.py": every_number(1e-5),  # dtype=/out=/dim tuples, corrections, nan-reductions
    "histogram_binning_search.py": every_number(1e-5),  # histc/histogram/bucketize/searchsorted/unique
    "module_repr_gallery.py": every_number(1e-5),  # print(model) of layers with every non-default argument
    "layer_config_error_clinic.py": every_number(1e-5),  # the messages of misconfigured layers and linalg
    "legacy_port_warning_audit.py": every_number(1e-5),  # 0.4-era elementwise_mean, scatter reduce=
    "patch_stride_tricks.py": every_number(1e-5),  # unfold/as_strided windows, im2col, fold averaging
    "scatter_index_reduce_grads.py": every_number(1e-5),  # every scatter/index reduce, their gradients, SAGE
    "rnn_mha_options_tour.py": every_number(1e-5),  # bi-GRU h0, packed LSTM proj_size, MHA kdim/bias_kv
    "nn_utils_grad_tools.py": every_number(1e-5),  # clip_grad_* options, weight/spectral norm, fuse_conv_bn
    "loss_options_grid.py": every_number(1e-5),  # every loss x reduction x weight/ignore/smoothing options
    "scheduler_hooks_named_params.py": every_number(1e-5),  # named-param optimizers, hooks, LR edge options
    "init_schemes_gallery.py": every_number(1e-5),  # gains, fan modes, orthogonal/sparse/dirac, depth probes
    "sampler_collate_edge_cases.py": every_number(1e-5),  # collate/sampler/split/distributed edge cases
    "conv_pool_options_shapes.py": every_number(1e-5),  # ceil_mode/padding/dilation pools, padding modes
    "special_linalg_stats_notebook.py": every_number(1e-5),  # torch.special, probit LBFGS, linalg options
    "printoptions_report_tables.py": every_number(1e-5),  # set_printoptions profiles, formatting corner cases
    # progs37: fixed or seeded, so every printed number
    "sparse_coo_tour.py": every_number(1e-5),  # COO building/printing, coalesce, sparse.sum/mm/addmm/softmax
    "sparse_gcn_powers.py": every_number(1e-5),  # D^-1/2 A D^-1/2 from COO, SGC A^k X, sparse attention grads
    "subclass_metadata_modules.py": every_number(1e-5),  # tagged/counting subclasses through nn, resolve_name
    "sparse_grads_ops.py": every_number(1e-5),  # to_sparse grads, sparse@sparse, sparse_mask, SparseAdam
    "subclass_units_modes.py": every_number(1e-5),  # units subclass via torch.*/F.*, Parameter of a subclass
    "sparse_print_legacy.py": every_number(1e-5),  # COO printing, legacy constructors, sparse torch.save
    "sparse_module_buffers.py": every_number(1e-5),  # sparse adjacency buffer: state_dict, deepcopy
    # scripts38: seeded, so every printed number
    "graph_products_and_notes.py": every_number(1e-5),  # sparse notes, sparse @ sparse, dot, AsStrided error
    "subclass_wrapper_printing.py": every_number(1e-5),  # subclass printing, unwrap/rewrap through F.*
    "samplers_loader_keys.py": every_number(1e-5),  # SubsetRandomSampler of index tensors, mixed collate
    "integer_index_semantics.py": every_number(1e-5),  # // and % of negatives, promotion, index assignment
    "autograd_functional_penalty.py": every_number(1e-5),  # jacobian/hessian/vjp/jvp, grad modes, penalty
    "schedulers_plateau_swa.py": every_number(1e-5),  # chained/sequential/plateau, SWALR, update_bn
    "optimizer_zoo_resume.py": every_number(1e-5),  # eleven optimizers' flags, save/load/resume in lockstep
    "random_streams_tour.py": every_number(1e-5),  # seeded samplers, generators, rng state, inits
    "nn_functional_gallery.py": every_number(1e-5),  # rarer F.* ops and losses, summarized
    "print_corners_gallery.py": every_number(1e-5),  # printing edges, printoptions, named tuples
    "containers_optim_clip_repr.py": every_number(1e-5),  # container names, optimizer reprs, clipping
    "parametrize_hooks_init_generators.py": every_number(1e-5),  # init generator=, parametrize, kwargs hooks
    "module_state_saved_hooks.py": every_number(1e-5),  # state_dict options, extra state, saved-tensor hooks
    "construction_reduction_edges.py": every_number(1e-5),  # wide ints, views, broadcast/cat errors, empties
    "container_mutation_api.py": every_number(1e-5),  # Sequential/ModuleList/Dict/ParameterList/Dict edits
    "rnn_packing_scaler_cpu.py": every_number(1e-5),  # pad/pack/unpad, packed GRU/LSTM, GradScaler on CPU
    "distributions_validation_reprs.py": every_number(1e-5),  # reprs, validation errors, KL, seeded draws
    "nan_order_out_args.py": every_number(1e-5),  # NaN in sort/select, alpha=/out=, masked_fill, norms
    "custom_function_styles.py": every_number(1e-5),  # setup_context, jvp, mark_dirty, materialize_grads
    "checkpoint_io_corners.py": every_number(1e-5),  # legacy format, map_location forms, bad files
    "python_protocol_corners.py": every_number(1e-5),  # format/==/index/math/numpy/@/in-place protocols
    "optimizer_hooks_accumulation.py": every_number(1e-5),  # accumulation, groups mid-run, optimizer hooks
    "func_transform_options.py": every_number(1e-5),  # vmap/grad/jac* options, functional_call, ensembles
    "prune_lazy_pretrained.py": every_number(1e-5),  # prune bookkeeping, lazy modules, from_pretrained
    "print_magnitudes_options.py": every_number(1e-5),  # sci-notation switches, torch._tensor_str options
    "inplace_view_grads_gallery.py": every_number(1e-5),  # in-place writes through views: grads, errors
    "custom_function_jvp.py": every_number(1e-9),  # custom Functions' jvp in forward mode, forward-only check
    "attention_fast_path_masks.py": every_number(1e-5),  # rows with no key: NaN/zeros by path, fused masks
    "loader_worker_streams.py": every_number(1e-5),  # draws in 2 loader workers, worker_init_fn, main streams
}

# Programs that agree with PyTorch once what they use exists in minigrad; move
# each into SPECS when it runs under the launcher.
PENDING: dict[str, list[Check]] = {}


def _env() -> dict[str, str]:
    return dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(REPO))


def _start(program: str, use_minigrad: bool) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "minigrad.compat", program] if use_minigrad else [sys.executable, program]
    return subprocess.Popen(cmd, cwd=PROGRAMS, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _failed(program: str, use_minigrad: bool, out: str, err: str) -> AssertionError:
    which = "minigrad" if use_minigrad else "torch"
    return AssertionError(f"{program} failed under {which}:\n{out[-2000:]}\n{err[-4000:]}")


def _finish(proc: subprocess.Popen[str], program: str, use_minigrad: bool) -> str:
    """The program's stdout once it ends. Raises AssertionError if it failed (or ran over 10 minutes)."""
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
    if proc.returncode != 0:
        raise _failed(program, use_minigrad, out, err)
    return out


def run(program: str, use_minigrad: bool) -> tuple[str, float]:
    """Run one program in a new interpreter; return its stdout and wall time. Raises AssertionError on
    failure."""
    start = time.perf_counter()
    out = _finish(_start(program, use_minigrad), program, use_minigrad)
    return out, time.perf_counter() - start


class _Server:
    """A :mod:`tests.compat.forkserver` process for one framework: programs run in forks of it."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("forkserver.py")), kind],
                                     cwd=PROGRAMS, env=_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)
        self.dir = tempfile.mkdtemp(prefix=f"compat-{kind}-")
        self.child = 0
        self.pending = b""

    def start(self, program: str) -> None:
        """Fork a child that runs ``program`` (its output goes to files of this server's own)."""
        assert self.proc.stdin is not None
        request = {"program": program, "stdout": os.path.join(self.dir, "out"),
                   "stderr": os.path.join(self.dir, "err")}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        self.child = self._answer(60)["pid"]

    def finish(self, program: str) -> str:
        """The child's stdout once it ends. Raises AssertionError if it failed (or ran over 10 minutes)."""
        try:
            status = self._answer(TIMEOUT)["status"]
        except BaseException:
            self.close()
            raise
        with open(os.path.join(self.dir, "out"), encoding="utf-8", errors="replace") as f:
            out = f.read()
        if status != 0:
            with open(os.path.join(self.dir, "err"), encoding="utf-8", errors="replace") as f:
                raise _failed(program, self.kind == "minigrad", out, f.read())
        return out

    def _answer(self, timeout: float) -> dict[str, int]:
        # read the descriptor itself: a buffered readline could take both answers at once and leave
        # select() waiting for the second
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self.pending:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            data = os.read(fd, 4096) if ready else b""
            if not data:
                raise AssertionError(f"the {self.kind} fork server gave no answer within {timeout} s")
            self.pending += data
        line, _, self.pending = self.pending.partition(b"\n")
        answer: dict[str, int] = json.loads(line)
        return answer

    def close(self) -> None:
        """Stop the server (and a child still running)."""
        if self.child and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.child, signal.SIGKILL)
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
        shutil.rmtree(self.dir, ignore_errors=True)


_servers: dict[str, _Server] = {}


def _server(kind: str) -> _Server:
    server = _servers.get(kind)
    if server is None or server.proc.poll() is not None:
        server = _servers[kind] = _Server(kind)
    return server


@atexit.register
def _close_servers() -> None:
    for server in _servers.values():
        server.close()


def run_both(program: str) -> tuple[str, str]:
    """The program's stdout under PyTorch and under minigrad, both run at once (single-threaded each, so
    on two cores the pair takes the longer one's time, not the sum; :func:`main` times them one by one).

    Each runs in a fork of an interpreter that has imported its framework already (see
    :mod:`tests.compat.forkserver`), or, with ``MINIGRAD_COMPAT_FRESH=1`` in the environment (or where
    ``os.fork`` does not exist), in a new interpreter.
    """
    if os.environ.get("MINIGRAD_COMPAT_FRESH") == "1" or not hasattr(os, "fork"):
        torch_proc, mg_proc = _start(program, False), _start(program, True)
        try:
            return _finish(torch_proc, program, False), _finish(mg_proc, program, True)
        finally:
            for proc in (torch_proc, mg_proc):
                if proc.poll() is None:
                    proc.kill()
    servers = _server("torch"), _server("minigrad")
    try:
        for server in servers:
            server.start(program)
    except BaseException:
        for server in servers:
            server.close()
        raise
    outs: list[str] = []
    failures: list[AssertionError] = []
    for server in servers:  # (both answered before a failure is raised: the next request starts clean)
        try:
            outs.append(server.finish(program))
        except AssertionError as e:
            failures.append(e)
    if failures:
        raise failures[0]
    return outs[0], outs[1]


def _values(check: Check, out: str) -> list[str]:
    if check.lines:
        out = "\n".join(line for line in out.splitlines() if re.search(check.lines, line))
    found = re.findall(check.pattern, out, re.MULTILINE)
    return found[-1:] if check.which == "last" else found


def _last_digit(text: str) -> float:
    """One unit in the last printed digit of a decimal number ("0.15673" -> 1e-5, "3.4e-04" -> 1e-5).

    Two values a rounding boundary apart print one unit apart however close they are (PyTorch's own
    results on AVX2 and AVX-512 CPUs do), so a float check always allows that much.
    """
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    if not decimals:  # ("1.": a float tensor's integer value, exact)
        return 0.0
    return 10.0 ** (int(exponent or 0) - decimals) * 1.000001  # (the margin: binary rounding of both)


def compare(program: str, torch_out: str, mg_out: str) -> list[str]:
    """The disagreements between the two outputs, as readable lines (empty: they agree)."""
    problems = []
    for check in SPECS[program] if program in SPECS else PENDING[program]:
        want, got = _values(check, torch_out), _values(check, mg_out)
        if not want:
            problems.append(f"{check.pattern!r}: PyTorch printed no match")
        if len(want) != len(got):
            problems.append(f"{check.pattern!r}: PyTorch printed {len(want)} values, minigrad {len(got)}")
            continue
        for w, g in zip(want, got):
            if w == g:  # identical text agrees (nan, and text that is no number, included)
                continue
            try:
                unit = _last_digit(w) if check.rtol else 0.0
                tol = max(check.rtol * 1e-3, unit, check.atol)
                ok = math.isclose(float(w), float(g), rel_tol=check.rtol, abs_tol=tol)
            except ValueError:
                ok = False
            if not ok:
                problems.append(f"{check.pattern!r}: PyTorch {w}, minigrad {g} (rtol {check.rtol})")
    return problems


def main() -> None:
    """Print each program's agreement and wall time under both frameworks (``--pending``: PENDING's too)."""
    print(f"{'program':16} {'torch s':>8} {'minigrad s':>10} {'ratio':>6}  agreement")
    for program in [*SPECS, *(PENDING if "--pending" in sys.argv[1:] else [])]:
        torch_out, t_torch = run(program, use_minigrad=False)
        mg_out, t_mg = run(program, use_minigrad=True)
        problems = compare(program, torch_out, mg_out)
        verdict = problems or "ok"
        print(f"{program:16} {t_torch:8.2f} {t_mg:10.2f} {t_mg / t_torch:5.2f}x  {verdict}")


if __name__ == "__main__":
    main()
