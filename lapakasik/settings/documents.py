"""Documents: private storage (a disk folder, or S3), uploads, the automatic checks, antivirus."""

from .environment import BASE_DIR, env  # noqa: F401

# Claim documents never live under a public URL: the "documents" storage has no
# base URL and files are served only through views that check access.
MEDIA_ROOT = env.path("LAPAKASIK_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private"))
STORAGE_BACKEND = env("STORAGE_BACKEND", default="filesystem")
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="ap-southeast-3")
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default=None)
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default=None)
if STORAGE_BACKEND == "s3":
    documents_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": AWS_S3_REGION_NAME,
            "access_key": AWS_ACCESS_KEY_ID,
            "secret_key": AWS_SECRET_ACCESS_KEY,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            # A presigned link is good for five minutes at most.
            "querystring_expire": 300,
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }
else:
    documents_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(MEDIA_ROOT),
            "base_url": None,
            "directory_permissions_mode": 0o700,
            "file_permissions_mode": 0o600,
        },
    }
STORAGES = {
    "default": documents_storage,
    "documents": documents_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads: refused while streaming once a file passes the limit (see documents/uploads.py).
DOCUMENT_MAX_UPLOAD_BYTES = env.int("DOCUMENT_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "documents.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 0
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600

# The automatic document checks (documents/checks/). Read when a check runs.
DOCUMENT_IMAGE_MAX_PIXELS = env.int("DOCUMENT_IMAGE_MAX_PIXELS", default=50_000_000)
DOCUMENT_IMAGE_LONG_SIDE = env.int("DOCUMENT_IMAGE_LONG_SIDE", default=2000)
DOCUMENT_IMAGE_MIN_SHORT_SIDE = env.int("DOCUMENT_IMAGE_MIN_SHORT_SIDE", default=600)
DOCUMENT_THUMBNAIL_SIZE = env.int("DOCUMENT_THUMBNAIL_SIZE", default=320)
DOCUMENT_PDF_MAX_PAGES = env.int("DOCUMENT_PDF_MAX_PAGES", default=20)
# Antivirus: ClamdScanner talks to clamd over CLAMD_SOCKET (a Unix socket) or CLAMD_HOST:CLAMD_PORT.
ANTIVIRUS_BACKEND = env("ANTIVIRUS_BACKEND", default="documents.checks.antivirus.ClamdScanner")
CLAMD_SOCKET = env("CLAMD_SOCKET", default="")
CLAMD_HOST = env("CLAMD_HOST", default="127.0.0.1")
CLAMD_PORT = env.int("CLAMD_PORT", default=3310)
CLAMD_TIMEOUT = env.float("CLAMD_TIMEOUT", default=30.0)
# A document still "checking" this long after it was queued is queued again (beat sweep).
DOCUMENT_CHECK_STUCK_AFTER = env.int("DOCUMENT_CHECK_STUCK_AFTER", default=300)
# Runs of one check that started but never finished (the worker died) before the file is
# rejected as unreadable: a poison file must not loop forever.
DOCUMENT_CHECK_MAX_ATTEMPTS = env.int("DOCUMENT_CHECK_MAX_ATTEMPTS", default=3)
# Stored files no document refers to are deleted once this old (beat sweep).
DOCUMENT_ORPHAN_MIN_AGE = env.int("DOCUMENT_ORPHAN_MIN_AGE", default=3600)
# Resumable uploads (tus): an unfinished one is deleted this long after its last piece (beat
# sweep, hourly); the browser sends pieces of this many bytes.
DOCUMENT_RESUMABLE_EXPIRE_HOURS = env.int("DOCUMENT_RESUMABLE_EXPIRE_HOURS", default=24)
DOCUMENT_RESUMABLE_CHUNK_BYTES = env.int("DOCUMENT_RESUMABLE_CHUNK_BYTES", default=256 * 1024)
# Caps on what one claim (and one browser) may hold, so nobody fills the storage through
# a claim (issue 15, point 4). Checked under the claim's row lock. Open resumable uploads
# are the unfinished, unexpired ones; each counts its announced Upload-Length in full.
DOCUMENT_RESUMABLE_MAX_OPEN_PER_CLAIM = env.int("DOCUMENT_RESUMABLE_MAX_OPEN_PER_CLAIM", default=12)
DOCUMENT_RESUMABLE_MAX_OPEN_PER_SESSION = env.int("DOCUMENT_RESUMABLE_MAX_OPEN_PER_SESSION", default=20)
# Current documents + replaced ones (history) + open resumable uploads, for the claimant's
# own uploads (portal, API, tus); the branch dropbox (staff) is the way out and is not capped.
DOCUMENT_CLAIM_MAX_BYTES = env.int("DOCUMENT_CLAIM_MAX_BYTES", default=200 * 1024 * 1024)
