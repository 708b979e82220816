"""Object-detection and segmentation utilities written by hand, as YOLO/SSD/
RetinaNet-style repositories carry them: box conversions (cxcywh <-> xyxy by
unbind/stack), pairwise box_iou and generalized IoU by broadcasting with
[:, None], anchors from torch.meshgrid(indexing="ij") and repeat_interleave,
anchor matching (max over IoU, the forced best-anchor match by index_put),
box encoding/decoding with log-space sizes and clamp(max=log(1000/16)),
sigmoid focal loss and smooth-L1 on positives, a greedy NMS loop by argsort
and boolean masks, batched NMS with the coordinate offset trick, a tiny
RetinaNet-like head trained a few steps, and per-pixel losses for a
segmentation net: 2-d cross_entropy with class weights and ignore_index=255,
a soft Dice loss from one_hot(...).permute(0, 3, 1, 2), bilinear upsampling
with align_corners=False. Seeded: every number agrees."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def box_cxcywh_to_xyxy(x):
    x_c, y_c, w, h = x.unbind(-1)
    b = [(x_c - 0.5 * w), (y_c - 0.5 * h), (x_c + 0.5 * w), (y_c + 0.5 * h)]
    return torch.stack(b, dim=-1)


def box_xyxy_to_cxcywh(x):
    x0, y0, x1, y1 = x.unbind(-1)
    b = [(x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0), (y1 - y0)]
    return torch.stack(b, dim=-1)


def box_area(boxes):
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def box_iou(boxes1, boxes2):
    area1 = box_area(boxes1)
    area2 = box_area(boxes2)
    lt = torch.max(boxes1[:, None, :2], boxes2[:, :2])
    rb = torch.min(boxes1[:, None, 2:], boxes2[:, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[:, :, 0] * wh[:, :, 1]
    union = area1[:, None] + area2 - inter
    return inter / union, union


def generalized_box_iou(boxes1, boxes2):
    assert (boxes1[:, 2:] >= boxes1[:, :2]).all()
    assert (boxes2[:, 2:] >= boxes2[:, :2]).all()
    iou, union = box_iou(boxes1, boxes2)
    lt = torch.min(boxes1[:, None, :2], boxes2[:, :2])
    rb = torch.max(boxes1[:, None, 2:], boxes2[:, 2:])
    wh = (rb - lt).clamp(min=0)
    area = wh[:, :, 0] * wh[:, :, 1]
    return iou - (area - union) / area


def nms(boxes, scores, iou_threshold):
    order = scores.argsort(descending=True)
    keep = []
    while order.numel() > 0:
        i = order[0]
        keep.append(i.item())
        if order.numel() == 1:
            break
        ious = box_iou(boxes[i].unsqueeze(0), boxes[order[1:]])[0].squeeze(0)
        order = order[1:][ious <= iou_threshold]
    return torch.tensor(keep, dtype=torch.long)


def batched_nms(boxes, scores, idxs, iou_threshold):
    if boxes.numel() == 0:
        return torch.empty((0,), dtype=torch.int64)
    max_coordinate = boxes.max()
    offsets = idxs.to(boxes) * (max_coordinate + torch.tensor(1).to(boxes))
    boxes_for_nms = boxes + offsets[:, None]
    return nms(boxes_for_nms, scores, iou_threshold)


g = torch.Generator().manual_seed(0)
cxcywh = torch.rand(6, 4, generator=g) * torch.tensor([32.0, 32.0, 12.0, 12.0]) + torch.tensor([0, 0, 4.0, 4.0])
xyxy = box_cxcywh_to_xyxy(cxcywh)
print("round trip", torch.allclose(box_xyxy_to_cxcywh(xyxy), cxcywh, atol=1e-5))
iou, _ = box_iou(xyxy, xyxy)
print("iou diag", torch.allclose(iou.diagonal(), torch.ones(6)), "iou\n", iou.round(decimals=4))
print("giou\n", generalized_box_iou(xyxy[:3], xyxy[3:]).round(decimals=4))

scores = torch.rand(6, generator=g)
cluster = xyxy[:1] + torch.randn(5, 4, generator=g) * 0.8
cluster_boxes = torch.cat([xyxy, torch.cat([cluster[:, :2], torch.max(cluster[:, 2:], cluster[:, :2] + 1)], 1)])
cluster_scores = torch.cat([scores, torch.rand(5, generator=g)])
print("nms keep", nms(cluster_boxes, cluster_scores, 0.5).tolist())
labels = torch.tensor([0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0])
print("batched nms keep", batched_nms(cluster_boxes, cluster_scores, labels, 0.5).tolist())


# ------------------------------------------------------------------ anchors, matching, encoding
def make_anchors(feat_h, feat_w, stride, sizes=(8.0, 16.0), ratios=(0.5, 1.0, 2.0)):
    shifts_y = (torch.arange(feat_h, dtype=torch.float32) + 0.5) * stride
    shifts_x = (torch.arange(feat_w, dtype=torch.float32) + 0.5) * stride
    shift_y, shift_x = torch.meshgrid(shifts_y, shifts_x, indexing="ij")
    centers = torch.stack([shift_x.reshape(-1), shift_y.reshape(-1)], dim=1)
    ws, hs = [], []
    for s in sizes:
        for r in ratios:
            ws.append(s * math.sqrt(1.0 / r))
            hs.append(s * math.sqrt(r))
    wh = torch.tensor([ws, hs]).T
    A = wh.shape[0]
    centers = centers.repeat_interleave(A, dim=0)
    wh = wh.repeat(feat_h * feat_w, 1)
    return torch.cat([centers, wh], dim=1)


anchors_cxcywh = make_anchors(4, 4, 8)
anchors = box_cxcywh_to_xyxy(anchors_cxcywh)
print("anchors", tuple(anchors.shape), anchors[:2].tolist(), anchors[-1].tolist())

BBOX_CLIP = math.log(1000.0 / 16)


def encode(gt_cxcywh, anchors_cxcywh, weights=(10.0, 10.0, 5.0, 5.0)):
    wx, wy, ww, wh = weights
    dx = wx * (gt_cxcywh[:, 0] - anchors_cxcywh[:, 0]) / anchors_cxcywh[:, 2]
    dy = wy * (gt_cxcywh[:, 1] - anchors_cxcywh[:, 1]) / anchors_cxcywh[:, 3]
    dw = ww * torch.log(gt_cxcywh[:, 2] / anchors_cxcywh[:, 2])
    dh = wh * torch.log(gt_cxcywh[:, 3] / anchors_cxcywh[:, 3])
    return torch.stack((dx, dy, dw, dh), dim=1)


def decode(deltas, anchors_cxcywh, weights=(10.0, 10.0, 5.0, 5.0)):
    wx, wy, ww, wh = weights
    dx, dy = deltas[:, 0] / wx, deltas[:, 1] / wy
    dw = torch.clamp(deltas[:, 2] / ww, max=BBOX_CLIP)
    dh = torch.clamp(deltas[:, 3] / wh, max=BBOX_CLIP)
    cx = dx * anchors_cxcywh[:, 2] + anchors_cxcywh[:, 0]
    cy = dy * anchors_cxcywh[:, 3] + anchors_cxcywh[:, 1]
    return torch.stack([cx, cy, torch.exp(dw) * anchors_cxcywh[:, 2], torch.exp(dh) * anchors_cxcywh[:, 3]], 1)


def match(gt_boxes, anchors, fg_iou=0.5, bg_iou=0.4):
    iou, _ = box_iou(gt_boxes, anchors)  # [G, A]
    matched_vals, matches = iou.max(dim=0)
    all_matches = matches.clone()
    matches[matched_vals < bg_iou] = -1
    matches[(matched_vals >= bg_iou) & (matched_vals < fg_iou)] = -2
    highest_quality_foreach_gt, _ = iou.max(dim=1)
    gt_pred_pairs = torch.where(iou == highest_quality_foreach_gt[:, None])
    pred_inds_to_update = gt_pred_pairs[1]
    matches[pred_inds_to_update] = all_matches[pred_inds_to_update]
    return matches


gt = torch.tensor([[4.0, 4.0, 14.0, 12.0], [16.0, 14.0, 30.0, 30.0], [2.0, 20.0, 6.0, 23.0]])
gt_labels = torch.tensor([1, 2, 0])
matches = match(gt, anchors)
print("matches: fg", (matches >= 0).sum().item(), "ignored", (matches == -2).sum().item(),
      "bg", (matches == -1).sum().item(), "small box matched", (matches == 2).any().item())
fg = matches >= 0
targets = encode(box_xyxy_to_cxcywh(gt[matches[fg]]), anchors_cxcywh[fg])
print("encoded[:2]", targets[:2].round(decimals=4).tolist())
print("decode(encode) == gt", torch.allclose(box_cxcywh_to_xyxy(decode(targets, anchors_cxcywh[fg])), gt[matches[fg]],
                                             atol=1e-4))


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss


class TinyRetina(nn.Module):
    def __init__(self, num_classes=3, num_anchors=6, prior=0.01):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(),
                                      nn.Conv2d(16, 16, 3, stride=2, padding=1), nn.ReLU(),
                                      nn.Conv2d(16, 16, 3, stride=2, padding=1), nn.ReLU())
        self.cls_logits = nn.Conv2d(16, num_anchors * num_classes, 3, padding=1)
        self.bbox_reg = nn.Conv2d(16, num_anchors * 4, 3, padding=1)
        for layer in (self.cls_logits, self.bbox_reg):
            nn.init.normal_(layer.weight, std=0.01)
            nn.init.constant_(layer.bias, 0)
        nn.init.constant_(self.cls_logits.bias, -math.log((1 - prior) / prior))
        self.num_classes = num_classes

    def forward(self, x):
        f = self.backbone(x)
        N, _, H, W = f.shape
        cls = self.cls_logits(f).view(N, -1, self.num_classes, H, W).permute(0, 3, 4, 1, 2)
        reg = self.bbox_reg(f).view(N, -1, 4, H, W).permute(0, 3, 4, 1, 2)
        return cls.reshape(N, -1, self.num_classes), reg.reshape(N, -1, 4)


torch.manual_seed(1)
net = TinyRetina()
img = torch.rand(2, 3, 32, 32, generator=g)
for b, box in enumerate(gt[:2]):
    x0, y0, x1, y1 = box.long().tolist()
    img[b % 2, :, y0:y1, x0:x1] += 1.0
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
gt_per_image = [gt[:2], gt[1:]]
labels_per_image = [gt_labels[:2], gt_labels[1:]]
for step in range(8):
    cls_out, reg_out = net(img)
    cls_losses, reg_losses = [], []
    for b in range(2):
        m = match(gt_per_image[b], anchors)
        fg_b = m >= 0
        valid = m != -2
        cls_target = torch.zeros_like(cls_out[b])
        cls_target[fg_b, labels_per_image[b][m[fg_b]]] = 1.0
        num_fg = max(1, fg_b.sum().item())
        cls_losses.append(sigmoid_focal_loss(cls_out[b][valid], cls_target[valid], reduction="sum") / num_fg)
        tgt = encode(box_xyxy_to_cxcywh(gt_per_image[b][m[fg_b]]), anchors_cxcywh[fg_b])
        reg_losses.append(F.smooth_l1_loss(reg_out[b][fg_b], tgt, beta=1.0 / 9, reduction="sum") / num_fg)
    loss = sum(cls_losses) / 2 + sum(reg_losses) / 2
    opt.zero_grad()
    loss.backward()
    opt.step()
    if step % 2 == 1:
        print(f"retina step {step + 1} | cls {sum(cls_losses).item() / 2:.6f} | reg {sum(reg_losses).item() / 2:.6f}")
with torch.no_grad():
    cls_out, reg_out = net(img[:1])
    prob = cls_out[0].sigmoid()
    score, label = prob.max(dim=1)
    keep = score.topk(20).indices  # (the prior keeps every score near 0.01 after 8 steps)
    boxes = box_cxcywh_to_xyxy(decode(reg_out[0][keep], anchors_cxcywh[keep])).clamp(0, 32)
    kept = batched_nms(boxes, score[keep], label[keep], 0.5)
    topk = kept[:3]
    print("detections", len(kept), "top scores", score[keep][topk].round(decimals=5).tolist(),
          "labels", label[keep][topk].tolist())


# ------------------------------------------------------------------ segmentation losses
class TinySeg(nn.Module):
    def __init__(self, n_classes=4):
        super().__init__()
        self.enc = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
                                 nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU())
        self.head = nn.Conv2d(16, n_classes, 1)

    def forward(self, x):
        out = self.head(self.enc(x))
        return F.interpolate(out, size=x.shape[-2:], mode="bilinear", align_corners=False)


def dice_loss(logits, target, n_classes, ignore_index=255, eps=1.0):
    valid = (target != ignore_index).unsqueeze(1)
    target = target.clone()
    target[target == ignore_index] = 0
    one_hot = F.one_hot(target, n_classes).permute(0, 3, 1, 2).float()
    probs = logits.softmax(dim=1) * valid
    one_hot = one_hot * valid
    dims = (0, 2, 3)
    inter = (probs * one_hot).sum(dims)
    card = probs.sum(dims) + one_hot.sum(dims)
    return 1 - ((2 * inter + eps) / (card + eps)).mean()


torch.manual_seed(2)
seg = TinySeg()
images = torch.rand(4, 3, 16, 16, generator=g)
masks = (images[:, 0] * 3.99).long()
masks[:, :2, :] = 255
weights = torch.tensor([1.0, 2.0, 2.0, 1.0])
opt = torch.optim.Adam(seg.parameters(), lr=1e-2)
for step in range(6):
    logits = seg(images)
    ce = F.cross_entropy(logits, masks, weight=weights, ignore_index=255)
    dl = dice_loss(logits, masks, 4)
    loss = ce + dl
    opt.zero_grad()
    loss.backward()
    opt.step()
    with torch.no_grad():
        pred = logits.argmax(1)
        valid = masks != 255
        pix_acc = (pred[valid] == masks[valid]).float().mean()
    print(f"seg step {step} | ce {ce.item():.6f} | dice {dl.item():.6f} | pixel acc {pix_acc.item():.4f}")
print("upsampled", tuple(logits.shape), "ignored pixels", (~valid).sum().item())
