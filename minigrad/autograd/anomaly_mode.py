"""``torch.autograd.anomaly_mode``: PyTorch's path to the anomaly-mode switches of minigrad.anomaly."""

from minigrad.anomaly import detect_anomaly, set_detect_anomaly

__all__ = ["detect_anomaly", "set_detect_anomaly"]
