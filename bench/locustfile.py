"""The users of bench/load.py (locust): claimants on phones and officers at their desks.

Runs inside locust, not Django: everything it needs comes from the environment that
bench/load.py sets (LOAD_BRANCH, LOAD_OFFICERS, LOAD_PASSWORD, LOAD_PHOTOS). Page names
group the figures ("claimant: upload"), never a claim number.
"""

import datetime as dt
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, task

BRANCH = os.environ.get("LOAD_BRANCH", "")
OFFICERS = [name for name in os.environ.get("LOAD_OFFICERS", "").split(",") if name]
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
PHOTOS = sorted(Path(os.environ.get("LOAD_PHOTOS", "/nonexistent")).glob("*.jpg"))
UPLOADED = ("kpj_card", "ektp", "kk")  # three of the JHT "resign" checklist

_REASON = re.compile(r'name="reason" value="(\d+)"')
_INTAKE = re.compile(r'name="intake_token" value="([^"]+)"')
_REFERENCE = re.compile(r"/klaim/(LA-[A-Z0-9]{4}-[A-Z0-9]{4})/")
_QUEUE = re.compile(r'href="/petugas/klaim/(LA-[A-Z0-9]{4}-[A-Z0-9]{4})/"')
_DECISION = re.compile(r'name="keputusan_([0-9a-f-]{36})" value="terima"')
_VERSION = re.compile(r'name="versi" value="(\d+)"')
_officer_numbers = iter(range(10**6))


def identity() -> dict:
    """A NIK that passes the checks: Jakarta Selatan's codes, the birth date, a serial."""
    born = dt.date(1965, 1, 1) + dt.timedelta(days=random.randrange(0, 365 * 35))
    nik = f"317401{born:%d%m%y}{random.randrange(1, 9999):04d}"
    return {
        "nik": nik,
        "kpj_number": f"{random.randrange(10**10, 10**11)}",
        "full_name": "Peserta Uji Beban",
        "date_of_birth": born.isoformat(),
    }


class Claimant(HttpUser):
    """Opens the pages, starts a claim, uploads three 500 KB photos, checks the status."""

    weight = 10
    wait_time = between(10, 30)  # between one person's claim and the next one's

    def _post(self, url: str, data: dict, name: str, *, think: tuple[float, float] = (3, 10), **kwargs):
        # A person reads the page and types: 3–10 s a step; finding a card and taking its
        # photo takes longer (see the upload below).
        time.sleep(random.uniform(*think))
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        return self.client.post(url, data=data, name=name, headers={"Referer": self.host + url}, **kwargs)

    @task
    def one_claim(self):
        self.client.get("/", name="claimant: home")
        self.client.get("/klaim/baru/?baru=1", name="claimant: programme")
        self._post("/klaim/baru/", {"programme": "JHT"}, "claimant: programme (post)")
        page = self.client.get("/klaim/baru/alasan/", name="claimant: reason")
        reason = _REASON.search(page.text)
        if not reason:
            return
        self._post("/klaim/baru/alasan/", {"reason": reason.group(1)}, "claimant: reason (post)")
        self._post("/klaim/baru/data-peserta/", identity(), "claimant: identity (post)")
        phone = f"0812{random.randrange(10**7, 10**8)}"
        self._post("/klaim/baru/kontak/", {"phone": phone, "email": ""}, "claimant: contact (post)")
        page = self.client.get("/klaim/baru/kantor-cabang/", name="claimant: branch")
        token = _INTAKE.search(page.text)
        if not token:
            return
        created = self._post(
            "/klaim/baru/kantor-cabang/",
            {"branch": BRANCH, "intake_token": token.group(1)},
            "claimant: branch (post)",
        )
        reference = _REFERENCE.search(created.url or "")
        if not reference:
            return
        reference = reference.group(1)
        for code, photo in zip(UPLOADED, random.sample(PHOTOS, len(UPLOADED)), strict=True):
            url = f"/klaim/{reference}/dokumen/{code}/"
            self.client.get(url, name="claimant: document page")
            with photo.open("rb") as handle:
                self._post(
                    url,
                    {},
                    "claimant: upload",
                    think=(15, 40),
                    files={"file": ("foto.jpg", handle, "image/jpeg")},
                )
        self.client.get(f"/klaim/{reference}/", name="claimant: status")
        self.client.cookies.clear()  # the next claim is another person on another phone


class Officer(HttpUser):
    """Works the branch queue: opens a claim, accepts the documents the checks passed."""

    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        username = OFFICERS[next(_officer_numbers) % len(OFFICERS)]
        self.client.get("/admin/login/?next=/petugas/", name="officer: login")
        self.client.post(
            "/admin/login/?next=/petugas/",
            data={
                "username": username,
                "password": PASSWORD,
                "next": "/petugas/",
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": self.host + "/admin/login/"},
            name="officer: login (post)",
        )

    @task
    def review(self):
        queue = self.client.get("/petugas/", name="officer: queue")
        references = _QUEUE.findall(queue.text)
        if not references:
            return
        reference = random.choice(references[:20])
        page = self.client.get(f"/petugas/klaim/{reference}/", name="officer: claim page")
        decisions = _DECISION.findall(page.text)
        version = _VERSION.search(page.text)
        if not decisions or not version:
            return
        self.client.post(
            f"/petugas/klaim/{reference}/dokumen/",
            data={
                **{f"keputusan_{pk}": "terima" for pk in decisions},
                "versi": version.group(1),
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": f"{self.host}/petugas/klaim/{reference}/"},
            name="officer: accept documents",
        )
