"""The browser harness itself: the system Chromium renders a page and runs its script."""

from __future__ import annotations


def test_chromium_renders_a_page_and_runs_its_script(browser: object) -> None:
    # given a page whose script writes into the document
    html = "<p id=out>before</p><script>document.getElementById('out').textContent = 'after ' + (6 * 7)</script>"
    # when Chromium loads it
    browser.get("data:text/html," + html)  # type: ignore[attr-defined]
    # then the script ran
    from selenium.webdriver.common.by import By

    assert browser.find_element(By.ID, "out").text == "after 42"  # type: ignore[attr-defined]
