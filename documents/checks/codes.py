"""The fixed list of reasons an automatic check rejects a file.

Plain code strings: the checks raise ``CheckRejected`` with one of them, and
documents/rejections.py holds what each means to the claimant, in their language. The
codes are part of the operator command's output and of the managers' re-upload figures:
add, never rename.
"""

REJECTION_CODES: tuple[str, ...] = (
    "type_not_allowed",
    "extension_mismatch",
    "empty",
    "too_large",
    "virus",
    "image_too_many_pixels",
    "image_broken",
    "image_too_small",
    "image_too_dark",
    "image_too_bright",
    "image_blurry",
    "pdf_encrypted",
    "pdf_broken",
    "pdf_active_content",
    "pdf_embedded_files",
    "pdf_too_many_pages",
    # Given by documents/services/checking.py, after the checks: the same file already
    # stands for another document of the claim.
    "duplicate",
    # Also the verdict on a file that keeps killing the worker, or whose stored copy is gone.
    "unreadable",
)
