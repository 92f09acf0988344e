"""`saleor-loyalty demo`: the story through the API, the server, and the command end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from saleor_loyalty import cli
from saleor_loyalty.demo.client import DemoClient, DemoError
from saleor_loyalty.demo.server import make_server
from saleor_loyalty.demo.story import STEPS, Out, play, seed_cast


@pytest.fixture
def story_lines(db: None) -> list[str]:
    lines: list[str] = []
    play(seed_cast(), out=Out(lines.append))
    return lines


def test_story_plays_every_step_through_the_api(story_lines: list[str]) -> None:
    text = "\n".join(story_lines)
    headings = [line for line in story_lines if line.startswith("\n") and line[1:2].isdigit()]
    assert len(headings) == len(STEPS)
    assert "staff: True   permissions: MANAGE_USERS" in text
    assert "no token: customerId None, permissions: none" in text
    assert "booked ADJUST +500; Alice has 500 available" in text
    assert "replayed the first adjustment (ADJUST +500), nothing new booked; Alice has 500 available" in text
    assert "statement: ADJUST  AVAILABLE +500  Welcome to the club" in text
    assert "reading Bob's account: PermissionDenied" in text
    assert "adjusting her own points: PermissionDenied" in text
    assert "removing 10,000 points: INSUFFICIENT_POINTS" in text
    assert "Alice still has 500 available" in text
    assert story_lines[-1].startswith("\nNot in the story yet")


def test_seeding_twice_keeps_one_cast(db: None) -> None:
    first, second = seed_cast(), seed_cast()
    assert [p.user.pk for p in first.people] == [p.user.pk for p in second.people]
    assert first.run_id != second.run_id


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
        assert b"graphiql" in page.read().lower()
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


def test_demo_command_runs_end_to_end() -> None:
    # A process of its own, on its own embedded PostgreSQL: never on the DATABASE_URL tests use.
    env: dict[str, Any] = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [sys.executable, "-m", "saleor_loyalty.cli", "demo"],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Starting the database (an embedded PostgreSQL, deleted on exit)..." in result.stdout
    assert "5. Sam's mistakes are refused with reasons, and change nothing" in result.stdout
    assert "Not in the story yet" in result.stdout
    assert "Traceback" not in result.stderr
