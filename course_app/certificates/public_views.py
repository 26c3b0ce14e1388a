"""Public verification, without an account: by id, by uploading a file, as JSON; and the
documents a verifier's software reads (issuer profile, DID document, status lists)."""

import json
from datetime import date

from flask import (
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from course_app.certificates import bp, checking, services, signing, status_list
from course_app.certificates.credential import did_for, issuer_url
from course_app.certificates.did import did_document
from course_app.certificates.ids import normalise
from course_app.certificates.issuer import current_issuer
from course_app.certificates.signing import public_key_multibase
from course_app.certificates.upload_limits import Refused
from course_app.db import get_session, utcnow
from course_app.security import limiter
from course_app.timing import ce_hours


def _verify_limit():
    return limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"])


@bp.route("/verify", methods=["GET", "POST"])
@_verify_limit()
def verify_form():
    """Enter a certificate id, or upload a certificate PDF or credential file."""
    if request.method == "POST":
        upload = request.files.get("file")
        if upload and upload.filename:
            data = upload.read(checking.MAX_UPLOAD_BYTES + 1)
            upload.close()  # a large file is spooled to disk: close it now
            return _check_upload(data)
        public_id = normalise(request.form.get("certificate_id", ""))
        if public_id:
            return redirect(url_for("certificates.verify", public_id=public_id))
        flash("Enter a certificate id, or choose a file to check.", "error")
    return render_template("certificates/verify_form.html")


def _check_upload(data: bytes):
    try:
        verdict = checking.check_upload(get_session(), data, current_issuer(), date.today())
    except Refused as refused:
        return render_template("certificates/verify_form.html", error=refused.message), 400
    return render_template("certificates/verify_file.html", verdict=verdict, today=date.today())


@bp.get("/verify/<public_id>")
@_verify_limit()
def verify(public_id: str):
    """Public: is this certificate genuine and current? No login."""
    cert = services.find(get_session(), public_id)
    if cert is None:
        return render_template("certificates/not_found.html"), 404
    return render_template(
        "certificates/verify.html",
        cert=cert,
        status=cert.status_on(date.today()),
        masked=services.mask(cert.registration_number),
        superseded_by=successor(cert),
        history=services.history(get_session(), cert),
        today=date.today(),
    )


@bp.get("/verify/<public_id>.json")
@_verify_limit()
def verify_json(public_id: str):
    """The same facts for software."""
    cert = services.find(get_session(), public_id)
    if cert is None:
        return jsonify(error="not found"), 404
    later = successor(cert)
    line = services.history(get_session(), cert)
    earlier = line[line.index(cert) - 1] if line[0] is not cert else None
    return jsonify(
        id=cert.public_id,
        status=cert.status_on(date.today()),
        holder=cert.holder_name,
        registration_number=services.mask(cert.registration_number),
        jurisdiction=cert.jurisdiction,
        course=cert.course_title,
        level=cert.level,
        theory_hours=ce_hours(cert.theory_minutes),
        practical_hours=cert.practical_hours,
        issued=cert.issued_at.date().isoformat(),
        expires=cert.expires_on.isoformat() if cert.expires_on else None,
        revoked={"date": cert.revoked_at.date().isoformat(), "reason": cert.revoked_reason}
        if cert.revoked_at
        else None,
        superseded_by=later.public_id if later else None,
        replaces={"id": earlier.public_id, "reason": cert.reissue_reason} if earlier else None,
        history=[_step(step, date.today()) for step in line],
        pdf_sha256=cert.pdf_sha256,
        issuer=cert.issuer_name,
    )


def _step(cert, today: date) -> dict:
    """One certificate of a line of reissues, for the JSON answer."""
    return {
        "id": cert.public_id,
        "issued": cert.issued_at.date().isoformat(),
        "status": cert.status_on(today),
        "reissue_reason": cert.reissue_reason or None,
        "revoked": {"date": cert.revoked_at.date().isoformat(), "reason": cert.revoked_reason}
        if cert.revoked_at
        else None,
    }


def successor(cert):
    return get_session().get(type(cert), cert.superseded_by_id) if cert.superseded_by_id else None


@bp.get("/issuers/course-app")
def issuer_profile():
    """The issuer profile with current and retired public keys (for verifying credentials)."""
    issuer = current_issuer()
    own = issuer_url(issuer.base_url)
    methods = [
        {
            "id": f"{own}#{key_id}",
            "type": "Multikey",
            "controller": own,
            "publicKeyMultibase": public_key_multibase(key),
            "status": "current" if key_id == issuer.keys.current_id else "retired",
        }
        for key_id, key in issuer.keys.public_keys().items()
    ]
    return jsonify(
        {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
            ],
            "id": own,
            "type": ["Profile"],
            "name": issuer.name,
            "url": issuer.base_url,
            "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods],
        }
    )


def _json_ld(document: dict, media_type: str, max_age: int = 300) -> Response:
    response = Response(json.dumps(document, indent=2), mimetype=media_type)
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers in browsers
    return response


@bp.get("/.well-known/did.json")
def did_json():
    """did:web: the issuer's current and retired keys as Multikey verification methods."""
    issuer = current_issuer()
    document = did_document(issuer.base_url, issuer.keys.public_keys())
    return _json_ld(document, "application/did+ld+json")


#: The signed list, per (address, signing key, set bits): signing costs ~10 ms of CPU.
_signed_lists: dict[tuple, dict] = {}


@bp.get(f"/status-lists/{status_list.PURPOSE}")
def revocation_list():
    """The signed BitstringStatusListCredential of revoked and superseded certificates."""
    issuer = current_issuer()
    indices = tuple(status_list.set_indices(get_session()))
    key = (issuer.base_url, issuer.keys.current_id, indices)
    if key not in _signed_lists:
        did = did_for(issuer.base_url)
        unsigned = status_list.unsigned_list(issuer.base_url, did, indices, utcnow())
        method = f"{did}#{issuer.keys.current_id}"
        _signed_lists.clear()
        _signed_lists[key] = signing.sign(unsigned, issuer.keys.current, method)
    return _json_ld(_signed_lists[key], "application/vc", status_list.TTL_MS // 1000)
