import itertools

import pytest

from ideas import workflow as wf

ALL = [wf.NEW, wf.IN_PROGRESS, wf.DONE, wf.DECLINED, wf.PARKED]
ALLOWED = {
    (wf.NEW, wf.IN_PROGRESS), (wf.NEW, wf.DECLINED), (wf.NEW, wf.PARKED),
    (wf.IN_PROGRESS, wf.DONE), (wf.IN_PROGRESS, wf.DECLINED), (wf.IN_PROGRESS, wf.PARKED),
    (wf.DONE, wf.IN_PROGRESS), (wf.DECLINED, wf.IN_PROGRESS), (wf.PARKED, wf.IN_PROGRESS),
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
        wf.check(wf.IN_PROGRESS, wf.DONE, learning="   ")
    assert exc.value.field == "learning" and not exc.value.conflict


@pytest.mark.parametrize("current,target", [(wf.NEW, wf.DECLINED), (wf.IN_PROGRESS, wf.DECLINED),
                                            (wf.DONE, wf.IN_PROGRESS),
                                            (wf.DECLINED, wf.IN_PROGRESS),
                                            (wf.PARKED, wf.IN_PROGRESS)])
def test_reason_required(current, target):
    with pytest.raises(wf.TransitionError, match="needs a reason"):
        wf.check(current, target)
    wf.check(current, target, reason="ok")


def test_parking_and_starting_need_nothing():
    wf.check(wf.NEW, wf.PARKED)
    wf.check(wf.NEW, wf.IN_PROGRESS)


def test_unknown_status():
    with pytest.raises(wf.TransitionError, match="Unknown status"):
        wf.check(wf.NEW, "launched")
