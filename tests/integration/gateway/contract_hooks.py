"""Schemathesis hooks (SCHEMATHESIS_HOOKS=contract_hooks): values for the formats the gateway's
document names, built with the same rules the server checks them with (gateway/formats.py).

- ``uscc``: valid GB 32100-2015 codes of the national registration office (positions 3-8
  100000), so any county-level region in the division table goes with them;
- ``gb2260-county``: the current county-level codes of the shipped division table.

One rule compares two fields, which no JSON Schema can state: a new password must not contain
the login (``x-not-containing: login`` on the password schema, said in its description). A
generated body that breaks it is dropped, as a client reading the description would not send it.
"""

from __future__ import annotations

import schemathesis
from hypothesis import strategies as st

from gateway.formats import county_codes
from kernel.uscc import make_uscc

ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _uscc(body: str) -> str | None:
    try:
        return make_uscc("9", "1", "100000", body)
    except ValueError:  # an organisation code whose check character the USCC alphabet lacks
        return None


schemathesis.openapi.format(
    "uscc", st.text(alphabet=ORG_ALPHABET, min_size=8, max_size=8).map(_uscc).filter(lambda v: v is not None))
schemathesis.openapi.format("gb2260-county", st.sampled_from(county_codes()))


# the body fields that are logins, beside the password fields they constrain
LOGIN_OF = {"initial_password": "username", "password": "uscc"}


@schemathesis.hook
def filter_body(context: object, body: object) -> bool:
    if not isinstance(body, dict):
        return True
    for password_field, login_field in LOGIN_OF.items():
        password, login = body.get(password_field), body.get(login_field)
        if isinstance(password, str) and isinstance(login, str) and login and login.lower() in password.lower():
            return False
    return True
