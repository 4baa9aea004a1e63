"""/api/docs in a real browser under a strict Content-Security-Policy (no
inline script): Swagger UI draws every operation and the browser reports no
violation."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The site's policy (no 'unsafe-inline' for scripts or style elements), given
# to the page only when the response carries none: once the site sends its
# own policy, this test checks the docs page under that one.
STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-elem 'self'; "
    "style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)


def test_the_docs_page_works_under_a_strict_policy(page, live_server):
    policies = []

    def with_policy(route):
        response = route.fetch()
        headers = dict(response.headers)
        headers.setdefault("content-security-policy", STRICT)
        policies.append(headers["content-security-policy"])
        route.fulfill(response=response, headers=headers)

    page.route(f"{live_server.url}/api/docs", with_policy)
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".opblock", state="attached")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert len(paths) == 8 and any("/api/flashcards/reviews/" in p for p in paths)
    assert violations == []
    script_src = next(d.strip() for d in policies[0].split(";") if d.strip().startswith("script-src "))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    # The policy is in force: an inline script is refused (and reported).
    with pytest.raises(Exception):
        page.add_script_tag(content="window.inlineRan = true")
    assert page.evaluate("() => window.inlineRan") is None
