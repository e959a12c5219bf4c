"""LinkedIn's "Add to profile" link for a credential (the verification page's share button and the learner's
badge both use it)."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from urllib.parse import quote_plus

FORM = "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME"


def add_to_profile_url(name: str, issuer: str, issued_on: date | None, url: str, code: str) -> str:
    """The prefilled "Add licence or certification" form: name, issuing organisation, date, URL and id, encoded as
    `urlencode` would (the name and issuer, shared by a course's credentials, are encoded once)."""
    year, month = (issued_on.year, issued_on.month) if issued_on else ("", "")
    return (f"{FORM}&name={_shared(name)}&organizationName={_shared(issuer)}&issueYear={year}&issueMonth={month}"
            f"&certUrl={quote_plus(url)}&certId={quote_plus(code)}")


_shared = lru_cache(maxsize=256)(quote_plus)
