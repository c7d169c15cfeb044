import itertools

import pytest

from ideas import workflow as wf
from ideas.models import Idea

S = Idea.Status

ALL = [S.NEW, S.IN_PROGRESS, S.DONE, S.DECLINED, S.PARKED]
ALLOWED = {
    (S.NEW, S.IN_PROGRESS), (S.NEW, S.DECLINED), (S.NEW, S.PARKED),
    (S.IN_PROGRESS, S.DONE), (S.IN_PROGRESS, S.DECLINED), (S.IN_PROGRESS, S.PARKED),
    (S.DONE, S.IN_PROGRESS), (S.DECLINED, S.IN_PROGRESS), (S.PARKED, S.IN_PROGRESS),
}


@pytest.mark.parametrize("current,target", list(itertools.product(ALL, ALL)))
def test_every_pair(current, target):
    if (current, target) in ALLOWED:
        wf.check(current, target, reason="because", learning="we learned")
    else:
        with pytest.raises(wf.TransitionError) as exc:
            wf.check(current, target, reason="because", learning="we learned")
        assert exc.value.conflict
        assert exc.value.allowed == wf.allowed_targets(current)


def test_done_needs_learning():
    with pytest.raises(wf.TransitionError, match="learning note") as exc:
        wf.check(S.IN_PROGRESS, S.DONE, learning="   ")
    assert exc.value.field == "learning" and not exc.value.conflict


@pytest.mark.parametrize("current,target", [(S.NEW, S.DECLINED), (S.IN_PROGRESS, S.DECLINED),
                                            (S.DONE, S.IN_PROGRESS),
                                            (S.DECLINED, S.IN_PROGRESS),
                                            (S.PARKED, S.IN_PROGRESS)])
def test_reason_required(current, target):
    with pytest.raises(wf.TransitionError, match="needs a reason"):
        wf.check(current, target)
    wf.check(current, target, reason="ok")


def test_parking_and_starting_need_nothing():
    wf.check(S.NEW, S.PARKED)
    wf.check(S.NEW, S.IN_PROGRESS)


def test_unknown_status():
    with pytest.raises(wf.TransitionError, match="Unknown status"):
        wf.check(S.NEW, "launched")
