"""NPS: the customer service (once per order / per month, refused clearly) and the NPS figure."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from saleor_loyalty.exceptions import InvalidInput
from saleor_loyalty.models.metrics import NpsResponse
from saleor_loyalty.services.metrics import GroupBy, calculate_program_metrics, parse_period
from saleor_loyalty.services.metrics.nps import (
    NpsAlreadySubmitted,
    NpsOrderNotFound,
    get_nps_period_start,
    submit_nps_response,
)

from .conftest import at

D = Decimal


def test_an_answer_about_an_order_takes_the_orders_channel(customer: Any, make_order: Callable[..., Any]) -> None:
    make_order(customer, "2025-03-01", "10.00", order_id="o-1", channel="b2b")

    answer = submit_nps_response(customer.pk, 9, comment="  quick delivery  ", order_id="o-1", now=at("2025-03-02"))

    assert (answer.score, answer.comment, answer.order_id, answer.channel) == (9, "quick delivery", "o-1", "b2b")
    assert answer.period_start.isoformat() == "2025-03-01"


def test_a_second_answer_for_the_same_order_is_refused(customer: Any, make_order: Callable[..., Any]) -> None:
    make_order(customer, "2025-03-01", "10.00", order_id="o-1")
    submit_nps_response(customer.pk, 9, order_id="o-1", now=at("2025-03-02"))

    with pytest.raises(NpsAlreadySubmitted, match="order o-1 already has an answer") as caught:
        submit_nps_response(customer.pk, 3, order_id="o-1", now=at("2025-05-02"))

    assert caught.value.code == "NPS_ALREADY_SUBMITTED"
    assert NpsResponse.objects.get().score == 9


def test_without_an_order_one_answer_per_calendar_month(customer: Any) -> None:
    submit_nps_response(customer.pk, 10, channel="web", now=at("2025-03-01T00:00:00+00:00"))

    with pytest.raises(NpsAlreadySubmitted, match="already answered in March 2025; .* from 2025-04-01"):
        submit_nps_response(customer.pk, 4, now=at("2025-03-31T23:59:59+00:00"))
    april = submit_nps_response(customer.pk, 4, now=at("2025-04-01T00:00:00+00:00"))

    assert april.period_start.isoformat() == "2025-04-01"


def test_order_answers_and_a_general_answer_do_not_exclude_each_other(
    customer: Any, make_order: Callable[..., Any]
) -> None:
    make_order(customer, "2025-03-01", "10.00", order_id="o-1")
    make_order(customer, "2025-03-02", "10.00", order_id="o-2")

    for order_id in ("o-1", "o-2", None):
        submit_nps_response(customer.pk, 8, order_id=order_id, now=at("2025-03-03"))

    assert NpsResponse.objects.count() == 3


def test_another_customers_order_is_not_found(
    customer: Any, other_customer: Any, make_order: Callable[..., Any]
) -> None:
    make_order(other_customer, "2025-03-01", "10.00", order_id="theirs")

    with pytest.raises(NpsOrderNotFound, match="you have no order theirs"):
        submit_nps_response(customer.pk, 10, order_id="theirs")


@pytest.mark.parametrize("score", [-1, 11, True, 7.5, "9"])
def test_a_score_outside_0_to_10_is_invalid(customer: Any, score: Any) -> None:
    with pytest.raises(InvalidInput, match="score must be a whole number from 0 to 10"):
        submit_nps_response(customer.pk, score)


def test_every_input_problem_is_reported_at_once(customer: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        submit_nps_response(customer.pk, 12, comment="x" * 2001)

    assert [field for field, _ in caught.value.problems] == ["score", "comment"]


def test_a_nul_character_is_refused_before_the_database_sees_it(customer: Any) -> None:
    with pytest.raises(InvalidInput, match="must not contain NUL"):
        submit_nps_response(customer.pk, 5, comment="a\x00b")


def test_the_period_is_the_utc_month() -> None:
    from datetime import datetime, timedelta, timezone

    # 00:30 on 1 April in UTC+2 is still 31 March in UTC.
    moment = datetime(2025, 4, 1, 0, 30, tzinfo=timezone(timedelta(hours=2)))

    assert get_nps_period_start(moment).isoformat() == "2025-03-01"


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        ("INSERT INTO loyalty_nps_response (user_id, score, comment, order_id, channel, period_start, created_at)"
         " VALUES (%s, 11, '', '', '', '2025-03-01', now())", "loyalty_nps_score_range"),
        ("INSERT INTO loyalty_nps_response (user_id, score, comment, order_id, channel, period_start, created_at)"
         " VALUES (%s, 5, '', '', '', '2025-03-02', now())", "loyalty_nps_period_starts_month"),
        ("INSERT INTO loyalty_nps_response (user_id, score, comment, order_id, channel, period_start, created_at)"
         " VALUES (%s, 5, repeat('x', 2001), '', '', '2025-03-01', now())", "loyalty_nps_comment_length"),
    ],
)
def test_the_database_refuses_bad_rows_written_around_the_orm(customer: Any, sql: str, constraint: str) -> None:
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [customer.pk])


def test_the_database_refuses_a_second_period_answer_written_around_the_service(customer: Any) -> None:
    # given
    NpsResponse.objects.create(user=customer, score=5, period_start=at("2025-03-01").date())

    # when / then: .create() skips the service's checks; the UNIQUE constraint still holds
    with pytest.raises(IntegrityError, match="loyalty_nps_one_per_period"), transaction.atomic():
        NpsResponse.objects.create(user=customer, score=6, period_start=at("2025-03-01").date())


def test_nps_is_promoters_minus_detractors_per_hundred_answers(
    create_user: Callable[..., Any], company: Any, make_order: Callable[..., Any]
) -> None:
    # given, March: scores 10 and 9 (promoters), 7 (passive), 3 (detractor) -> (2 - 1) / 4 = 25.00;
    # February's 0 and another channel's 0 do not count.
    from saleor_loyalty.models import CompanyMember

    users = [create_user() for _ in range(6)]
    CompanyMember.objects.create(company=company, user=users[3])
    make_order(users[0], "2025-03-01", "10.00", order_id="o-1")
    submit_nps_response(users[0].pk, 10, order_id="o-1", now=at("2025-03-02"))
    submit_nps_response(users[1].pk, 9, channel="web", now=at("2025-03-05"))
    submit_nps_response(users[2].pk, 7, channel="web", now=at("2025-03-06"))
    submit_nps_response(users[3].pk, 3, channel="web", now=at("2025-03-07"))
    submit_nps_response(users[4].pk, 0, channel="web", now=at("2025-02-28"))
    submit_nps_response(users[5].pk, 0, channel="b2b", now=at("2025-03-08"))

    # when
    report = calculate_program_metrics(
        parse_period("2025-03"), point_value=D("0.01"), channel="web", group_by=GroupBy.COMPANY
    )

    # then
    row = report.overall
    assert (row.nps_responses, row.nps_promoters, row.nps_passives, row.nps_detractors) == (4, 2, 1, 1)
    assert row.nps == D("25.00")
    groups = {group.label: group for group in report.groups}
    assert (groups["Acme Supplies"].nps, groups["No company"].nps) == (D("-100.00"), D("66.67"))


def test_nps_is_undefined_without_answers(customer: Any, make_order: Callable[..., Any]) -> None:
    make_order(customer, "2025-03-01", "10.00")

    row = calculate_program_metrics(parse_period("2025-03"), point_value=D("0.01")).overall

    assert (row.nps_responses, row.nps) == (0, None)
