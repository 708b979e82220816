"""The GFlowNet tutorial's "smiley faces" (Emmanuel Bengio's colab) as its readers run it: faces built
from six parts (left/right eyebrow, smile/frown, ...), a reward counting a happy, valid face, the
flow-matching model (an MLP with LeakyReLU whose exp() gives edge flows, parents of a state found by
removing a part, the in-flow via logsumexp-free sums, the loss of (in - out)^2 with the reward at
terminal states, sampling the next part with Categorical(probs=edge_flow / sum) and masks that set
already-used parts to 0); then trajectory balance (logZ as an nn.Parameter, forward logits and a
uniform-backward policy, masked logits with -100, Categorical(logits=...).log_prob, the squared
log-ratio loss with the log of the clipped reward); printing losses, logZ and the sampled faces'
reward distribution."""

import numpy as np
import torch
import torch.nn as nn
from torch.distributions.categorical import Categorical

torch.set_num_threads(1)
torch.manual_seed(1)

sorted_keys = ["smile", "frown", "left_eb_down", "right_eb_down", "left_eb_up", "right_eb_up"]


def face_reward(face):
    if "smile" in face and "frown" in face:
        return 0
    if "left_eb_down" in face and "left_eb_up" in face:
        return 0
    if "right_eb_down" in face and "right_eb_up" in face:
        return 0
    if "smile" in face:
        return 2 if "left_eb_up" in face and "right_eb_up" in face else 1
    if "frown" in face:
        return 1
    return 0


def face_to_tensor(face):
    return torch.tensor([i in face for i in sorted_keys]).float()


def face_parents(state):
    parent_states = []
    parent_actions = []
    for face_part in state:
        parent_states.append([i for i in state if i != face_part])
        parent_actions.append(sorted_keys.index(face_part))
    return parent_states, parent_actions


class FlowModel(nn.Module):
    def __init__(self, num_hid):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(6, num_hid), nn.LeakyReLU(), nn.Linear(num_hid, 6))

    def forward(self, x):
        F = self.mlp(x).exp() * (1 - x)
        return F


print("reward of a happy face", face_reward(["smile", "left_eb_up", "right_eb_up"]))
print("parents", face_parents(["smile", "left_eb_up"]))
print("tensor", face_to_tensor(["frown", "right_eb_down"]))

F_sa = FlowModel(32)
opt = torch.optim.Adam(F_sa.parameters(), 3e-4)
losses = []
sampled_faces = []
minibatch_loss = 0
update_freq = 4
for episode in range(1200):
    state = []
    edge_flow_prediction = F_sa(face_to_tensor(state))
    for t in range(3):
        policy = edge_flow_prediction / edge_flow_prediction.sum()
        action = Categorical(probs=policy).sample()
        new_state = state + [sorted_keys[action]]
        parent_states, parent_actions = face_parents(new_state)
        px = torch.stack([face_to_tensor(p) for p in parent_states])
        pa = torch.tensor(parent_actions).long()
        parent_edge_flow_preds = F_sa(px)[torch.arange(len(parent_states)), pa]
        if t == 2:
            reward = face_reward(new_state)
            edge_flow_prediction = torch.zeros(6)
        else:
            reward = 0
            edge_flow_prediction = F_sa(face_to_tensor(new_state))
        flow_mismatch = (parent_edge_flow_preds.sum() - edge_flow_prediction.sum() - reward).pow(2)
        minibatch_loss += flow_mismatch
        state = new_state
    sampled_faces.append(state)
    if episode % update_freq == 0:
        losses.append(minibatch_loss.item())
        minibatch_loss.backward()
        opt.step()
        opt.zero_grad()
        minibatch_loss = 0
    if episode % 300 == 0:
        print(f"flow matching episode {episode} loss {np.mean(losses[-50:]):.5f}")

rewards = [face_reward(f) for f in sampled_faces[-300:]]
print("flow matching last 300 rewards", np.bincount(rewards, minlength=3))
with torch.no_grad():
    print("root edge flows", F_sa(torch.zeros(6)), "Z", F_sa(torch.zeros(6)).sum())


class TBModel(nn.Module):
    def __init__(self, num_hid):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(6, num_hid), nn.LeakyReLU(), nn.Linear(num_hid, 12))
        self.logZ = nn.Parameter(torch.ones(1))

    def forward(self, x):
        logits = self.mlp(x)
        P_F = logits[..., :6] * (1 - x) + x * -100
        P_B = logits[..., 6:] * x + (1 - x) * -100
        return P_F, P_B


torch.manual_seed(2)
model = TBModel(32)
opt = torch.optim.Adam(model.parameters(), 3e-3)
tb_losses = []
tb_sampled_faces = []
minibatch_loss = 0
update_freq = 2
logZs = []
for episode in range(1200):
    state = []
    P_F_s, P_B_s = model(face_to_tensor(state))
    total_P_F = 0
    total_P_B = 0
    for t in range(3):
        cat = Categorical(logits=P_F_s)
        action = cat.sample()
        new_state = state + [sorted_keys[action]]
        total_P_F += cat.log_prob(action)
        if t == 2:
            reward = torch.tensor(face_reward(new_state)).float()
        P_F_s, P_B_s = model(face_to_tensor(new_state))
        total_P_B += Categorical(logits=P_B_s).log_prob(action)
        state = new_state
    loss = (model.logZ + total_P_F - torch.log(reward).clip(-20) - total_P_B).pow(2)
    minibatch_loss += loss
    tb_sampled_faces.append(state)
    if episode % update_freq == 0:
        tb_losses.append(minibatch_loss.item())
        minibatch_loss.backward()
        opt.step()
        opt.zero_grad()
        minibatch_loss = 0
        logZs.append(model.logZ.item())
    if episode % 300 == 0:
        print(f"tb episode {episode} loss {np.mean(tb_losses[-50:]):.5f} logZ {model.logZ.item():.5f}")

rewards = [face_reward(f) for f in tb_sampled_faces[-300:]]
print("tb last 300 rewards", np.bincount(rewards, minlength=3))
print("final logZ", model.logZ, "exp", model.logZ.exp().item())
with torch.no_grad():
    P_F, P_B = model(torch.zeros(6))
    print("root forward policy", P_F.softmax(0))
    P_F, P_B = model(face_to_tensor(["smile", "left_eb_up", "right_eb_up"]))
    print("backward policy of a happy face", P_B.softmax(0))
