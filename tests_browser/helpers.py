"""What the browser tests share besides fixtures: where screenshots go, and logging in as a person does."""

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"


def login(page, live_server, username: str, password: str):
    """Log in through the real login page, as a person would; returns the page it lands on."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    return page
