"""LinkedIn's "Add to profile" link for a credential (the verification page's share button and the learner's
badge both use it)."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode


def add_to_profile_url(name: str, issuer: str, issued_on: date | None, url: str, code: str) -> str:
    """The prefilled "Add licence or certification" form: name, issuing organisation, date, URL and id."""
    return "https://www.linkedin.com/profile/add?" + urlencode({
        "startTask": "CERTIFICATION_NAME",
        "name": name,
        "organizationName": issuer,
        "issueYear": issued_on.year if issued_on else "",
        "issueMonth": issued_on.month if issued_on else "",
        "certUrl": url,
        "certId": code,
    })
