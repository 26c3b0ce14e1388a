"""Issue 17, fault 1: a forged PDF must not verify. An uploaded PDF is valid only if its bytes
are exactly the issued document and its credential verifies; every result names the holder,
course, dates and status from the registry, never from the file."""

import io
import json

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from course_app.certificates.pdf import CREDENTIAL_FILENAME
from tests.helpers import long_date, text_of
from tests.issued import issue_for, public_app, upload


@pytest.fixture
def ca_app(make_app, db):
    return public_app(make_app, db)


def renamed(pdf: bytes, name: str) -> bytes:
    """The forger's edit: a white box over the holder's name and another name on it; the
    embedded credential is kept as it was."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(60, height - 195, width - 120, 40, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont("Helvetica-Bold", 28)
    canvas.drawCentredString(width / 2, height - 185, name)
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.pages[0].merge_page(PdfReader(io.BytesIO(buffer.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_credential(pdf: bytes, credential: dict) -> bytes:
    """The same PDF carrying another certificate's (genuine, signed) credential."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    del writer.root_object["/Names"]
    writer.add_attachment(CREDENTIAL_FILENAME, json.dumps(credential).encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_genuine_pdf_is_valid_and_named_from_the_registry(ca_app, db):
    cert = issue_for(ca_app, db, "zoe@example.org", "Zoë Núñez")
    page = text_of(upload(ca_app.test_client(), cert.pdf))
    assert f"This file is the PDF we issued for {cert.public_id}, unchanged." in page
    assert "The signature is valid. Status: valid." in page
    for fact in ("Zoë Núñez", cert.course_title, long_date(cert.issued_at)):
        assert fact in page
    assert (cert.expires_on and long_date(cert.expires_on) in page) or "No expiry" in page


def test_a_pdf_with_another_name_on_it_is_refused(ca_app, db):
    cert = issue_for(ca_app, db, "zoe@example.org", "Zoë Núñez")
    forged = renamed(cert.pdf, "Mallory Forger")
    assert PdfReader(io.BytesIO(forged)).attachments[CREDENTIAL_FILENAME]  # credential kept
    response = upload(ca_app.test_client(), forged)
    page = text_of(response)
    assert (
        f"This file is not the PDF we issued for {cert.public_id}: its contents were changed "
        "after issue." in page
    )
    assert "Status: valid" not in page and "unchanged" not in page
    assert "Zoë Núñez" in page and "Mallory Forger" not in page  # the registry's holder


def test_a_pdf_with_bytes_appended_is_refused(ca_app, db):
    cert = issue_for(ca_app, db, "zoe@example.org", "Zoë Núñez")
    page = text_of(upload(ca_app.test_client(), cert.pdf + b"\n% appended\n"))
    assert f"This file is not the PDF we issued for {cert.public_id}" in page
    assert "Status: valid" not in page


def test_a_pdf_carrying_another_certificates_credential_is_refused(ca_app, db):
    zoe = issue_for(ca_app, db, "zoe@example.org", "Zoë Núñez")
    mal = issue_for(ca_app, db, "mal@example.org", "Mallory Forger")
    swapped = with_credential(mal.pdf, zoe.credential)  # Mallory's page, Zoë's credential
    page = text_of(upload(ca_app.test_client(), swapped))
    assert f"This file is not the PDF we issued for {zoe.public_id}" in page
    assert "Status: valid" not in page
    assert "Zoë Núñez" in page  # what the registry holds for the id the credential names


def test_the_verify_command_fails_a_forged_pdf(ca_app, db, tmp_path):
    cert = issue_for(ca_app, db, "zoe@example.org", "Zoë Núñez")
    runner = ca_app.test_cli_runner()
    genuine, forged = tmp_path / "genuine.pdf", tmp_path / "forged.pdf"
    genuine.write_bytes(cert.pdf)
    forged.write_bytes(renamed(cert.pdf, "Mallory Forger"))
    ok = runner.invoke(args=["verify", str(genuine)])
    assert ok.exit_code == 0, ok.output
    assert "Holder: Zoë Núñez" in ok.output and f"Course: {cert.course_title}" in ok.output
    refused = runner.invoke(args=["verify", str(forged)])
    assert refused.exit_code == 1
    assert f"This file is not the PDF we issued for {cert.public_id}" in refused.output
    assert "Holder: Zoë Núñez" in refused.output and "Mallory" not in refused.output


def test_a_credential_file_is_checked_by_signature_and_registry(ca_app, db):
    cert = issue_for(ca_app, db, "zoe@example.org", "Zoë Núñez")
    client = ca_app.test_client()
    page = text_of(upload(client, json.dumps(cert.credential).encode(), "credential.json"))
    assert "The signature is valid. Status: valid." in page and "Zoë Núñez" in page
    tampered = json.loads(json.dumps(cert.credential))
    tampered["credentialSubject"]["creditsEarned"] = 72
    page = text_of(upload(client, json.dumps(tampered).encode(), "credential.json"))
    assert "The signature is not valid" in page and "Status: valid" not in page
