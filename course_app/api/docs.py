"""The API's docs page, rendered on the server from the OpenAPI document (no CDN, no script)."""

from flask import Blueprint, current_app, render_template, url_for

bp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


@bp.get("/docs")
def docs():
    from course_app.api import EXTENSION_KEY

    spec = current_app.extensions[EXTENSION_KEY].spec.to_dict()
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "summary": operation.get("summary", ""),
            "description": operation.get("description", ""),
            "parameters": [p["name"] for p in operation.get("parameters", [])],
            "statuses": sorted(operation.get("responses", {})),
        }
        for path, item in sorted(spec["paths"].items())
        for method, operation in item.items()
        if method in METHODS
    ]
    return render_template(
        "api/docs.html",
        spec=spec,
        operations=operations,
        document=url_for("api-docs.openapi_json"),
        tokens=url_for("api_tokens.index"),
    )
