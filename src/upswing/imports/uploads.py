"""An upload handler that enforces UPSWING_MAX_UPLOAD_MB before any file byte is stored.

It runs first in FILE_UPLOAD_HANDLERS, so it applies to every multipart request, including
the one CSRF protection parses. A request whose declared size is over the limit keeps its
small fields (the CSRF token, the form's choices) and drops the file part unread into memory
or disk; a body without a declared size is counted as it streams. Either way the request is
marked `upload_too_large` for the view to say so. (A reverse proxy in front should refuse
much larger bodies outright, e.g. nginx `client_max_body_size`.)
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from upswing.imports import options

# The form's other fields and the multipart framing.
FORM_OVERHEAD = 64 * 1024


class SizeLimitUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803
        self.limit = options.max_upload_bytes()
        self.declared = content_length or 0
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.declared > self.limit + FORM_OVERHEAD:
            self._refuse()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self):
        if self.request is not None:
            self.request.upload_too_large = True
        # Read the rest of the body without keeping it, so the browser gets the answer.
        raise StopUpload(connection_reset=False)
