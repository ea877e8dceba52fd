"""Personal data shown in part: enough for a person to recognise, not enough to misuse.

The one place that decides how a phone number or a NIK is masked, for the console, the
admin, the API, the message log and the claim's history alike.
"""


def mask_phone(e164: str) -> str:
    """+6281234567890 → +62 812-****-890."""
    if len(e164) < 8:
        return "****"
    return f"{e164[:3]} {e164[3:6]}-****-{e164[-3:]}"


def mask_nik(nik: str) -> str:
    """3174011205900003 → 3174********0003."""
    return f"{nik[:4]}********{nik[-4:]}" if len(nik) == 16 else "****"
