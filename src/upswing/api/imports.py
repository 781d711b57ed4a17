"""POST /api/imports: an admin uploads one file; it is imported like `upswing import`.

The import runs in the request (synchronously): the whole file is validated first and on any
bad row nothing is written, and the answer is 422 with the problems (first 50 with line,
column, value and reason, and the total count). Uploads larger than MAX_UPLOAD_BYTES are
refused with 413 before anything is read.
"""

import enum

from ninja import File, Form, Router
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status

from upswing.api.access import may_import
from upswing.api.actions import do_import_upload
from upswing.api.schemas import ErrorOut, ImportOut, ImportRejectedOut
from upswing.ingest.kinds import KINDS

router = Router(tags=["imports"])

MAX_UPLOAD_BYTES = 200 * 1024 * 1024

ImportKind = enum.StrEnum("ImportKind", {name: name for name in KINDS})


@router.post(
    "/imports",
    response={
        200: ImportOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        413: ErrorOut,
        422: ImportRejectedOut,
    },
    url_name="imports",
)
def create_import(
    request,
    kind: Form[ImportKind],
    file: File[UploadedFile],
    source: Form[str | None] = None,
):
    """Import one file (CSV, XLSX, Parquet or JSON Lines) of `kind`; `source` names where the
    rows come from, or an adapter (zendesk, genesys, freshdesk) for those exports. Admins only."""
    from upswing.ingest.service import ImportRejected

    if not may_import(request.auth):
        raise HttpError(403, "Only administrators import files.")
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise HttpError(413, f"files over {MAX_UPLOAD_BYTES // 2**20} MB are not accepted")
    source = (source or "").strip()[:100] or None
    try:
        result = do_import_upload(kind.value, file, source=source, actor=request.auth)
    except ImportRejected as exc:
        return Status(
            422,
            {
                "detail": exc.message,
                "file_name": exc.file_name,
                "line_label": exc.line_label,
                "problems": [
                    {"line": e.line, "column": e.column, "value": e.value, "reason": e.reason}
                    for e in exc.problems.errors
                ],
                "problem_count": exc.problems.count,
            },
        )
    return Status(
        200,
        {
            "kind": result.kind,
            "file_name": result.file_name,
            "source": result.source,
            "batch_id": result.batch_id,
            "rows_read": result.rows_read,
            "inserted": result.inserted,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "warnings": list(result.warnings),
        },
    )
