"""Differences found while writing progs30's compat programs, each compared with PyTorch on its own."""

from __future__ import annotations

import glob
import warnings
from pathlib import Path
from typing import Any

import pytest

import minigrad as mg
from tests.helpers import require_torch

torch = require_torch()


def _compiled_module(lib: Any) -> list[Any]:
    """What a script sees of torch.compile(model) (the eager backend: PyTorch compiles nothing then)."""
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))
    compiled = lib.compile(model, backend="eager")
    seen: list[Any] = [type(compiled).__name__, list(compiled.state_dict()), compiled._orig_mod is model,
                       repr(compiled), [n for n, _ in compiled.named_parameters()],
                       isinstance(compiled, lib.nn.Sequential), len(compiled)]
    out = compiled(lib.ones(2, 3))
    seen += [out.grad_fn.name(), out.tolist()]
    compiled.eval()
    seen += [model.training, compiled.training]
    compiled.extra = 5  # (an attribute set on the wrapper is the module's)
    seen += [model.extra]
    plain = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))
    try:
        plain.load_state_dict(compiled.state_dict())
    except RuntimeError as e:
        seen.append(str(e).splitlines()[1].strip())
    plain.load_state_dict({k.removeprefix("_orig_mod."): v for k, v in compiled.state_dict().items()})
    model.compile(backend="eager")  # (Module.compile(): in place, no wrapper)
    seen += [list(model.state_dict()), type(model).__name__]
    return seen


def test_torch_compile_of_a_module_returns_the_optimized_module_wrapper() -> None:
    assert _compiled_module(mg) == _compiled_module(torch)


def test_optimized_module_found_through_dynamo_eval_frame() -> None:
    # (how libraries unwrap a compiled model: isinstance(model, torch._dynamo.eval_frame.OptimizedModule))
    for lib in (mg, torch):
        model = lib.nn.Linear(2, 2)
        compiled = lib.compile(model, backend="eager")
        wrapper = lib._dynamo.eval_frame.OptimizedModule
        assert isinstance(compiled, wrapper) and not isinstance(model, wrapper)


def _compiled_calls(lib: Any) -> list[Any]:
    """The module compiled stays eager itself; its hooks run on every call through the wrapper."""
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh())
    seen: list[Any] = []
    model.register_forward_hook(lambda m, i, o: seen.append(tuple(o.shape)))
    compiled = lib.compile(model, backend="aot_eager")
    for k in range(3):
        compiled(lib.full((2, 3), float(k))).sum().backward()
    seen += [model(lib.ones(1, 3)).grad_fn.name(), compiled(lib.ones(1, 3)).grad_fn.name()]
    seen += [round(float(p.grad.sum()), 4) for p in model.parameters()]
    return seen


def test_compiled_module_hooks_and_the_eager_original() -> None:
    assert _compiled_calls(mg) == _compiled_calls(torch)


def _compiled_names(lib: Any) -> list[str]:
    lib.manual_seed(0)
    model = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh())

    def f(x: Any) -> Any:
        return (x * 2).sin()

    eager_f = lib.compile(f, backend="eager")
    return [lib.compile(model, backend="aot_eager")(lib.ones(1, 3)).grad_fn.name(),
            type(eager_f).__name__, eager_f(lib.ones(2, requires_grad=True)).grad_fn.name()]


def test_compiled_graph_node_names() -> None:
    # the default backend's node is CompiledFunctionBackward (aot_eager: the same, without inductor's
    # C++ compile); the eager backend keeps the eager ops' nodes and returns a plain function
    assert _compiled_names(mg) == _compiled_names(torch)


def _graph_io(lib: Any, log_dir: Path) -> list[Any]:
    """add_graph's event: the IO nodes (names, shapes, sources) and the op names' namespaces."""
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
    from tensorboard.compat.proto import graph_pb2

    class Net(lib.nn.Module):  # type: ignore[name-defined,misc]
        def __init__(self) -> None:
            super().__init__()
            self.linear1, self.act, self.linear2 = lib.nn.Linear(2, 4), lib.nn.Tanh(), lib.nn.Linear(4, 1)

        def forward(self, x: Any) -> Any:
            return self.linear2(self.act(self.linear1(x)))

    lib.manual_seed(0)
    writer = lib.utils.tensorboard.SummaryWriter(str(log_dir))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        writer.add_graph(Net(), lib.ones(3, 2))
    writer.close()
    graphs = []
    for event in EventFileLoader(glob.glob(str(log_dir / "*tfevents*"))[0]).Load():
        if event.HasField("graph_def"):
            graph = graph_pb2.GraphDef()
            graph.ParseFromString(event.graph_def)
            graphs.append(graph)
    assert len(graphs) == 1
    io = [(n.name, [d.size for d in n.attr["_output_shapes"].list.shape[0].dim], len(n.input))
          for n in graphs[0].node if n.op == "IO Node"]
    return [io, {n.op.partition("::")[0] for n in graphs[0].node}, graphs[0].versions.producer,
            (caught[0].category.__name__, str(caught[0].message))]


def test_summary_writer_add_graph(tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    # (both writers live in submodules that a plain import of the package does not load)
    import torch.utils.tensorboard

    import minigrad.utils.tensorboard  # noqa: F401

    assert _graph_io(mg, tmp_path / "mg") == _graph_io(torch, tmp_path / "torch")


def _images(lib: Any, log_dir: Path) -> list[Any]:
    """add_image / add_images events: tag, size, channels and the decoded pixels."""
    import io

    from PIL import Image
    from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader
    from tensorboard.compat.proto import event_pb2

    lib.manual_seed(0)
    writer = lib.utils.tensorboard.SummaryWriter(str(log_dir))
    writer.add_image("chw", lib.rand(3, 4, 5), 0)
    writer.add_image("hw", lib.rand(4, 5) * 2 - 0.5, 1, dataformats="HW")
    writer.add_image("hwc_u8", (lib.rand(4, 5, 1) * 255).to(lib.uint8), 2, dataformats="HWC")
    writer.add_images("batch", lib.rand(10, 1, 3, 2), 3)
    writer.close()
    found = []
    for record in RawEventFileLoader(glob.glob(str(log_dir / "*tfevents*"))[0]).Load():
        event = event_pb2.Event.FromString(record)  # (as written: the plain loader migrates images)
        for value in event.summary.value:
            img = value.image
            pixels = Image.open(io.BytesIO(img.encoded_image_string))
            found.append((event.step, value.tag, img.height, img.width, img.colorspace, pixels.mode,
                          pixels.tobytes()))
    return found


def test_summary_writer_add_image(tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    pytest.importorskip("PIL")
    # (both writers live in submodules that a plain import of the package does not load)
    import torch.utils.tensorboard

    import minigrad.utils.tensorboard  # noqa: F401

    assert _images(mg, tmp_path / "mg") == _images(torch, tmp_path / "torch")


def _pr_curves(lib: Any, log_dir: Path) -> list[Any]:
    """add_pr_curve events as written: tag, step, plugin, content, shape and the float32 values."""
    from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader
    from tensorboard.compat.proto import event_pb2

    lib.manual_seed(0)
    writer = lib.utils.tensorboard.SummaryWriter(str(log_dir))
    writer.add_pr_curve("pr", lib.randint(0, 2, (50,)), lib.rand(50), 0)
    writer.add_pr_curve("pr_w", lib.randint(0, 2, (30,)), lib.rand(30), 1, num_thresholds=200,
                        weights=lib.rand(30).numpy())
    writer.close()
    found = []
    for record in RawEventFileLoader(glob.glob(str(log_dir / "*tfevents*"))[0]).Load():
        event = event_pb2.Event.FromString(record)
        for value in event.summary.value:
            found.append((value.tag, event.step, value.metadata.plugin_data.plugin_name,
                          value.metadata.plugin_data.content, [d.size for d in value.tensor.tensor_shape.dim],
                          list(value.tensor.float_val)))
    return found


def test_summary_writer_add_pr_curve(tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    # (both writers live in submodules that a plain import of the package does not load)
    import torch.utils.tensorboard

    import minigrad.utils.tensorboard  # noqa: F401

    assert _pr_curves(mg, tmp_path / "mg") == _pr_curves(torch, tmp_path / "torch")


def _hparams_runs(lib: Any, log_dir: Path) -> list[Any]:
    """add_hparams: each run directory's events (tags, steps, values) and the plugin data, parsed."""
    from tensorboard.backend.event_processing.event_file_loader import RawEventFileLoader
    from tensorboard.compat.proto import event_pb2
    from tensorboard.plugins.hparams import plugin_data_pb2

    writer = lib.utils.tensorboard.SummaryWriter(str(log_dir))
    for i in range(2):
        hparams = {"lr": 0.1 * i, "bsize": i, "opt": "adam", "nesterov": True, "wd": lib.tensor([0.5])}
        writer.add_hparams(hparams, {"hparam/accuracy": 10 * i, "hparam/loss": lib.tensor(1.5)},
                           hparam_domain_discrete={"opt": ["adam", "sgd"], "bsize": [0, 1]},
                           run_name=f"run{i}", global_step=i)
    writer.close()
    found = []
    for run in ("run0", "run1"):
        for record in RawEventFileLoader(glob.glob(str(log_dir / run / "*tfevents*"))[0]).Load():
            event = event_pb2.Event.FromString(record)
            for value in event.summary.value:
                data = value.metadata.plugin_data
                parsed = plugin_data_pb2.HParamsPluginData.FromString(data.content) if data.content else None
                found.append((run, event.step, value.tag, value.simple_value, data.plugin_name, str(parsed)))
    return found


def test_summary_writer_add_hparams(tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    # (both writers live in submodules that a plain import of the package does not load)
    import torch.utils.tensorboard

    import minigrad.utils.tensorboard  # noqa: F401

    found = _hparams_runs(mg, tmp_path / "mg")
    assert len(found) == 10 and found == _hparams_runs(torch, tmp_path / "torch")


def _projector_files(lib: Any, log_dir: Path) -> dict[str, Any]:
    """add_embedding's files: text as written, the sprite's size, mode and pixels."""
    import io

    from PIL import Image

    lib.manual_seed(0)
    writer = lib.utils.tensorboard.SummaryWriter(str(log_dir))
    writer.add_embedding(lib.randn(4, 3), metadata=["a", "b", 3, 4], tag="emb/x")
    writer.add_embedding(lib.randn(4, 3), metadata=[["a", 1], ["b", 2], ["c", 3], ["d", 4]],
                         metadata_header=["n", "k"], global_step=2)
    writer.add_embedding(lib.randn(5, 3), label_img=lib.rand(5, 1, 2, 3), global_step=3)
    writer.close()
    found: dict[str, Any] = {}
    for path in sorted(log_dir.rglob("*")):
        if path.is_file() and "tfevents" not in path.name:
            data = path.read_bytes()
            if path.suffix == ".png":
                image = Image.open(io.BytesIO(data))
                found[str(path.relative_to(log_dir))] = (image.size, image.mode, image.tobytes())
            else:
                found[str(path.relative_to(log_dir))] = data.decode()
    return found


def test_summary_writer_add_embedding(tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    pytest.importorskip("PIL")
    # (both writers live in submodules that a plain import of the package does not load)
    import torch.utils.tensorboard

    import minigrad.utils.tensorboard  # noqa: F401

    found = _projector_files(mg, tmp_path / "mg")
    assert len(found) == 7 and found == _projector_files(torch, tmp_path / "torch")


def _module_generators(lib: Any) -> list[str]:
    model = lib.nn.Sequential(lib.nn.Linear(2, 2))
    gens = [model.parameters(), model.named_parameters(), model.buffers(), model.named_buffers(),
            model.children(), model.named_children(), model.modules(), model.named_modules()]
    return [g.__qualname__ for g in gens]


def test_module_iterators_are_generator_functions() -> None:
    # print(model.parameters()) shows <generator object Module.parameters at 0x...>
    assert _module_generators(mg) == _module_generators(torch)


def _numpy_refusals(lib: Any) -> list[str]:
    import numpy as np

    found = []
    arrays = (np.array(["a", "b"]), np.array([1, "x"], dtype=object), np.array(["2020-01-01"], dtype="M8[D]"))
    for array in arrays:
        for fn in (lib.from_numpy, lib.tensor, lib.as_tensor):
            try:
                fn(array)
            except TypeError as e:
                found.append(str(e))
    return found


def test_arrays_of_strings_objects_and_dates_are_refused_as_pytorch() -> None:
    found = _numpy_refusals(mg)
    assert len(found) == 9 and found == _numpy_refusals(torch)
