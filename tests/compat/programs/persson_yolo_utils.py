"""Aladdin Persson's YOLOv1-from-scratch utilities and loss: intersection_over_union in "midpoint" and
"corners" formats (clamp(0) of the overlap, 1e-6 in the union), non_max_suppression over Python lists
of [class, prob, x, y, w, h] with a sort and a while loop, mean_average_precision with a per-class
torch.cumsum of TP/FP, torch.trapz of precisions over recalls and a Counter of ground truths per image,
convert_cellboxes/cellboxes_to_boxes (the S x S grid decoded with torch.arange(7).repeat(...)
.unsqueeze(-1), argmax over the two boxes' confidences), and the YoloLoss (mse sum, sqrt of
sign*abs for the sizes, lambda_coord/lambda_noobj, the best box chosen with torch.max over stacked
IoUs), then a few steps of a tiny conv YOLO head on fixed random images (its conv before BatchNorm has
bias=False, as his CNNBlock: such a bias gets a zero gradient up to rounding, which Adam would turn into
full-size steps of noise). Seeded: every number agrees (the target's float32 sum printed by .item() to
17 digits is summed in another order by numpy: its last digits differ)."""

from collections import Counter

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(0)


def intersection_over_union(boxes_preds, boxes_labels, box_format="midpoint"):
    if box_format == "midpoint":
        box1_x1 = boxes_preds[..., 0:1] - boxes_preds[..., 2:3] / 2
        box1_y1 = boxes_preds[..., 1:2] - boxes_preds[..., 3:4] / 2
        box1_x2 = boxes_preds[..., 0:1] + boxes_preds[..., 2:3] / 2
        box1_y2 = boxes_preds[..., 1:2] + boxes_preds[..., 3:4] / 2
        box2_x1 = boxes_labels[..., 0:1] - boxes_labels[..., 2:3] / 2
        box2_y1 = boxes_labels[..., 1:2] - boxes_labels[..., 3:4] / 2
        box2_x2 = boxes_labels[..., 0:1] + boxes_labels[..., 2:3] / 2
        box2_y2 = boxes_labels[..., 1:2] + boxes_labels[..., 3:4] / 2
    elif box_format == "corners":
        box1_x1, box1_y1 = boxes_preds[..., 0:1], boxes_preds[..., 1:2]
        box1_x2, box1_y2 = boxes_preds[..., 2:3], boxes_preds[..., 3:4]
        box2_x1, box2_y1 = boxes_labels[..., 0:1], boxes_labels[..., 1:2]
        box2_x2, box2_y2 = boxes_labels[..., 2:3], boxes_labels[..., 3:4]
    x1 = torch.max(box1_x1, box2_x1)
    y1 = torch.max(box1_y1, box2_y1)
    x2 = torch.min(box1_x2, box2_x2)
    y2 = torch.min(box1_y2, box2_y2)
    intersection = (x2 - x1).clamp(0) * (y2 - y1).clamp(0)
    box1_area = abs((box1_x2 - box1_x1) * (box1_y2 - box1_y1))
    box2_area = abs((box2_x2 - box2_x1) * (box2_y2 - box2_y1))
    return intersection / (box1_area + box2_area - intersection + 1e-6)


t1 = torch.tensor([[0.5, 0.5, 0.2, 0.2], [0.8, 0.1, 0.2, 0.2], [0.95, 0.6, 0.5, 0.2]])
t2 = torch.tensor([[0.6, 0.6, 0.2, 0.2], [0.8, 0.1, 0.2, 0.2], [0.25, 0.6, 0.5, 0.2]])
print(intersection_over_union(t1, t2))
c1 = torch.tensor([[0, 0, 2, 2], [0, 0, 2, 2], [0, 0, 3, 2]], dtype=torch.float32)
c2 = torch.tensor([[3, 0, 5, 2], [1, 1, 3, 3], [1, 1, 2, 3]], dtype=torch.float32)
print(intersection_over_union(c1, c2, box_format="corners").squeeze(-1))


def non_max_suppression(bboxes, iou_threshold, threshold, box_format="corners"):
    assert type(bboxes) == list  # noqa: E721 - as the tutorial writes it
    bboxes = [box for box in bboxes if box[1] > threshold]
    bboxes = sorted(bboxes, key=lambda x: x[1], reverse=True)
    bboxes_after_nms = []
    while bboxes:
        chosen_box = bboxes.pop(0)
        bboxes = [box for box in bboxes
                  if box[0] != chosen_box[0]
                  or intersection_over_union(torch.tensor(chosen_box[2:]), torch.tensor(box[2:]),
                                             box_format=box_format) < iou_threshold]
        bboxes_after_nms.append(chosen_box)
    return bboxes_after_nms


boxes = [[1, 1, 0.5, 0.45, 0.4, 0.5], [1, 0.8, 0.5, 0.5, 0.2, 0.4], [1, 0.7, 0.25, 0.35, 0.3, 0.1],
         [1, 0.05, 0.1, 0.1, 0.1, 0.1], [2, 0.9, 0.5, 0.45, 0.4, 0.5], [1, 0.6, 0.52, 0.47, 0.4, 0.5]]
print(non_max_suppression(boxes, iou_threshold=7 / 20, threshold=0.2, box_format="midpoint"))


def mean_average_precision(pred_boxes, true_boxes, iou_threshold=0.5, box_format="midpoint", num_classes=3):
    average_precisions = []
    epsilon = 1e-6
    for c in range(num_classes):
        detections = [d for d in pred_boxes if d[1] == c]
        ground_truths = [t for t in true_boxes if t[1] == c]
        amount_bboxes = Counter([gt[0] for gt in ground_truths])
        for key, val in amount_bboxes.items():
            amount_bboxes[key] = torch.zeros(val)
        detections.sort(key=lambda x: x[2], reverse=True)
        TP = torch.zeros((len(detections)))
        FP = torch.zeros((len(detections)))
        total_true_bboxes = len(ground_truths)
        if total_true_bboxes == 0:
            continue
        for detection_idx, detection in enumerate(detections):
            ground_truth_img = [bbox for bbox in ground_truths if bbox[0] == detection[0]]
            best_iou, best_gt_idx = 0, None
            for idx, gt in enumerate(ground_truth_img):
                iou = intersection_over_union(torch.tensor(detection[3:]), torch.tensor(gt[3:]),
                                              box_format=box_format)
                if iou > best_iou:
                    best_iou = iou
                    best_gt_idx = idx
            if best_iou > iou_threshold:
                if amount_bboxes[detection[0]][best_gt_idx] == 0:
                    TP[detection_idx] = 1
                    amount_bboxes[detection[0]][best_gt_idx] = 1
                else:
                    FP[detection_idx] = 1
            else:
                FP[detection_idx] = 1
        TP_cumsum = torch.cumsum(TP, dim=0)
        FP_cumsum = torch.cumsum(FP, dim=0)
        recalls = TP_cumsum / (total_true_bboxes + epsilon)
        precisions = torch.divide(TP_cumsum, (TP_cumsum + FP_cumsum + epsilon))
        precisions = torch.cat((torch.tensor([1]), precisions))
        recalls = torch.cat((torch.tensor([0]), recalls))
        print(f"class {c} TP {TP.tolist()} precisions {precisions} recalls {recalls}")
        average_precisions.append(torch.trapz(precisions, recalls))
    return sum(average_precisions) / len(average_precisions)


preds = [[0, 0, 0.9, 0.55, 0.2, 0.3, 0.2], [0, 0, 0.8, 0.35, 0.6, 0.3, 0.2], [0, 0, 0.7, 0.8, 0.7, 0.2, 0.2],
         [1, 1, 0.6, 0.5, 0.5, 0.4, 0.4], [1, 2, 0.9, 0.2, 0.2, 0.1, 0.1], [1, 2, 0.3, 0.21, 0.19, 0.1, 0.1]]
targets = [[0, 0, 0.9, 0.55, 0.2, 0.3, 0.2], [0, 0, 0.8, 0.35, 0.6, 0.3, 0.2], [0, 0, 0.7, 0.8, 0.7, 0.2, 0.2],
           [1, 1, 0.6, 0.1, 0.1, 0.2, 0.2], [1, 2, 0.9, 0.2, 0.2, 0.1, 0.1]]
print("mAP", mean_average_precision(preds, targets))

S, B, C = 7, 2, 3


def convert_cellboxes(predictions, S=7):
    batch_size = predictions.shape[0]
    predictions = predictions.reshape(batch_size, S, S, C + B * 5)
    bboxes1 = predictions[..., C + 1:C + 5]
    bboxes2 = predictions[..., C + 6:C + 10]
    scores = torch.cat((predictions[..., C].unsqueeze(0), predictions[..., C + 5].unsqueeze(0)), dim=0)
    best_box = scores.argmax(0).unsqueeze(-1)
    best_boxes = bboxes1 * (1 - best_box) + best_box * bboxes2
    cell_indices = torch.arange(S).repeat(batch_size, S, 1).unsqueeze(-1)
    x = 1 / S * (best_boxes[..., :1] + cell_indices)
    y = 1 / S * (best_boxes[..., 1:2] + cell_indices.permute(0, 2, 1, 3))
    w_y = 1 / S * best_boxes[..., 2:4]
    converted_bboxes = torch.cat((x, y, w_y), dim=-1)
    predicted_class = predictions[..., :C].argmax(-1).unsqueeze(-1)
    best_confidence = torch.max(predictions[..., C], predictions[..., C + 5]).unsqueeze(-1)
    return torch.cat((predicted_class, best_confidence, converted_bboxes), dim=-1)


def cellboxes_to_boxes(out, S=7):
    converted_pred = convert_cellboxes(out).reshape(out.shape[0], S * S, -1)
    converted_pred[..., 0] = converted_pred[..., 0].long()
    all_bboxes = []
    for ex_idx in range(out.shape[0]):
        bboxes = []
        for bbox_idx in range(S * S):
            bboxes.append([x.item() for x in converted_pred[ex_idx, bbox_idx, :]])
        all_bboxes.append(bboxes)
    return all_bboxes


class YoloLoss(nn.Module):
    def __init__(self, S=7, B=2, C=3):
        super().__init__()
        self.mse = nn.MSELoss(reduction="sum")
        self.S, self.B, self.C = S, B, C
        self.lambda_noobj = 0.5
        self.lambda_coord = 5

    def forward(self, predictions, target):
        C = self.C
        predictions = predictions.reshape(-1, self.S, self.S, self.C + self.B * 5)
        iou_b1 = intersection_over_union(predictions[..., C + 1:C + 5], target[..., C + 1:C + 5])
        iou_b2 = intersection_over_union(predictions[..., C + 6:C + 10], target[..., C + 1:C + 5])
        ious = torch.cat([iou_b1.unsqueeze(0), iou_b2.unsqueeze(0)], dim=0)
        iou_maxes, bestbox = torch.max(ious, dim=0)
        exists_box = target[..., C].unsqueeze(3)
        box_predictions = exists_box * (bestbox * predictions[..., C + 6:C + 10]
                                        + (1 - bestbox) * predictions[..., C + 1:C + 5])
        box_targets = exists_box * target[..., C + 1:C + 5]
        box_predictions[..., 2:4] = torch.sign(box_predictions[..., 2:4]) * torch.sqrt(
            torch.abs(box_predictions[..., 2:4] + 1e-6))
        box_targets[..., 2:4] = torch.sqrt(box_targets[..., 2:4])
        box_loss = self.mse(torch.flatten(box_predictions, end_dim=-2), torch.flatten(box_targets, end_dim=-2))
        pred_box = bestbox * predictions[..., C + 5:C + 6] + (1 - bestbox) * predictions[..., C:C + 1]
        object_loss = self.mse(torch.flatten(exists_box * pred_box), torch.flatten(exists_box * target[..., C:C + 1]))
        no_object_loss = self.mse(torch.flatten((1 - exists_box) * predictions[..., C:C + 1], start_dim=1),
                                  torch.flatten((1 - exists_box) * target[..., C:C + 1], start_dim=1))
        no_object_loss += self.mse(torch.flatten((1 - exists_box) * predictions[..., C + 5:C + 6], start_dim=1),
                                   torch.flatten((1 - exists_box) * target[..., C:C + 1], start_dim=1))
        class_loss = self.mse(torch.flatten(exists_box * predictions[..., :C], end_dim=-2),
                              torch.flatten(exists_box * target[..., :C], end_dim=-2))
        return (self.lambda_coord * box_loss + object_loss + self.lambda_noobj * no_object_loss + class_loss)


def make_target(objects):
    """objects: (class, x, y, w, h) in image fractions -> the S x S x (C + 5B) label matrix."""
    label = torch.zeros((S, S, C + 5 * B))
    for cls, x, y, w, h in objects:
        i, j = int(S * y), int(S * x)
        x_cell, y_cell = S * x - j, S * y - i
        if label[i, j, C] == 0:
            label[i, j, C] = 1
            label[i, j, C + 1:C + 5] = torch.tensor([x_cell, y_cell, w * S, h * S])
            label[i, j, cls] = 1
    return label


targets = torch.stack([make_target([(0, 0.3, 0.3, 0.2, 0.3), (2, 0.7, 0.6, 0.3, 0.2)]),
                       make_target([(1, 0.5, 0.5, 0.4, 0.4)])])
print("target", targets.shape, targets.sum().item(), targets[0, 2, 2])
images = torch.rand(2, 3, 28, 28)
model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.LeakyReLU(0.1), nn.MaxPool2d(2),
                      nn.Conv2d(8, 16, 3, padding=1), nn.LeakyReLU(0.1), nn.AdaptiveAvgPool2d(S), nn.Flatten(),
                      nn.Linear(16 * S * S, 64), nn.Dropout(0.0), nn.LeakyReLU(0.1),
                      nn.Linear(64, S * S * (C + B * 5)))
loss_fn = YoloLoss(S, B, C)
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=0)
for step in range(15):
    out = model(images)
    loss = loss_fn(out, targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 3 == 0:
        print(f"step {step} loss {loss.item():.4f}")
model.eval()
with torch.no_grad():
    out = model(images)
bboxes = cellboxes_to_boxes(out)
print(len(bboxes), len(bboxes[0]), [round(v, 4) for v in bboxes[0][16]])
kept = non_max_suppression(bboxes[0], iou_threshold=0.5, threshold=0.3, box_format="midpoint")
print("kept", len(kept), [[round(v, 3) for v in b] for b in kept[:3]])
