"""Forms of the officer console. Each form that changes a claim carries the claim's version."""

from django import forms
from django.utils.translation import gettext_lazy as _

from claims.models import CancelReason, Channel, Claim, Status
from claims.selectors import programmes_active, requirements_for_reason
from claims.services import RejectReason
from documents.models import Document
from documents.rejections import OFFICER_REJECTION_LABELS, OFFICER_REJECTION_NEEDS_NOTE
from documents.services import ReviewDecision

from .selectors import QUEUE_STATUSES

NOTE_MAX = 300


class QueueFilterForm(forms.Form):
    """GET filters of the queue. Anything unknown is simply ignored (the defaults apply)."""

    program = forms.ChoiceField(label=_("Program"), required=False)
    jalur = forms.ChoiceField(label=_("Jalur"), required=False, choices=[("", _("Semua jalur")), *Channel.choices])
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", _("Semua program"))] + [
            (programme.code, f"{programme.code} – {programme.localized('name')}") for programme in programmes_active()
        ]
        statuses = [(value, label) for value, label in Status.choices if value != Status.DRAFT]
        self.fields["status"].choices = [
            ("", _("Menunggu petugas (%(count)s status)") % {"count": len(QUEUE_STATUSES)}),
            ("all", _("Semua status")),
            *statuses,
        ]

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"programme": "", "channel": "", "status": ""}
        data = self.cleaned_data
        return {"programme": data["program"], "channel": data["jalur"], "status": data["status"]}


class VersionForm(forms.Form):
    """The claim's version when the page was built: a save over a newer change is refused."""

    # Several of these forms share one page: each gets its own element ids.
    id_prefix = "versi"

    versi = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class TakeForm(VersionForm):
    id_prefix = "take"


class BatchReviewForm(VersionForm):
    """Every document decision of the claim page, posted at once ("Simpan & kirim ke peserta").

    One post is one batch: the claimant gets one message for all its rejections.
    """

    id_prefix = "review"
    ACCEPT, REJECT = "terima", "tolak"

    def __init__(self, *args, documents: list[Document], **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = documents
        for document in documents:
            self.fields[f"keputusan_{document.pk}"] = forms.ChoiceField(
                label=document.document_type.localized("name"),
                required=False,
                choices=[("", _("Belum diputuskan")), (self.ACCEPT, _("Terima")), (self.REJECT, _("Tolak"))],
                widget=forms.RadioSelect,
                initial="",
            )
            self.fields[f"alasan_{document.pk}"] = forms.ChoiceField(
                label=_("Alasan penolakan"),
                required=False,
                choices=[("", _("Pilih alasan")), *OFFICER_REJECTION_LABELS.items()],
            )
            self.fields[f"catatan_{document.pk}"] = forms.CharField(
                label=_("Catatan untuk peserta"), required=False, max_length=NOTE_MAX
            )

    def fields_for(self, document: Document) -> tuple[forms.BoundField, forms.BoundField, forms.BoundField]:
        return self[f"keputusan_{document.pk}"], self[f"alasan_{document.pk}"], self[f"catatan_{document.pk}"]

    def clean(self):
        cleaned = super().clean()
        if any(name == "versi" or name.startswith("keputusan_") for name in self.errors):
            # The hidden version and the decision radios show no error of their own on the
            # page (a stale or tampered post): say it above the documents.
            self.add_error(None, _("Pilihan di formulir ini tidak terbaca. Muat ulang halaman, lalu pilih lagi."))
        chosen = 0
        for document in self.documents:
            decision = cleaned.get(f"keputusan_{document.pk}")
            if not decision:
                continue
            chosen += 1
            if decision != self.REJECT:
                continue
            reason = cleaned.get(f"alasan_{document.pk}")
            if not reason:
                self.add_error(f"alasan_{document.pk}", _("Pilih alasan penolakan."))
            elif reason in OFFICER_REJECTION_NEEDS_NOTE and not cleaned.get(f"catatan_{document.pk}", "").strip():
                self.add_error(f"catatan_{document.pk}", _("Tulis catatan untuk alasan lainnya."))
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Belum ada keputusan dokumen yang dipilih."))
        return cleaned

    def decisions(self) -> list[ReviewDecision]:
        decisions = []
        for document in self.documents:
            decision = self.cleaned_data.get(f"keputusan_{document.pk}")
            if not decision:
                continue
            reject = decision == self.REJECT
            decisions.append(
                ReviewDecision(
                    document=document,
                    accept=not reject,
                    reason=self.cleaned_data.get(f"alasan_{document.pk}", "") if reject else "",
                    note=self.cleaned_data.get(f"catatan_{document.pk}", "") if reject else "",
                )
            )
        return decisions


class RequestDocumentsForm(VersionForm):
    id_prefix = "request"
    dokumen = forms.MultipleChoiceField(
        label=_("Dokumen yang diminta"), required=False, widget=forms.CheckboxSelectMultiple
    )
    catatan = forms.CharField(
        label=_("Catatan untuk peserta"), required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = {
            str(requirement.document_type.pk): requirement.document_type
            for requirement in requirements_for_reason(claim.reason)
        }
        dokumen = self.fields["dokumen"]
        assert isinstance(dokumen, forms.MultipleChoiceField)  # declared above; Form.fields is typed as any Field
        dokumen.choices = [(key, document_type.localized("name")) for key, document_type in self.requirements.items()]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("dokumen") and not cleaned.get("catatan", "").strip():
            raise forms.ValidationError(_("Pilih dokumen yang diminta atau tulis catatan untuk peserta."))
        return cleaned

    def document_types(self):
        return [self.requirements[key] for key in self.cleaned_data.get("dokumen", [])]


class ApproveForm(VersionForm):
    id_prefix = "approve"


class RejectForm(VersionForm):
    """``reasons``: what the claim may be rejected with now (before the call, ineligible or duplicate only)."""

    id_prefix = "reject"
    alasan = forms.ChoiceField(label=_("Alasan penolakan"), choices=[("", _("Pilih alasan")), *RejectReason.choices])
    catatan = forms.CharField(
        label=_("Catatan untuk peserta"), required=False, max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, reasons: list[RejectReason] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if reasons is not None:
            alasan = self.fields["alasan"]
            assert isinstance(alasan, forms.ChoiceField)  # declared above; Form.fields is typed as any Field
            alasan.choices = [("", _("Pilih alasan")), *((reason.value, reason.label) for reason in reasons)]
        self.before_call = reasons is not None and RejectReason.OTHER not in reasons

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("alasan") == RejectReason.OTHER and not cleaned.get("catatan", "").strip():
            self.add_error("catatan", _("Tulis catatan untuk alasan lainnya."))
        return cleaned


class CancelForm(VersionForm):
    id_prefix = "cancel"
    alasan = forms.ChoiceField(label=_("Alasan pembatalan"), choices=[("", _("Pilih alasan")), *CancelReason.choices])
    catatan = forms.CharField(
        label=_("Catatan (tidak dikirim ke peserta)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AuditFilterForm(forms.Form):
    klaim = forms.CharField(label=_("Nomor klaim"), required=False, max_length=20)
    petugas = forms.CharField(label=_("Petugas"), required=False, max_length=150)
    akses = forms.ChoiceField(
        label=_("Akses"),
        required=False,
        choices=[
            ("", _("Semua akses")),
            ("file", _("Membuka berkas")),
            ("thumbnail", _("Melihat gambar kecil")),
            ("nik", _("Melihat NIK lengkap")),
        ],
    )


class ReplyAnswerForm(forms.Form):
    """An officer's answer to a claimant's reply: their own text inside WhatsApp's window (and
    always by SMS); outside it the template goes and the text is left empty."""

    text = forms.CharField(
        label=_("Jawaban"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
