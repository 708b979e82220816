"""``add_hparams``' three summaries for TensorBoard's HParams plugin, as ``torch.utils.tensorboard``'s.

The experiment (each hyperparameter's name and type, with its discrete domain if given, and the
metrics' tags), the session start (the hyperparameter values) and the session end (status success),
each an empty-valued ``Summary.Value`` whose metadata carries an ``HParamsPluginData``. The messages and
field numbers are TensorBoard's (``plugins/hparams/api.proto``, ``plugin_data.proto``) and protobuf's
``struct.proto`` (``Value``, ``ListValue``).
"""

from __future__ import annotations

import struct
from typing import Any

from minigrad.utils.tensorboard import _wire
from minigrad.utils.tensorboard._summary import to_numpy

__all__ = ["hparams"]

_FLOAT64, _STRING, _BOOL = 3, 1, 2  # hparams' DataType values
_STATUS_SUCCESS = 1


def _value(v: Any) -> bytes:
    """A ``google.protobuf.Value``: a string, or a number (a bool too, as PyTorch writes it)."""
    if isinstance(v, str):
        return _wire._bytes(3, v.encode(), always=True)
    return _wire._key(2, 1) + struct.pack("<d", float(v))


def _plugin_value(tag: str, data_field: int, data: bytes) -> bytes:
    content = _wire._bytes(data_field, data, always=True)  # (version 0: not written)
    return _wire.summary(_wire.summary_value(tag, metadata=_wire.plugin_metadata("hparams", content)))


def hparams(hparam_dict: Any, metric_dict: Any, hparam_domain_discrete: Any = None) -> list[bytes]:
    """The experiment, session-start and session-end summaries of one hyperparameter run.

    Raises:
        TypeError: a dictionary argument is not one, or a discrete domain is not a list of values of
            its hyperparameter's type.
        ValueError: a value is not an int, float, str, bool or tensor.
    """
    if not isinstance(hparam_dict, dict):
        raise TypeError("parameter: hparam_dict should be a dictionary, nothing logged.")
    if not isinstance(metric_dict, dict):
        raise TypeError("parameter: metric_dict should be a dictionary, nothing logged.")
    domains = hparam_domain_discrete or {}
    if not isinstance(domains, dict):
        raise TypeError("parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, v in domains.items():
        if k not in hparam_dict or not isinstance(v, list) or not all(isinstance(d, type(hparam_dict[k]))
                                                                      for d in v):
            raise TypeError(f"parameter: hparam_domain_discrete[{k}] should be a list of same type as "
                            f"hparam_dict[{k}].")
    infos, values = [], []
    for k, v in hparam_dict.items():
        if v is None:
            continue
        # (PyTorch tests int/float first, so a bool is logged as a number, True as 1.0)
        if isinstance(v, (int, float, str)):
            kind = _STRING if isinstance(v, str) else _FLOAT64
        elif hasattr(v, "detach") or hasattr(v, "__array__"):
            v, kind = float(to_numpy(v).reshape(-1)[0]), _FLOAT64
        else:
            raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")
        values.append(_wire._bytes(1, _wire._bytes(1, k.encode()) + _wire._bytes(2, _value(v), always=True),
                                   always=True))  # map<string, Value> entry
        info = _wire._bytes(1, k.encode()) + _wire._int(4, kind)
        if k in domains:
            listed = b"".join(_wire._bytes(1, _value(d), always=True) for d in domains[k])
            info += _wire._bytes(5, listed, always=True)
        infos.append(_wire._bytes(4, info, always=True))
    metrics = b"".join(_wire._bytes(5, _wire._bytes(1, _wire._bytes(2, k.encode()), always=True), always=True)
                       for k in metric_dict)
    return [_plugin_value("_hparams_/experiment", 2, b"".join(infos) + metrics),
            _plugin_value("_hparams_/session_start_info", 3, b"".join(values)),
            _plugin_value("_hparams_/session_end_info", 4, _wire._int(1, _STATUS_SUCCESS))]
