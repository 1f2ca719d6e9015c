"""What the browser tests read from a page of the app (Playwright), in one place."""

from __future__ import annotations

from typing import Any


def visible_text(page: Any, selector: str) -> str:
    """innerText of the visible elements matching ``selector`` (old tabs may linger hidden)."""
    return page.evaluate(
        "(sel) => [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null)"
        ".map(e => e.innerText).join('\\n')",
        selector,
    )


def wait_text(page: Any, selector: str, text: str) -> None:
    """Wait until a visible element matching ``selector`` shows ``text``."""
    page.wait_for_function(
        "([sel, text]) => [...document.querySelectorAll(sel)]"
        ".some(e => e.offsetParent !== null && e.innerText.includes(text))",
        arg=[selector, text],
    )


def wait_tab(page: Any) -> None:
    """Wait until the tab shown is up to date: the app builds a tab, or recomputes it, when it
    is shown (issue 15), saying "Updating…" meanwhile."""
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.ak-tab-updating')]"
        ".some(e => e.offsetParent !== null)"
    )
