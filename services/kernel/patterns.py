"""Regular-expression pieces that mean the same in every engine a contract is read with.

Python's ``\\s`` (what ``str.strip`` removes), ECMA-262's and Rust's ``\\s`` differ at the edges
(U+001C-U+001F, U+0085, U+FEFF), so a pattern that is published in the OpenAPI document and
also applied by the server spells whitespace out instead: ``WHITESPACE`` is exactly the set
of characters for which Python's ``str.isspace()`` is true, and ``END`` anchors at the very
end of the text in every engine.
"""

from __future__ import annotations

WHITESPACE = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
ANY = "[\\s\\S]"  # any character, newlines included, in every engine
# the end of the text: Python's ``$`` also matches before a final newline (and JSON Schema
# validators in Python search with ``re.search``), ECMA-262's and Rust's do not
END = f"(?!{ANY})"
