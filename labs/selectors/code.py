"""Python source as highlighted HTML, styled by static/css/code.css (the lessons' palette)."""

from django.utils.safestring import SafeString, mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

_FORMATTER = HtmlFormatter(nowrap=True)


def python_html(code: str) -> SafeString:
    # Pygments escapes the source; the result is safe to place inside <pre><code>.
    return mark_safe(highlight(code, PythonLexer(), _FORMATTER))
