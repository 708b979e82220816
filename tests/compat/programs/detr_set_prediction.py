"""DETR's set prediction on a toy box-detection task, as the DETR re-implementations write it (Carion et
al. 2020) without scipy: box format conversions, pairwise IoU and generalized IoU, an exact matcher that
searches all assignments (itertools.permutations over a torch cost matrix built with torch.cdist(p=1)),
the classification loss with a down-weighted no-object class (CrossEntropyLoss(weight=...)), L1 + GIoU box
losses normalised by the number of boxes, auxiliary decoding losses from every decoder layer, and learned
object queries through nn.TransformerDecoder."""

import itertools

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_num_threads(1)


def box_cxcywh_to_xyxy(x):
    cx, cy, w, h = x.unbind(-1)
    return torch.stack([cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h], dim=-1)


def box_xyxy_to_cxcywh(x):
    x0, y0, x1, y1 = x.unbind(-1)
    return torch.stack([(x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0], dim=-1)


def box_area(b):
    return (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])


def box_iou(b1, b2):
    a1, a2 = box_area(b1), box_area(b2)
    lt = torch.max(b1[:, None, :2], b2[:, :2])
    rb = torch.min(b1[:, None, 2:], b2[:, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[:, :, 0] * wh[:, :, 1]
    union = a1[:, None] + a2 - inter
    return inter / union, union


def generalized_box_iou(b1, b2):
    assert (b1[:, 2:] >= b1[:, :2]).all()
    iou, union = box_iou(b1, b2)
    lt = torch.min(b1[:, None, :2], b2[:, :2])
    rb = torch.max(b1[:, None, 2:], b2[:, 2:])
    wh = (rb - lt).clamp(min=0)
    area = wh[:, :, 0] * wh[:, :, 1]
    return iou - (area - union) / area


@torch.no_grad()
def match(logits, boxes, tgt_labels, tgt_boxes, w_class=1.0, w_bbox=5.0, w_giou=2.0):
    prob = logits.softmax(-1)
    cost = (-w_class * prob[:, tgt_labels] + w_bbox * torch.cdist(boxes, tgt_boxes, p=1)
            - w_giou * generalized_box_iou(box_cxcywh_to_xyxy(boxes), box_cxcywh_to_xyxy(tgt_boxes)))
    n_q, n_t = cost.shape
    best, best_perm = None, None
    for perm in itertools.permutations(range(n_q), n_t):
        c = cost[list(perm), torch.arange(n_t)].sum()
        if best is None or c < best:
            best, best_perm = c, perm
    src = torch.as_tensor(best_perm, dtype=torch.int64)
    order = src.argsort()
    return src[order], torch.arange(n_t)[order], best.item()


# a fixed check of the box utilities
a = torch.tensor([[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 4.0]])
b = torch.tensor([[1.0, 0.0, 3.0, 2.0], [5.0, 5.0, 6.0, 6.0], [0.0, 0.0, 2.0, 2.0]])
iou, _ = box_iou(a, b)
print("iou", [[round(v, 4) for v in r] for r in iou.tolist()])
print("giou", [[round(v, 4) for v in r] for r in generalized_box_iou(a, b).tolist()])
print("round trip", torch.allclose(box_cxcywh_to_xyxy(box_xyxy_to_cxcywh(a)), a))
print("cdist l1", torch.cdist(a, b, p=1).tolist())

NUM_CLASSES, NUM_QUERIES, D = 3, 4, 32


def make_image(gen):
    n = int(torch.randint(1, 3, (1,), generator=gen))
    labels = torch.randint(0, NUM_CLASSES, (n,), generator=gen)
    centers = torch.rand(n, 2, generator=gen) * 0.6 + 0.2
    sizes = torch.rand(n, 2, generator=gen) * 0.2 + 0.1
    feats = torch.zeros(8, 8)
    for lab, (cx, cy), (w, h) in zip(labels.tolist(), centers.tolist(), sizes.tolist()):
        x0, x1 = int((cx - w / 2) * 8), int((cx + w / 2) * 8) + 1
        y0, y1 = int((cy - h / 2) * 8), int((cy + h / 2) * 8) + 1
        feats[y0:y1, x0:x1] += lab + 1.0
    return feats, labels, torch.cat([centers, sizes], 1)


class TinyDETR(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Conv2d(1, D, 3, padding=1)
        self.row_embed = nn.Parameter(torch.rand(8, D // 2))
        self.col_embed = nn.Parameter(torch.rand(8, D // 2))
        layer = nn.TransformerDecoderLayer(D, 4, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.decoder = nn.TransformerDecoder(layer, num_layers=2)
        self.query_pos = nn.Parameter(torch.rand(NUM_QUERIES, D))
        self.class_embed = nn.Linear(D, NUM_CLASSES + 1)
        self.bbox_embed = nn.Sequential(nn.Linear(D, D), nn.ReLU(), nn.Linear(D, 4))

    def forward(self, img):
        h = self.backbone(img.unsqueeze(1)).flatten(2).transpose(1, 2)  # (B, 64, D)
        pos = torch.cat([self.col_embed.unsqueeze(0).repeat(8, 1, 1),
                         self.row_embed.unsqueeze(1).repeat(1, 8, 1)], dim=-1).flatten(0, 1)
        memory = h + pos
        tgt = self.query_pos.unsqueeze(0).expand(img.shape[0], -1, -1)
        outs, out = [], tgt
        for layer in self.decoder.layers:
            out = layer(out, memory)
            outs.append(out)
        return [(self.class_embed(o), self.bbox_embed(o).sigmoid()) for o in outs]


def set_loss(logits, boxes, targets, empty_weight):
    total, n_boxes = 0.0, sum(len(t[0]) for t in targets)
    cls_targets = torch.full(logits.shape[:2], NUM_CLASSES, dtype=torch.int64)
    src_boxes, tgt_boxes = [], []
    for i, (labels, tboxes) in enumerate(targets):
        src, tgt, _ = match(logits[i], boxes[i], labels, tboxes)
        cls_targets[i, src] = labels[tgt]
        src_boxes.append(boxes[i, src])
        tgt_boxes.append(tboxes[tgt])
    loss_ce = F.cross_entropy(logits.transpose(1, 2), cls_targets, weight=empty_weight)
    src_boxes, tgt_boxes = torch.cat(src_boxes), torch.cat(tgt_boxes)
    loss_l1 = F.l1_loss(src_boxes, tgt_boxes, reduction="sum") / n_boxes
    loss_giou = (1 - torch.diag(generalized_box_iou(box_cxcywh_to_xyxy(src_boxes),
                                                     box_cxcywh_to_xyxy(tgt_boxes)))).sum() / n_boxes
    total = loss_ce + 5 * loss_l1 + 2 * loss_giou
    return total, (loss_ce.item(), loss_l1.item(), loss_giou.item())


gen = torch.Generator().manual_seed(3)
dataset = [make_image(gen) for _ in range(8)]
model = TinyDETR()
empty_weight = torch.ones(NUM_CLASSES + 1)
empty_weight[-1] = 0.1
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
imgs = torch.stack([d[0] for d in dataset])
targets = [(d[1], d[2]) for d in dataset]
print("targets per image", [len(t[0]) for t in targets])

with torch.no_grad():
    logits, boxes = model(imgs[:1])[-1]
    src, tgt, cost = match(logits[0], boxes[0], *targets[0])
    print("first match", src.tolist(), tgt.tolist(), f"cost {cost:.5f}")

for epoch in range(6):
    outputs = model(imgs)
    loss = 0.0
    for li, (logits, boxes) in enumerate(outputs):
        l, parts = set_loss(logits, boxes, targets, empty_weight)
        loss = loss + l
    opt.zero_grad()
    loss.backward()
    gn = nn.utils.clip_grad_norm_(model.parameters(), 0.1)
    opt.step()
    print(f"epoch {epoch} | loss {loss.item():.5f} | ce {parts[0]:.5f} l1 {parts[1]:.5f} giou {parts[2]:.5f} "
          f"| grad norm {gn.item():.4f}")

with torch.no_grad():
    logits, boxes = model(imgs)[-1]
    probs = logits.softmax(-1)
    scores, labels = probs[..., :-1].max(-1)
    keep = scores > 0.3
    print("kept per image", keep.sum(1).tolist())
    print("query class histogram", torch.bincount(logits.argmax(-1).flatten(), minlength=NUM_CLASSES + 1).tolist())
    print("decoder norm", model.decoder.norm, "num layers", model.decoder.num_layers)
