"""Baked badges from the demo, read back by readers written here from the Open Badges 3.0 "Baking" section (struct
and zlib for PNG chunks, ElementTree for SVG: not the code under test), verified with the spec-written verifier of
tests/unit/test_openbadges.py, and checked on the verification page, genuine, tampered and revoked.

Demo (credential_admin/demo): "First steps" (the Getting started section at 100%, a generated PNG) and "Homework
hero" (Homework 1, 2 and 3 at 100% each, an uploaded SVG). demo_setup awards them: dana holds both.
"""
from __future__ import annotations

import html
import io
import json
import struct
import xml.etree.ElementTree as ET
import zlib

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from credential_admin.issuing import lifecycle, signing
from credential_admin.issuing.api import credential_state
from credential_admin.models import Credential
from credential_admin.verification import statuslist
from tests.pdf_samples import check_findings
from tests.unit.test_openbadges import independent_verify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("isolated_issuing", "fresh_rate_limits")]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS, OB_NS = "http://www.w3.org/2000/svg", "https://purl.imsglobal.org/ob/v3p0"


# ----- independent readers, from the spec -------------------------------------------------------------------------

def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == PNG_SIGNATURE
    chunks, pos = [], 8
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        chunks.append((kind, body))
        pos += 12 + length
    return chunks


def read_png(data: bytes) -> str:
    """The text of the single iTXt chunk keyed openbadgecredential (uncompressed, as the spec requires)."""
    found = []
    for kind, body in png_chunks(data):
        if kind == b"iTXt" and body.split(b"\0", 1)[0] == b"openbadgecredential":
            rest = body.split(b"\0", 1)[1]
            compressed, method = rest[0], rest[1]
            language, translated, text = rest[2:].split(b"\0", 2)
            assert (compressed, method, language, translated) == (0, 0, b"", b"")
            found.append(text.decode("utf-8"))
    assert len(found) == 1 and png_chunks(data)[-1][0] == b"IEND"
    return found[0]


def write_png_text(data: bytes, text: str) -> bytes:
    """The same PNG with the credential text replaced (a forger's edit: every CRC made right again)."""
    out = PNG_SIGNATURE
    for kind, body in png_chunks(data):
        if kind == b"iTXt" and body.startswith(b"openbadgecredential\0"):
            body = b"openbadgecredential\0\0\0\0\0" + text.encode("utf-8")
        out += struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return out


def read_svg(data: bytes) -> str:
    """The text of the <openbadges:credential> element, the first child of the <svg> root."""
    root = ET.fromstring(data)  # noqa: S314 - our own files, parsed by the test on purpose without our code
    assert root.tag == f"{{{SVG_NS}}}svg"
    assert root[0].tag == f"{{{OB_NS}}}credential"
    assert len(root.findall(f"{{{OB_NS}}}credential")) == 1
    return root[0].text.strip()


# ----- the demo's badges ------------------------------------------------------------------------------------------

@pytest.fixture
def demo():
    call_command("demo_setup", stdout=io.StringIO())


def badge_of(username: str, name: str) -> Credential:
    return Credential.objects.select_related("config").get(user__username=username, config__badge_name=name,
                                                           status=Credential.Status.ISSUED)


def public_key_of(document: dict):
    key_id = document["proof"]["verificationMethod"].rstrip("/").rsplit("/", 1)[-1]
    return signing.public_key(key_id)


def findings(response) -> list[str]:
    """The page's check: its verdict class, then each finding as text."""
    return [html.unescape(item) for item in check_findings(response)]


def upload(client, credential, data: bytes, name: str, content_type: str):
    return client.post(f"/credentials/verify/{credential.verification_id}/",
                       {"pdf": SimpleUploadedFile(name, data, content_type=content_type)})


def test_demo_awards_badges_to_those_who_earned_them(demo):
    held = sorted(Credential.objects.filter(config__level="badge").values_list("config__badge_name",
                                                                                "user__username"))
    # First steps: Getting started = Welcome, How this course works, Homework 1 (the credentials unit and the
    # optional reading do not count); ana viewed only Welcome. Homework hero: all three homework units answered.
    assert held == [("First steps", "ben"), ("First steps", "chen"), ("First steps", "dana"), ("First steps", "nour"),
                    ("Homework hero", "ben"), ("Homework hero", "chen"), ("Homework hero", "dana")]


@pytest.mark.parametrize(("badge", "reader", "kind"), [("First steps", read_png, "png"),
                                                       ("Homework hero", read_svg, "svg")])
def test_baked_badge_read_independently_verifies_and_one_changed_byte_fails(demo, stored_bytes, badge, reader, kind):
    credential = badge_of("dana", badge)
    data = stored_bytes(credential)
    assert credential.storage_key.endswith(f".{kind}")
    text = reader(data)
    document = json.loads(text)
    assert document["id"] == f"https://lms.example.org/credentials/verify/{credential.verification_id}/ob3/"
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Badge" and achievement["name"] == badge
    assert achievement["image"]["id"] == f"https://lms.example.org/credentials/achievements/{credential.config_id}/image/"
    assert achievement["criteria"]["narrative"] == credential.config.badge_criteria
    assert document["credentialSubject"]["name"] == "Dana Kowalski"
    key = public_key_of(document)
    assert independent_verify(document, key)

    tampered_text = text.replace('"name":"Dana Kowalski"', '"name":"Dana Kowalsky"')  # one byte
    assert sum(a != b for a, b in zip(text.encode(), tampered_text.encode(), strict=True)) == 1
    assert not independent_verify(json.loads(tampered_text), key)


def test_the_verification_page_shows_the_badge_and_its_image(demo, client):
    credential = badge_of("dana", "Homework hero")
    html = client.get(f"/credentials/verify/{credential.verification_id}/").content.decode()
    assert 'class="banner valid"' in html and "Homework hero" in html and "Dana Kowalski" in html
    assert f'src="/credentials/achievements/{credential.config_id}/image/"' in html
    assert f'<meta property="og:image" content="https://lms.example.org/credentials/achievements/' \
           f'{credential.config_id}/image/">' in html  # the picture LinkedIn and others show with a shared link
    assert "Complete every homework: Homework 1, Homework 2 and Homework 3." in html
    image = client.get(f"/credentials/achievements/{credential.config_id}/image/")
    assert image.status_code == 200 and image["Content-Type"] == "image/svg+xml"
    assert read_svg_size(image.content) == ("256", "256")


def test_the_json_facts_carry_the_badge_as_its_page_shows_it(demo, client):
    """(A certificate's JSON has exactly its own fields: tests/sqlite/test_verify_pages.py.)"""
    credential = badge_of("dana", "Homework hero")
    data = client.get(f"/credentials/verify/{credential.verification_id}/json/").json()
    assert data["level"] == "badge" and data["signature"]["valid"] is True
    assert data["badge"] == {
        "name": "Homework hero", "description": "Completed every homework of Credentials in Practice.",
        "criteria": "Complete every homework: Homework 1, Homework 2 and Homework 3.",
        "image": f"https://lms.example.org/credentials/achievements/{credential.config_id}/image/"}


def read_svg_size(data: bytes) -> tuple[str, str]:
    root = ET.fromstring(data)  # noqa: S314 - our own files, parsed by the test on purpose without our code
    return root.get("width"), root.get("height")


@pytest.mark.parametrize(("badge", "reader", "kind", "content_type"), [
    ("First steps", read_png, "png", "image/png"), ("Homework hero", read_svg, "svg", "image/svg+xml")])
def test_check_a_file_genuine_then_tampered(demo, client, stored_bytes, badge, reader, kind, content_type):
    credential = badge_of("dana", badge)
    data = stored_bytes(credential)
    genuine = findings(upload(client, credential, data, f"badge.{kind}", content_type))
    assert genuine[0] == "match" and "not a byte was changed" in genuine[1]
    assert "Its revocation bit is not set" in genuine[2]

    text = reader(data)
    changed = text.replace('"name":"Dana Kowalski"', '"name":"Dana Kowalsky"')
    forged = write_png_text(data, changed) if kind == "png" else data.replace(text.encode(), changed.encode())
    result = findings(upload(client, credential, forged, f"badge.{kind}", content_type))
    assert result[0] == "altered"
    assert result[1] == "This file is not byte for byte the badge that was issued."
    assert any("signature does not verify" in item for item in result)
    assert 'The name was changed: the file says "Dana Kowalsky", the record says "Dana Kowalski".' in result
    assert not any("badge name" in item or "issue date" in item for item in result)  # only what differs


def test_image_without_a_credential_and_other_files_are_refused_clearly(demo, client):
    from credential_admin.badges.images import default_image

    credential = badge_of("dana", "First steps")
    plain = default_image("First steps", "#1d4e89", "#f2a541").data
    response = upload(client, credential, plain, "badge.png", "image/png")
    assert response.status_code == 400
    assert "carries no Open Badges credential" in findings(response)[1]
    response = upload(client, credential, b"%PDF-1.7\nnot a badge", "badge.pdf", "application/pdf")
    assert response.status_code == 400 and "not a badge image" in findings(response)[1]


def test_revoking_a_badge_sets_its_status_bit_and_the_page_says_so(demo, client, stored_bytes):
    credential = badge_of("nour", "First steps")
    data = stored_bytes(credential)
    entry = json.loads(read_png(data))["credentialStatus"]
    index = int(entry["statusListIndex"])
    status_url = entry["statusListCredential"].replace("https://lms.example.org", "")

    def bit() -> bool:
        document = client.get(status_url).json()
        return statuslist.is_set(statuslist.decode(document["credentialSubject"]["encodedList"]), index)

    assert not bit()
    lifecycle.revoke(credential, actor=lifecycle.Actor.system("test"), reason="Badge awarded by mistake")
    assert bit()
    html = client.get(f"/credentials/verify/{credential.verification_id}/").content.decode()
    assert 'class="banner revoked"' in html and "no longer valid" in html
    result = findings(upload(client, credential, data, "badge.png", "image/png"))
    assert result[0] == "match"  # the very file issued ...
    assert any("was revoked" in item and "bit in the revocation status list is set" in item for item in result)
    # ... and the learner's block no longer offers it for download or LinkedIn.
    nour = get_user_model().objects.get(username="nour")
    state = credential_state(nour.pk, credential.config.course_key, credential.config.usage_key)
    assert (state.status, state.download_url, state.linkedin_url) == ("revoked", "", "")


def test_the_learner_api_lists_badges_with_their_image_url(demo, client):
    dana = get_user_model().objects.get(username="dana")
    client.force_login(dana)
    rows = client.get("/credentials/api/v1/credentials/").json()["results"]
    badges = sorted((row["badge"]["name"], row["badge"]["image_url"], row["level"]) for row in rows if row["badge"])
    hero, steps = badge_of("dana", "Homework hero").config_id, badge_of("dana", "First steps").config_id
    assert badges == [("First steps", f"https://lms.example.org/credentials/achievements/{steps}/image/", "badge"),
                      ("Homework hero", f"https://lms.example.org/credentials/achievements/{hero}/image/", "badge")]
    assert all(row["badge"] is None for row in rows if row["level"] != "badge")
    download = client.get(next(row["download_url"] for row in rows if row["badge"] and row["badge"]["name"] ==
                               "First steps").replace("https://lms.example.org", ""))
    assert download["Content-Type"] == "image/png"
    assert read_png(b"".join(download.streaming_content)).startswith('{"@context"')


def test_a_reissued_badge_bakes_the_corrected_name_and_supersedes_the_old_one(demo, client, stored_bytes):
    from credential_admin.standalone.models import Profile

    old = badge_of("nour", "First steps")
    Profile.objects.filter(user__username="nour").update(name="Nour Al-Huda")
    new = lifecycle.reissue(old, actor=lifecycle.Actor.system("test"), reason="Name corrected")
    document = json.loads(read_png(stored_bytes(new)))
    assert document["credentialSubject"]["name"] == "Nour Al-Huda"
    assert independent_verify(document, public_key_of(document))
    assert document["validFrom"].startswith(old.issued_on.isoformat())  # the original issue date
    old.refresh_from_db()
    assert (old.status, old.superseded_by_id) == ("superseded", new.pk)
    result = findings(upload(client, new, stored_bytes(old), "badge.png", "image/png"))
    assert result[0] == "different"  # the old file is genuine, but of the superseded credential


def test_an_expiring_badge_carries_valid_until(demo, stored_bytes):
    from credential_admin.issuing.pipeline import issue_for_users

    config = badge_of("dana", "First steps").config
    config.validity_months = 12
    config.save()
    ana = get_user_model().objects.get(username="ana")
    lifecycle.grant(ana, config, actor=lifecycle.Actor.system("test"), reason="Attended the kick-off in person")
    granted = Credential.objects.get(user=ana, config=config, status=Credential.Status.ISSUED)
    document = json.loads(read_png(stored_bytes(granted)))
    assert document["validUntil"].startswith(f"{granted.issued_on.year + 1}-")
    assert independent_verify(document, public_key_of(document))
    assert issue_for_users(config, [ana.pk]).already == 1  # held: nothing issued twice


def test_the_open_badges_export_is_exactly_the_baked_credential(demo, client, stored_bytes):
    credential = badge_of("chen", "Homework hero")
    baked = json.loads(read_svg(stored_bytes(credential)))
    exported = client.get(f"/credentials/verify/{credential.verification_id}/ob3/").json()
    assert exported == baked and baked["credentialSubject"]["name"] == "陈静"
