"""Building distributions from transforms, as a probabilistic-programming tutorial does:
TransformedDistribution over Compose/Affine/Exp/Sigmoid/Tanh/Power/Abs/Softplus transforms,
StickBreaking and Softmax onto the simplex, LowerCholesky and CorrCholesky for covariances,
Cat/Stack/Reshape/Independent transforms, log_abs_det_jacobian, constraints and biject_to;
then FisherSnedecor, GeneralizedPareto, InverseGamma and RelaxedBernoulli log-densities."""

import torch
from torch.distributions import (AbsTransform, AffineTransform, CatTransform, ComposeTransform,
                                 CorrCholeskyTransform, ExpTransform, FisherSnedecor, GeneralizedPareto,
                                 IndependentTransform, InverseGamma, LowerCholeskyTransform, Normal,
                                 PowerTransform, RelaxedBernoulli, ReshapeTransform, SigmoidTransform,
                                 SoftmaxTransform, SoftplusTransform, StackTransform, StickBreakingTransform,
                                 TanhTransform, TransformedDistribution, Uniform, biject_to, constraints,
                                 transform_to)

torch.set_num_threads(1)
torch.manual_seed(0)
torch.set_printoptions(precision=5)

x = torch.tensor([-1.5, -0.2, 0.0, 0.7, 2.0])
chain = ComposeTransform([AffineTransform(0.5, 2.0), SigmoidTransform(), AffineTransform(-1.0, 3.0)])
y = chain(x)
print("compose", y)
print("inverse", [round(v, 4) for v in chain.inv(y).tolist()])
print("ladj", chain.log_abs_det_jacobian(x, y))
print("domain", chain.domain, "codomain", chain.codomain, chain.bijective, chain.sign)
for tr in [ExpTransform(), TanhTransform(), PowerTransform(3.0), SoftplusTransform(), AbsTransform(),
           SigmoidTransform(), AffineTransform(1.0, -2.0)]:
    out = tr(x)
    try:
        ladj = tr.log_abs_det_jacobian(x, out)
        ladj_text = [round(v, 5) for v in ladj.tolist()]
    except NotImplementedError:
        ladj_text = "n/a"
    print(f"{type(tr).__name__:18s}", [round(v, 5) for v in out.tolist()], ladj_text)
print("power inverse", PowerTransform(2.0).inv(torch.tensor([4.0, 9.0])))
print("exp inv of inv", ExpTransform().inv.inv, ExpTransform() == ExpTransform())

logits = torch.tensor([[0.2, -1.0, 0.5], [1.0, 1.0, -2.0]])
sb = StickBreakingTransform()
simplex = sb(logits)
print("stick breaking", simplex, simplex.sum(-1))
print("stick ladj", sb.log_abs_det_jacobian(logits, simplex), "inverse", sb.inv(simplex))
sm = SoftmaxTransform()
print("softmax transform", sm(logits), sm.inv(sm(logits)))

vec6 = torch.tensor([0.3, -0.5, 1.2, 0.1, -0.4, 0.8])
lc = LowerCholeskyTransform()
mat = torch.tensor([[0.5, 9.0, 9.0], [-0.5, 0.1, 9.0], [1.2, 0.3, -1.0]])
print("lower cholesky", lc(mat))
cc = CorrCholeskyTransform()
L = cc(vec6[:3])
print("corr cholesky", L)
# (each row has unit norm up to float32 rounding: printed as the deviation's bound, since a sum that rounds to
# exactly 1 prints as "1." and one an ulp off as "1.00000", which tanh's last bit decides on some CPUs)
print("rows unit norm", bool(((L * L).sum(-1) - 1).abs().max() < 1e-6), "ladj",
      cc.log_abs_det_jacobian(vec6[:3], L))
print("corr inverse", cc.inv(L))

cat = CatTransform([ExpTransform(), AffineTransform(0.0, 2.0)], dim=0, lengths=[2, 3])
print("cat transform", cat(x), cat.log_abs_det_jacobian(x, cat(x)))
stack = StackTransform([ExpTransform(), TanhTransform()], dim=1)
pair = torch.tensor([[0.1, 0.2], [1.0, -1.0]])
print("stack transform", stack(pair), stack.log_abs_det_jacobian(pair, stack(pair)))
rs = ReshapeTransform((6,), (2, 3))
print("reshape transform", rs(vec6).shape, rs.inv(rs(vec6)).shape, rs.log_abs_det_jacobian(vec6, rs(vec6)))
ind = IndependentTransform(ExpTransform(), 1)
print("independent", ind.log_abs_det_jacobian(pair, ind(pair)))

base = Normal(torch.zeros(3), torch.ones(3))
logit_normal = TransformedDistribution(base, [SigmoidTransform()])
pts = torch.tensor([0.1, 0.5, 0.95])
print("logit-normal log_prob", logit_normal.log_prob(pts))
log_normal = TransformedDistribution(Normal(0.5, 0.25), ExpTransform())
print("log-normal log_prob", log_normal.log_prob(torch.tensor([1.0, 2.0])), log_normal.support)
gumbel_like = TransformedDistribution(Uniform(0.0, 1.0), [ExpTransform().inv, AffineTransform(0.0, -1.0),
                                                          ExpTransform().inv, AffineTransform(1.0, -2.0)])
print("gumbel via transforms", gumbel_like.log_prob(torch.tensor([0.0, 1.0, 3.0])))
s = log_normal.rsample((4,))
print("rsample", s, s.shape)

for c in [constraints.positive, constraints.unit_interval, constraints.simplex, constraints.real,
          constraints.corr_cholesky, constraints.interval(-1.0, 2.0), constraints.greater_than(1.0)]:
    t = biject_to(c)
    print(f"biject_to {c}", type(t).__name__ if not isinstance(t, ComposeTransform) else
          [type(p).__name__ for p in t.parts])
u = transform_to(constraints.interval(-1.0, 2.0))(torch.tensor([-3.0, 0.0, 3.0]))
print("transform_to interval", u, constraints.interval(-1.0, 2.0).check(u))
print("simplex check", constraints.simplex.check(simplex), constraints.positive.check(torch.tensor([1.0, -1.0])))

fs = FisherSnedecor(torch.tensor([3.0, 10.0]), torch.tensor([5.0, 20.0]))
q = torch.tensor([0.5, 1.5])
print("fisher log_prob", fs.log_prob(q), "mean", fs.mean, "var", fs.variance)
gp = GeneralizedPareto(torch.tensor(0.0), torch.tensor(2.0), torch.tensor([0.25, -0.2]))
gq = torch.tensor([1.0, 3.0])
print("gpd log_prob", gp.log_prob(gq), "cdf", gp.cdf(gq), "icdf", gp.icdf(torch.tensor([0.5, 0.9])))
print("gpd mean", gp.mean, "var", gp.variance, "entropy", gp.entropy())
ig = InverseGamma(torch.tensor([3.0, 5.0]), torch.tensor([2.0, 1.0]))
print("inverse gamma", ig.log_prob(torch.tensor([0.5, 0.3])), ig.mean, ig.variance, ig.entropy())
rb = RelaxedBernoulli(torch.tensor(0.5), probs=torch.tensor([0.2, 0.7]))
print("relaxed bernoulli log_prob", rb.log_prob(torch.tensor([0.3, 0.9])), rb.temperature)
print("relaxed sample", rb.rsample((3,)))
print("F sample", fs.sample((2,)), "gpd sample", gp.sample((2,)), "ig sample", ig.rsample())

conc = torch.tensor([2.0, 0.5], requires_grad=True)
rate = torch.tensor([1.0, 3.0], requires_grad=True)
InverseGamma(conc, rate).log_prob(torch.tensor([0.5, 0.25])).sum().backward()
print("inverse gamma grads", conc.grad, rate.grad)
shape = torch.tensor(0.3, requires_grad=True)
GeneralizedPareto(torch.tensor(0.0), torch.tensor(1.0), shape).log_prob(torch.tensor([0.5, 2.0])).sum().backward()
print("gpd shape grad", shape.grad)
