"""`saleor-loyalty demo`: the story through the API, the server, and the command end to end."""

from __future__ import annotations

import http.cookiejar
import json
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.demo import cli
from saleor_loyalty.demo.cast import Cast
from saleor_loyalty.demo.client import DemoClient, DemoError
from saleor_loyalty.demo.program import sam_sets_up_the_program
from saleor_loyalty.demo.server import make_server
from saleor_loyalty.demo.story import NOT_WIRED_YET, STEPS, Out, play, seed_cast
from saleor_loyalty.models import OrderRecord, Referral, ReferralCode, Tier
from saleor_loyalty.services import customers, points
from saleor_loyalty.shop import set_shop


@pytest.fixture
def played(db: None) -> Iterator[tuple[Cast, list[str]]]:
    lines: list[str] = []
    cast = seed_cast()
    try:
        play(cast, out=Out(lines.append))
        yield cast, lines
    finally:
        set_shop(None)


@pytest.fixture
def story_lines(played: tuple[Cast, list[str]]) -> list[str]:
    return played[1]


def test_story_plays_every_step_through_the_api(story_lines: list[str]) -> None:
    text = "\n".join(story_lines)
    headings = [line for line in story_lines if line.startswith("\n") and line[1:2].isdigit()]
    assert len(headings) == len(STEPS)
    assert "staff: True   permissions: MANAGE_DISCOUNTS, MANAGE_ORDERS, MANAGE_USERS" in text
    assert "no token: customerId None, permissions: none" in text
    assert "booked ADJUST +500; Alice has 500 available" in text
    assert "replayed the first adjustment (ADJUST +500), nothing new booked; Alice has 500 available" in text
    assert "statement: ADJUST  AVAILABLE +500  Welcome to the club" in text
    assert "reading Bob's account: PermissionDenied" in text
    assert "adjusting her own points: PermissionDenied" in text
    assert "removing 10,000 points: INSUFFICIENT_POINTS" in text
    assert "Alice still has 500 available" in text
    assert story_lines[-1].startswith("\nNot in the story yet") == bool(NOT_WIRED_YET)


def test_staff_set_the_program_up_through_the_api(story_lines: list[str]) -> None:
    text = "\n".join(story_lines)
    assert "loyaltyTierCreate: Gold     from $250.00 spent in 365 days, x1.25 points" in text
    assert "loyaltyPriceListImport: a CSV of 2 rows, 1 entry created, 2 breaks written" in text
    assert "tier Platinum from $1,000.00 spent: x1.5 points, gifts unlocked" in text
    assert "referrals: a friend's first order of $30.00 or more gets $10.00 off, the referrer 200 points" in text


def test_alice_earns_matures_redeems_and_reaches_gold(played: tuple[Cast, list[str]]) -> None:
    cast, lines = played
    text = "\n".join(lines)
    # Grinder (149.00, double points on brewing gear) + 2 x 24.00 beans: 298 + 48 = 346 points, and a mug.
    assert "earns 346 points" in text
    assert "1 x Logo mug             free gift" in text
    assert "Alice: available 500, pending 346, held 0, lifetime earned 846" in text
    assert "tier: Silver; next: Gold at $250.00 spent, $197.00 so far, $53.00 to go" in text
    assert "task: 1 pending lot(s) matured" in text
    assert "Alice: available 846, pending 0" in text
    assert "redeeming 1846 points: ABOVE_MAXIMUM" in text
    assert "redeeming 800 points: code LOYALTY-" in text and "takes $8.00 off" in text
    assert "subtotal $78.00, to pay $70.00" in text
    assert "tier: Gold; next: Platinum at $1,000.00 spent, $267.00 so far, $733.00 to go" in text
    # The staff list and the ledger agree: 500 + 346 - 800 left, 128 + 200 + 155 (her
    # next-purchase order) pending.
    assert "Alice  tier Gold      available    46  pending  483" in text
    balance = points.get_balance(points.Owner.customer(cast.alice.user.pk))
    assert (balance.available, balance.pending, balance.held) == (46, 483, 0)
    state = customers.get_customer_loyalty(cast.alice.user.pk)
    assert Tier.objects.get(pk=state.tier_id).name == "Gold"
    assert OrderRecord.objects.filter(user_id=cast.alice.user.pk, credited=True).count() == 3


def test_wholesale_buyer_sees_break_prices_and_hints(story_lines: list[str]) -> None:
    text = "\n".join(story_lines)
    table = "COF-ESP-1KG  Espresso beans 1 kg  list $24.00   1+ $24.00, 10+ $19.50 (Wholesale), 25+ $17.00 (Wholesale)"
    assert table in text
    assert "Alice, for COF-ESP-1KG: 1+ $24.00" in text
    assert "30 x Espresso beans 1 kg  $17.00 (was $24.00: Wholesale, from 25)" in text
    assert "= $176.00; 2 more -> $18.00 each" in text
    assert "subtotal $782.00, tier prices save $244.00" in text


def test_referral_pays_the_referrer(played: tuple[Cast, list[str]]) -> None:
    cast, lines = played
    text = "\n".join(lines)
    assert "shop: Carol signs up with the code: referred with code REF-" in text
    assert "the referrer earns 200" in text
    assert "Alice's referrals: 1 referred, 1 rewarded, 200 points per reward" in text
    referral = Referral.objects.get(referee_id=cast.carol.user.pk)
    assert (referral.referrer_id, referral.reward_points) == (cast.alice.user.pk, 200)
    # Carol's first order: 2 x 22.00 less her $10.00 referral discount, under Alice's code.
    code = ReferralCode.objects.get(user_id=cast.alice.user.pk).code
    assert f"loyaltyReferralDiscountApply: Carol's first order takes $10.00 off under code {code}" in text
    order = OrderRecord.objects.get(user_id=cast.carol.user.pk, channel="default-channel")  # her referred first order
    assert (order.voucher_code, order.goods_total) == (code, Decimal("34.00"))
    # Carol: the 50-point welcome bonus, 34 points pending on the 34.00 she paid, and (the story's
    # last step) 44 pending on her order in the zloty channel.
    assert order.points_earned == 34
    balance = points.get_balance(points.Owner.customer(cast.carol.user.pk))
    assert (balance.available, balance.pending) == (50, 34 + 44)
    assert "Alice calling loyaltyTierCreate: PermissionDenied" in text


def test_a_refund_takes_back_its_share(played: tuple[Cast, list[str]]) -> None:
    cast, lines = played
    text = "\n".join(lines)
    # A 65.00 kettle earns double points (brewing gear): 130; refunding half takes back 65.
    assert "($65.00 paid) and paid: 130 points credited" in text
    assert "shop: $32.50 refunded: 65 points taken back" in text
    assert "Bob: available 0, pending 65, held 0, lifetime earned 65" in text
    # and his order of 400 days ago earned 48 points that expired unspent in the story's last chapters
    balance = points.get_balance(points.Owner.customer(cast.bob.user.pk))
    assert (balance.available, balance.pending, balance.lifetime_earned) == (0, 65, 113)


def test_seeding_twice_keeps_one_cast(db: None) -> None:
    try:
        first, second = seed_cast(), seed_cast()
    finally:
        set_shop(None)
    assert [p.user.pk for p in first.people] == [p.user.pk for p in second.people]
    assert first.run_id != second.run_id


def test_playing_again_on_the_same_database_keeps_the_program(played: tuple[Cast, list[str]]) -> None:
    lines: list[str] = []
    cast = seed_cast()
    try:
        sam_sets_up_the_program(DemoClient(), cast, Out(lines.append))
    finally:
        set_shop(None)
    assert "the program is already set up in this database; kept as it is" in "\n".join(lines)


def test_demo_client_raises_on_errors(db: None) -> None:
    client = DemoClient()
    with pytest.raises(DemoError, match="HTTP 400: Syntax Error"):
        client.data("{ loyaltyViewer {")
    response = client.execute("{ loyaltyAccount { available } }")
    assert response.error_codes == ["PermissionDenied"]


@pytest.fixture
def served() -> Iterator[str]:
    server = make_server(0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/graphql/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_server_serves_graphiql_and_the_api(served: str) -> None:
    with urllib.request.urlopen(served, timeout=10) as page:
        assert page.status == 200
        assert b'id="query-editor"' in page.read()
    body = json.dumps({"query": "{ loyaltyViewer { isStaff } }"}).encode()
    request = urllib.request.Request(served, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.loads(answer.read()) == {"data": {"loyaltyViewer": {"isStaff": False}}}
    bad = urllib.request.Request(served, data=b"{bad", headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(bad, timeout=10)
    assert refused.value.code == 400


@pytest.mark.parametrize("argv", [[], ["demo", "--port", "70000"], ["demo", "--port", "x"], ["nope"]])
def test_cli_refuses_bad_arguments(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == 2
    assert "usage: saleor-loyalty" in capsys.readouterr().err


def test_demo_will_not_run_inside_another_django_project() -> None:
    with pytest.raises(SystemExit, match="already set up with tests.settings"):
        cli.run_demo(write=lambda _line: None)


def _post(url: str, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables}).encode()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=30) as answer:
        return json.loads(answer.read())  # type: ignore[no-any-return]


def test_demo_command_plays_the_story_then_serves_it() -> None:
    # A process of its own, on its own embedded PostgreSQL: never on the DATABASE_URL tests use.
    env: dict[str, Any] = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "saleor_loyalty.demo.cli", "demo", "--serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    watchdog = threading.Timer(240, process.kill)  # a hung demo fails the test instead of hanging it
    watchdog.start()
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Open checkout of Wes"):
                break
        stdout = "".join(lines)
        assert "Open checkout of Wes" in stdout, stdout + (process.stderr.read() if process.stderr else "")
        # given the served API, Wes's token and the checkout the story left open
        url = stdout.split("query page at ", 1)[1].split(" ", 1)[0]
        wes_token = stdout.split("Wes (B2B buyer, Wholesale customer type): ", 1)[1].split("\n", 1)[0]
        checkout_id = lines[-1].rsplit(" ", 1)[1].strip()
        # when Wes quotes it through the server, and Alice tries to
        query = "query ($c: ID!) { loyaltyQuote(checkoutId: $c) { subtotal giftLines { quantity } } }"
        wes_quote = _post(url, query, {"c": checkout_id}, wes_token)
        alice_token = stdout.split("Alice (retail customer): ", 1)[1].split("\n", 1)[0]
        alice_quote = _post(url, query, {"c": checkout_id}, alice_token)
        # and the console's one-time link signs Sam in, once
        link = stdout.split("Sam signed in (one-time link, 10 minutes): ", 1)[1].split("\n", 1)[0]
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with browser.open(link, timeout=30) as console_page:
            console_html = console_page.read().decode()
        with pytest.raises(urllib.error.HTTPError) as second_use:
            urllib.request.urlopen(link, timeout=30)
    finally:
        process.send_signal(signal.SIGTERM)
        rest, stderr = process.communicate(timeout=60)
        watchdog.cancel()
    # then the server answered from the story's shop, and stopped cleanly
    assert wes_quote == {"data": {"loyaltyQuote": {"subtotal": "782.00", "giftLines": [{"quantity": 1}]}}}
    assert [error["message"] for error in alice_quote["errors"]] == ["This checkout belongs to another customer."]
    assert process.returncode == 0, stdout + rest + stderr
    assert "Starting the database (an embedded PostgreSQL, deleted on exit)..." in stdout
    assert "6. Sam's mistakes are refused with reasons, and change nothing" in stdout
    assert "Alice: tier: Gold; next: Platinum" in stdout
    assert "30 x Espresso beans 1 kg  $17.00 (was $24.00: Wholesale, from 25)" in stdout
    assert "Alice's referrals: 1 referred, 1 rewarded" in stdout
    assert ("Not in the story yet" in stdout) == bool(NOT_WIRED_YET)
    assert "sam@example.com" in console_html and "Customers" in console_html
    assert second_use.value.code == 400
    assert "Stopped." in rest
    assert "Traceback" not in stderr
