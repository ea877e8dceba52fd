"""Documents leave storage only through here, after an access check."""

import mimetypes
import uuid

from django.http import FileResponse, Http404, HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase

from core.throttle import client_ip

from .models import Document
from .selectors import document_visible_to_claimant, document_visible_to_staff
from .services import document_access_record

# A stored file is never a page: nothing in it may run, whatever it claims to be.
FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"


def _serve(request: HttpRequest, document_id: uuid.UUID, what: str) -> HttpResponseBase:
    document = Document.objects.select_related("claim__branch", "document_type").filter(pk=document_id).first()
    if document is None:
        raise Http404
    if document_visible_to_staff(document, request.user):
        document_access_record(
            document=document,
            user=request.user,
            what=what,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
        )
    elif not document_visible_to_claimant(document, request.session):
        raise Http404
    field = document.thumbnail if what == "thumbnail" else document.file
    # Only what passed the file checks leaves storage: never the raw upload.
    if not field or not document.sanitized:
        raise Http404
    content_type = "image/jpeg" if what == "thumbnail" else document.content_type
    extension = mimetypes.guess_extension(content_type) or ""
    filename = f"{document.document_type.code}{'-thumbnail' if what == 'thumbnail' else ''}{extension}"
    disposition = "inline" if content_type.startswith("image/") else "attachment"
    storage = field.storage
    if getattr(storage, "querystring_auth", False):
        # S3: a presigned link, valid five minutes, that carries the same headers.
        url = storage.url(
            field.name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": f'{disposition}; filename="{filename}"',
                "ResponseCacheControl": "private, no-store",
            },
            expire=300,
        )
        response: HttpResponseBase = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            storage.open(field.name, "rb"),
            content_type=content_type,
            as_attachment=disposition == "attachment",
            filename=filename,
        )
        response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response


def document_file(request: HttpRequest, document_id: uuid.UUID) -> HttpResponseBase:
    return _serve(request, document_id, "file")


def document_thumbnail(request: HttpRequest, document_id: uuid.UUID) -> HttpResponseBase:
    return _serve(request, document_id, "thumbnail")
