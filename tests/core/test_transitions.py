import pytest

from claims.services import ClaimTransitionNotAllowed
from core.transitions import TransitionNotAllowed, checked_sources, sources_of
from documents.services.transitions import DocumentTransitionNotAllowed
from interviews.services.transitions import InterviewTransitionNotAllowed, ReminderTransitionNotAllowed
from notifications.services.transitions import MessageTransitionNotAllowed

TABLE = {"a": frozenset({"b"}), "b": frozenset({"c", "b"}), "c": frozenset()}


class Refused(TransitionNotAllowed):
    def __init__(self, from_status: str, to: str):
        super().__init__("thing 1", from_status, to)


def test_sources_of_a_status_are_read_from_the_table():
    assert sources_of(TABLE, "b") == {"a", "b"}
    assert sources_of(TABLE, "a") == frozenset()


def test_a_move_the_table_lacks_is_refused_naming_it():
    assert checked_sources(TABLE, ["a", "b"], "b", Refused) == {"a", "b"}
    with pytest.raises(Refused, match=r"thing 1: c → b is not allowed") as refused:
        checked_sources(TABLE, ["a", "c"], "b", Refused)
    assert (refused.value.from_status, refused.value.to_status) == ("c", "b")


def test_every_entitys_refusal_is_one_kind_of_error():
    for refusal in (
        ClaimTransitionNotAllowed,
        DocumentTransitionNotAllowed,
        InterviewTransitionNotAllowed,
        ReminderTransitionNotAllowed,
        MessageTransitionNotAllowed,
    ):
        assert issubclass(refusal, TransitionNotAllowed)
