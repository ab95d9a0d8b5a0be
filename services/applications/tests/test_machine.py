"""The state machine table itself (no database, no app)."""

from __future__ import annotations

import pytest

from applications.application import machine
from applications.errors import IllegalTransition
from applications.vocab import Actor
from applications.vocab import ApplicationStatus as S
from servicekit.errors import Forbidden


def reachable() -> set[S]:
    found, frontier = {S.draft}, [S.draft]
    while frontier:
        status = frontier.pop()
        for frm, to in machine.TRANSITIONS:
            if frm == status and to not in found:
                found.add(to)
                frontier.append(to)
    return found


def test_every_status_is_reachable_from_a_draft():
    assert reachable() == set(S)


def test_ended_and_enrolled_applications_never_move_again():
    for frm, _ in machine.TRANSITIONS:
        assert frm not in machine.ENDED | {S.enrolled}


def test_only_the_learner_accepts_and_only_staff_decide():
    for (frm, to), who in machine.TRANSITIONS.items():
        if to in (S.accepted, S.submitted):
            assert who == {Actor.learner}, (frm, to)
        if to in (S.under_review, S.interview, S.offer, S.rejected, S.enrolled):
            assert who == {Actor.provider_staff}, (frm, to)


def test_everything_the_system_closes_on_erasure_is_in_the_table():
    from applications.learner.service import CLOSE_ON_ERASURE

    for frm, to in CLOSE_ON_ERASURE.items():
        assert Actor.system in machine.TRANSITIONS[(frm, to)]
    assert set(CLOSE_ON_ERASURE) == machine.SENT - machine.ENDED - {S.enrolled}


def test_allowed_follows_the_table_in_order():
    assert machine.allowed(S.offer, {Actor.learner}) == [S.accepted, S.declined]
    assert machine.allowed(S.offer, {Actor.provider_staff}) == [S.rejected]
    assert machine.allowed(S.offer, set()) == []


def test_check_refuses_what_is_not_in_the_table_naming_what_is():
    with pytest.raises(IllegalTransition) as refused:
        machine.check(S.submitted, S.enrolled, {Actor.provider_staff})
    assert refused.value.extra["allowed"] == ["under_review", "rejected"]
    with pytest.raises(Forbidden):
        machine.check(S.submitted, S.under_review, {Actor.learner})
    machine.check(S.submitted, S.under_review, {Actor.provider_staff})
