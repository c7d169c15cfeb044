"""The one @mention pattern: comments notify the people named; anonymous items refuse it."""

import re

# "@tom" or "@james.smith" — not an e-mail address (nothing word-like before the @).
MENTION = re.compile(r"(?<![\w.@+-])@([\w.+-]+[\w])", re.UNICODE)
