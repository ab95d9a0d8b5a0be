"""The application state machine: ONE table says which changes exist and who may make them.

Everything else (the API's ``allowed_transitions``, the 409 that names the allowed changes, the
history) is derived from ``TRANSITIONS``.
"""

from __future__ import annotations

from collections.abc import Iterable

from applications.errors import IllegalTransition
from applications.vocab import Actor
from applications.vocab import ApplicationStatus as S
from servicekit.errors import Forbidden

LEARNER = frozenset({Actor.learner})
STAFF = frozenset({Actor.provider_staff})
# `system` withdraws what is still open when a learner deletes their account.
LEARNER_OR_SYSTEM = frozenset({Actor.learner, Actor.system})

TRANSITIONS: dict[tuple[S, S], frozenset[Actor]] = {
    (S.draft, S.submitted): LEARNER,
    (S.draft, S.withdrawn): LEARNER,
    (S.submitted, S.under_review): STAFF,
    (S.submitted, S.rejected): STAFF,
    (S.submitted, S.withdrawn): LEARNER_OR_SYSTEM,
    (S.under_review, S.interview): STAFF,
    (S.under_review, S.offer): STAFF,
    (S.under_review, S.rejected): STAFF,
    (S.under_review, S.withdrawn): LEARNER_OR_SYSTEM,
    (S.interview, S.offer): STAFF,
    (S.interview, S.rejected): STAFF,
    (S.interview, S.withdrawn): LEARNER_OR_SYSTEM,
    (S.offer, S.accepted): LEARNER,
    (S.offer, S.declined): LEARNER_OR_SYSTEM,
    (S.offer, S.rejected): STAFF,  # the offer's conditions were not met
    (S.accepted, S.enrolled): STAFF,
    (S.accepted, S.withdrawn): LEARNER_OR_SYSTEM,
}

# An application in one of these has ended: the learner may apply to the intake again.
ENDED = frozenset({S.declined, S.rejected, S.withdrawn})
# Places an intake has promised (offers count, so accepted places never exceed capacity).
PROMISED = frozenset({S.offer, S.accepted, S.enrolled})
TAKEN = frozenset({S.accepted, S.enrolled})
# Staff see applications once they are sent.
SENT = frozenset(S) - {S.draft}


def allowed(status: S, actors: Iterable[Actor]) -> list[S]:
    """Where ``actors`` may move an application that is in ``status``, in the table's order."""
    mine = frozenset(actors)
    return [to for (frm, to), who in TRANSITIONS.items() if frm == status and who & mine]


def check(status: S, to: S, actors: Iterable[Actor]) -> None:
    """Refuse a change the table does not have (409, naming the allowed ones) or that the
    caller may not make (403, naming who may)."""
    mine = frozenset(actors)
    who = TRANSITIONS.get((status, to))
    if who is None:
        options = allowed(status, mine)
        named = ", ".join(options) if options else "none"
        raise IllegalTransition(
            f"An application that is {status} cannot become {to}. Allowed for you from "
            f"{status}: {named}.",
            extra={"allowed": [str(o) for o in options]},
        )
    if not who & mine:
        parts = " or ".join(sorted(str(a).replace("_", " ") for a in who - {Actor.system}))
        raise Forbidden(f"Only the {parts} may move an application from {status} to {to}.")
