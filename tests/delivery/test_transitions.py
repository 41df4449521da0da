"""The one table of shipment transitions."""

import itertools

from delivery.constants import CANCELLABLE, FINAL_STATUSES, TRANSITIONS, ShipmentStatus, can_move

S = ShipmentStatus


def test_every_status_has_a_row_and_final_rows_are_empty():
    assert set(TRANSITIONS) == set(S.values)
    for status in FINAL_STATUSES:
        assert TRANSITIONS[status] == frozenset()


def test_a_final_status_is_never_left_not_even_by_itself():
    for final, new in itertools.product(FINAL_STATUSES, S.values):
        assert not can_move(final, new), (final, new)


def test_nothing_goes_back_to_created_or_booked_after_pickup():
    for current in S.values:
        if current != S.CREATED:
            assert not can_move(current, S.CREATED) or current == S.CREATED
    for current in (S.PICKED_UP, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.FAILED_ATTEMPT, S.RETURNING):
        assert not can_move(current, S.BOOKED)
        assert not can_move(current, S.PICKED_UP) or current == S.PICKED_UP


def test_cancel_only_before_pickup():
    assert {s for s in S.values if can_move(s, S.CANCELLED) and s != S.CANCELLED} == set(CANCELLABLE)


def test_returning_leads_only_to_returned_or_lost():
    assert {s for s in S.values if can_move(S.RETURNING, s)} == {S.RETURNING, S.RETURNED, S.LOST}


def test_the_usual_journeys_are_allowed_step_by_step():
    journeys = [
        [S.CREATED, S.BOOKED, S.PICKED_UP, S.IN_TRANSIT, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED],
        [S.BOOKED, S.PICKED_UP, S.OUT_FOR_DELIVERY, S.FAILED_ATTEMPT, S.OUT_FOR_DELIVERY, S.DELIVERED],
        [S.BOOKED, S.OUT_FOR_DELIVERY, S.FAILED_ATTEMPT, S.FAILED_ATTEMPT, S.RETURNING, S.RETURNED],
        [S.BOOKED, S.IN_TRANSIT, S.LOST],
        [S.CREATED, S.CANCELLED],
    ]
    for journey in journeys:
        for current, new in itertools.pairwise(journey):
            assert can_move(current, new), (current, new)


def test_forward_jumps_over_lost_callbacks_are_allowed():
    assert can_move(S.BOOKED, S.DELIVERED)
    assert can_move(S.CREATED, S.OUT_FOR_DELIVERY)
    assert can_move(S.PICKED_UP, S.RETURNED)


def test_backward_moves_are_refused():
    assert not can_move(S.OUT_FOR_DELIVERY, S.IN_TRANSIT)
    assert not can_move(S.IN_TRANSIT, S.PICKED_UP)
    assert not can_move(S.RETURNING, S.OUT_FOR_DELIVERY)
