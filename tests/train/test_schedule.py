"""Learning-rate schedules against their closed forms, and cosine against torch's scheduler."""

import math

import pytest
import torch

from cnnviz.train import LRSchedule


def test_cosine_hits_the_closed_form():
    s = LRSchedule("cosine", 0.1, total_steps=100)
    assert s(0) == 0.1
    assert s(25) == pytest.approx(0.1 * (1 + math.cos(math.pi / 4)) / 2, rel=1e-12)
    assert s(50) == pytest.approx(0.05, rel=1e-12)
    assert s(75) == pytest.approx(0.1 * (1 + math.cos(3 * math.pi / 4)) / 2, rel=1e-12)
    assert 0 < s(99) < 1e-4
    assert s(100) == pytest.approx(0.0, abs=1e-18)


def test_cosine_with_warmup():
    s = LRSchedule("cosine", 0.1, total_steps=110, warmup_steps=10)
    assert [s(k) for k in (0, 4, 9)] == pytest.approx([0.01, 0.05, 0.1], rel=1e-12)
    assert s(10) == 0.1
    assert s(60) == pytest.approx(0.05, rel=1e-12)
    assert s(35) == pytest.approx(0.1 * (1 + math.cos(math.pi * 25 / 100)) / 2, rel=1e-12)
    assert s(110) == pytest.approx(0.0, abs=1e-18)


def test_cosine_matches_torch_cosine_annealing():
    weight = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([weight], lr=0.2)
    ref = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=37)
    s = LRSchedule("cosine", 0.2, total_steps=37)
    for step in range(37):
        assert s(step) == pytest.approx(opt.param_groups[0]["lr"], rel=1e-12, abs=1e-15), step
        opt.step()
        ref.step()


def test_step_decays_every_step_size_epochs():
    s = LRSchedule("step", 0.1, total_steps=100, steps_per_epoch=10, step_size=2, gamma=0.5)
    assert s(0) == s(19) == 0.1
    assert s(20) == s(39) == 0.05
    assert s(40) == 0.025


def test_constant_and_errors():
    s = LRSchedule("constant", 0.3, total_steps=5, warmup_steps=2)
    assert [s(k) for k in range(4)] == [0.15, 0.3, 0.3, 0.3]
    with pytest.raises(ValueError, match="unknown lr schedule"):
        LRSchedule("linear", 0.1, 10)
    with pytest.raises(ValueError, match="at least 1"):
        LRSchedule("cosine", 0.1, 0)
