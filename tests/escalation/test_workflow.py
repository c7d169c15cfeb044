"""The escalation step as a pure state machine."""

import pytest

from escalation import workflow as wf


@pytest.mark.parametrize("state,action,to", [
    ("open", "acknowledge", "acknowledged"),
    ("open", "resolve", "resolved"),
    ("open", "return", "returned"),
    ("open", "escalate", "escalated"),
    ("acknowledged", "resolve", "resolved"),
    ("acknowledged", "return", "returned"),
    ("acknowledged", "escalate", "escalated"),
])
def test_allowed(state, action, to):
    assert wf.check(state, action, decision="Because") == to


@pytest.mark.parametrize("state,action", [
    ("acknowledged", "acknowledge"),
    ("resolved", "acknowledge"), ("resolved", "resolve"), ("resolved", "escalate"),
    ("returned", "return"), ("returned", "resolve"),
    ("escalated", "acknowledge"), ("escalated", "escalate"), ("escalated", "resolve"),
])
def test_refused_is_a_conflict(state, action):
    with pytest.raises(wf.TransitionError) as exc:
        wf.check(state, action, decision="x")
    assert exc.value.conflict


@pytest.mark.parametrize("action", ["resolve", "return"])
@pytest.mark.parametrize("decision", ["", "  \n "])
def test_decisions_need_text(action, decision):
    with pytest.raises(wf.TransitionError) as exc:
        wf.check("acknowledged", action, decision=decision)
    assert exc.value.field == "decision" and not exc.value.conflict


def test_escalate_and_acknowledge_need_no_decision():
    assert wf.check("open", "acknowledge") == "acknowledged"
    assert wf.check("open", "escalate") == "escalated"


def test_unknown_action():
    with pytest.raises(wf.TransitionError, match="Unknown action"):
        wf.check("open", "delete")


def test_allowed_actions_and_active_states():
    assert wf.allowed_actions("open") == ("acknowledge", "resolve", "return", "escalate")
    assert wf.allowed_actions("acknowledged") == ("resolve", "return", "escalate")
    for closed in ("resolved", "returned", "escalated"):
        assert wf.allowed_actions(closed) == ()
        assert closed not in wf.ACTIVE
