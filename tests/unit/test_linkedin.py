"""LinkedIn's "Add to profile" link (credential_admin/verification/linkedin.py): built by hand for speed on the
verification page, it must be exactly what urlencode gives for the same form."""
from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from credential_admin.verification.linkedin import add_to_profile_url


@given(st.text(), st.text(), st.one_of(st.none(), st.dates()), st.text(), st.text())
def test_the_link_is_what_urlencode_gives(name, issuer, issued_on, url, code):
    expected = "https://www.linkedin.com/profile/add?" + urlencode({
        "startTask": "CERTIFICATION_NAME", "name": name, "organizationName": issuer,
        "issueYear": issued_on.year if issued_on else "", "issueMonth": issued_on.month if issued_on else "",
        "certUrl": url, "certId": code})
    assert add_to_profile_url(name, issuer, issued_on, url, code) == expected


def test_values_that_look_like_separators_stay_values():
    link = add_to_profile_url("A&B=C #1", "Ünï + Co", date(2026, 3, 4), "https://x.test/v/a?b=c&d", "AB12-CD34")
    form = parse_qs(urlsplit(link).query)
    assert form["name"] == ["A&B=C #1"] and form["organizationName"] == ["Ünï + Co"]
    assert form["certUrl"] == ["https://x.test/v/a?b=c&d"] and form["issueMonth"] == ["3"]
