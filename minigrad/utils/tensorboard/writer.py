"""``SummaryWriter``: training curves, histograms and text for TensorBoard, as PyTorch's.

The event files are real TensorBoard logs (TFRecord-framed ``Event``
messages, see :mod:`~minigrad.utils.tensorboard._event_file`), written with
numpy and the standard library: TensorBoard itself is needed only to look at
them. minigrad writes scalars, histograms, text, images, PR curves, hyperparameters,
embeddings and model graphs; the rest of PyTorch's writer (figures, meshes, ...) is not in minigrad, and
asking for it raises an ``AttributeError`` that says so.
"""

from __future__ import annotations

import os
import socket
import time
from datetime import datetime
from types import TracebackType
from typing import Any, NoReturn

from minigrad.utils.tensorboard import _embedding, _graph, _hparams, _image, _summary, _wire
from minigrad.utils.tensorboard._event_file import FILE_VERSION, EventFile

__all__ = ["SummaryWriter"]


class SummaryWriter:
    """Write TensorBoard event files into ``log_dir``, as ``torch.utils.tensorboard.SummaryWriter``.

    ``log_dir`` defaults to ``runs/<Mon DD_HH-MM-SS>_<hostname><comment>``
    (``comment`` is ignored when ``log_dir`` is given). ``purge_step``: a
    restarted run tells TensorBoard to hide the events of the crashed run
    from this step on. Events are written to disk once ``max_queue`` of them
    wait, every ``flush_secs`` seconds (checked when an event is added), on
    :meth:`flush` and :meth:`close`, and at the interpreter's exit.
    ``filename_suffix`` ends every event file's name. Also a context manager
    that closes the writer on exit.

        >>> with SummaryWriter("runs/exp1") as writer:
        ...     writer.add_scalar("Loss/train", 0.25, global_step=10)
    """

    def __init__(self, log_dir: str | os.PathLike[str] | None = None, comment: str = "",
                 purge_step: int | None = None, max_queue: int = 10, flush_secs: int = 120,
                 filename_suffix: str = "") -> None:
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", stamp + "_" + socket.gethostname() + comment)
        self.log_dir = log_dir
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self._main: EventFile | None = None  # None once closed: logging again opens a new file
        self._subruns: dict[str, EventFile] = {}  # add_scalars' files, by directory
        self._projector: list[str] = []  # add_embedding's entries of projector_config.pbtxt, so far
        self._file_writer()

    def _new_file(self, logdir: str) -> EventFile:
        return EventFile(logdir, self.max_queue, self.flush_secs, self.filename_suffix)

    def _file_writer(self) -> EventFile:
        """The main event file, opened anew (a new file) after :meth:`close`."""
        if self._main is None:
            self._main = self._new_file(str(self.log_dir))
            if self.purge_step is not None:
                now = time.time()
                self._main.add(_wire.event(now, self.purge_step, file_version=FILE_VERSION))
                self._main.add(_wire.event(now, self.purge_step, session_status=_wire.SESSION_START))
                self.purge_step = None
        return self._main

    @staticmethod
    def _add(writer: EventFile, summary: bytes, global_step: Any, walltime: float | None) -> None:
        wall_time = time.time() if walltime is None else float(walltime)
        writer.add(_wire.event(wall_time, 0 if global_step is None else int(global_step), summary=summary))

    def _open_files(self) -> list[EventFile]:
        return ([self._main] if self._main is not None else []) + list(self._subruns.values())

    def get_logdir(self) -> str | os.PathLike[str]:
        """The directory the event files go to."""
        return self.log_dir

    def add_scalar(self, tag: str, scalar_value: Any, global_step: int | None = None,
                   walltime: float | None = None, new_style: bool = False,
                   double_precision: bool = False) -> None:
        """Log one number (a float, or a one-element Tensor or array) under ``tag`` at ``global_step``.

        ``walltime`` (seconds since the epoch) defaults to now. The value is
        stored as a float32 ``simple_value``; with ``new_style`` as a tensor of
        the scalars plugin instead (a float64 one with ``double_precision``).

        Raises:
            ShapeError: the value holds more than one element.
            NotImplementedError: the value is not a Tensor, an array or a number.
        """
        summary = _summary.scalar(tag, scalar_value, new_style, double_precision)
        self._add(self._file_writer(), summary, global_step, walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict[str, Any], global_step: int | None = None,
                    walltime: float | None = None) -> None:
        """Log several numbers on one chart: each key is a sub-run, a directory of its own.

        The value of key ``k`` goes, tagged ``main_tag``, to the event file in
        ``<log_dir>/<main_tag with '/' as '_'>_<k>``; all share one wall time.
        """
        walltime = time.time() if walltime is None else walltime
        logdir = self._file_writer().logdir
        for tag, value in tag_scalar_dict.items():
            sub_dir = logdir + "/" + main_tag.replace("/", "_") + "_" + tag
            if sub_dir not in self._subruns:
                self._subruns[sub_dir] = self._new_file(sub_dir)
            self._add(self._subruns[sub_dir], _summary.scalar(main_tag, value), global_step, walltime)

    def add_histogram(self, tag: str, values: Any, global_step: int | None = None, bins: Any = "tensorflow",
                      walltime: float | None = None, max_bins: int | None = None) -> None:
        """Log the distribution of ``values`` (a Tensor or array of any shape) as a histogram.

        ``bins='tensorflow'`` uses TensorFlow's default edges (±1e-12 * 1.1**k
        and 0); any other value is passed to ``numpy.histogram`` (``'auto'``,
        ``'fd'``, a count, the edges). ``max_bins`` merges neighbouring bins.

        Raises:
            InvalidParameterError: ``values`` is empty or falls outside every bin.
        """
        if isinstance(bins, str) and bins == "tensorflow":
            bins = _summary.tensorflow_bins()
        self._add(self._file_writer(), _summary.histogram(tag, values, bins, max_bins), global_step, walltime)

    def add_text(self, tag: str, text_string: str, global_step: int | None = None,
                 walltime: float | None = None) -> None:
        """Log a string for TensorBoard's text tab (Markdown), tagged ``tag + '/text_summary'``."""
        self._add(self._file_writer(), _summary.text(tag, text_string), global_step, walltime)

    def add_image(self, tag: str, img_tensor: Any, global_step: int | None = None,
                  walltime: float | None = None, dataformats: str = "CHW") -> None:
        """Log one image (float in [0, 1], or uint8 in [0, 255]; axes named by ``dataformats``: CHW,
        HWC, HW) as a PNG for the Images tab.

        Raises:
            AssertionError: ``dataformats`` does not fit the image's dimensions (as PyTorch's).
        """
        self._add(self._file_writer(), _image.image(tag, img_tensor, dataformats), global_step, walltime)

    def add_images(self, tag: str, img_tensor: Any, global_step: int | None = None,
                   walltime: float | None = None, dataformats: str = "NCHW") -> None:
        """Log a batch of images (NCHW by default) as one PNG grid of 8 columns.

        Raises:
            AssertionError: ``dataformats`` does not fit the batch's dimensions (as PyTorch's).
        """
        self._add(self._file_writer(), _image.image(tag, img_tensor, dataformats), global_step, walltime)

    def add_pr_curve(self, tag: str, labels: Any, predictions: Any, global_step: int | None = None,
                     num_thresholds: int = 127, weights: Any = None, walltime: float | None = None) -> None:
        """Log a precision-recall curve of binary ``labels`` against ``predictions`` in [0, 1]."""
        summary = _summary.pr_curve(tag, labels, predictions, num_thresholds, weights)
        self._add(self._file_writer(), summary, global_step, walltime)

    def add_hparams(self, hparam_dict: dict[str, Any], metric_dict: dict[str, Any],
                    hparam_domain_discrete: dict[str, list[Any]] | None = None, run_name: str | None = None,
                    global_step: int | None = None) -> None:
        """Log one run's hyperparameters and its metrics for the HParams tab, in the sub-directory
        ``run_name`` (default: the current time) of the log directory, as PyTorch's.

        Raises:
            TypeError: ``hparam_dict`` or ``metric_dict`` is not a dict, or a discrete domain is not a
                list of values of its hyperparameter's type.
            ValueError: a hyperparameter is not an int, float, str, bool or tensor.
        """
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        summaries = _hparams.hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        logdir = os.path.join(str(self.log_dir), run_name or str(time.time()))
        with SummaryWriter(log_dir=logdir) as run:
            for summary in summaries:
                self._add(run._file_writer(), summary, global_step, None)
            for k, v in metric_dict.items():
                run.add_scalar(k, v, global_step)

    def add_embedding(self, mat: Any, metadata: Any = None, label_img: Any = None,
                      global_step: int | None = None, tag: str = "default",
                      metadata_header: Any = None) -> None:
        """Write an (N, D) embedding for the Projector tab, with optional labels (``metadata``, one per
        point, or rows under ``metadata_header``) and (N, C, H, W) ``label_img`` thumbnails, as PyTorch's
        (see :mod:`~minigrad.utils.tensorboard._embedding` for the files).

        Raises:
            AssertionError: the labels, images or header do not fit ``mat``, or ``mat`` is not 2-D.
            NotADirectoryError: the embedding's directory exists as a file.
        """
        step = 0 if global_step is None else global_step
        log_dir = str(self._file_writer().logdir)
        subdir = _embedding.write_files(log_dir, mat, metadata, label_img, step, tag, metadata_header)
        self._projector.append(_embedding.embedding_info(subdir, step, tag, metadata, label_img))
        _embedding.projector_config(log_dir, self._projector)

    def add_graph(self, model: Any, input_to_model: Any = None, verbose: bool = False,
                  use_strict_trace: bool = True) -> None:
        """Log the operations of ``model(*input_to_model)`` for TensorBoard's Graphs tab (a ``GraphDef``
        read off the autograd graph of one call: see :mod:`~minigrad.utils.tensorboard._graph`).

        Raises:
            TypeError: ``input_to_model`` is not a tensor or a tuple/list of tensors.
        """
        del verbose, use_strict_trace  # (TorchScript tracing options)
        from minigrad import jit

        jit._deprecated("trace")  # (PyTorch's add_graph traces with jit.trace, which warns so)
        graph = _graph.graph_def(model, input_to_model)
        self._file_writer().add(_wire.event(time.time(), 0, graph_def=graph))

    def flush(self) -> None:
        """Write every pending event of every event file to disk."""
        for writer in self._open_files():
            writer.flush()

    def close(self) -> None:
        """Write everything and close the event files; logging again starts new files. Idempotent."""
        for writer in self._open_files():
            writer.close()
        self._main, self._subruns = None, {}

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __getattr__(self, name: str) -> NoReturn:
        # Only runs for names the class lacks: PyTorch's writer has more (add_figure, ...).
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(f"'SummaryWriter' object has no attribute {name!r}")
        raise AttributeError(
            f"SummaryWriter.{name} is not in minigrad (its SummaryWriter logs scalars, histograms, text, "
            "images, PR curves, hparams, embeddings and graphs)",
            name=name, obj=self)
