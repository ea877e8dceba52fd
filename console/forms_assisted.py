"""Forms of the assisted channel: an officer fills in a claim for the claimant.

The claimant's own forms (claims/forms.py) hold every rule about NIK, KPJ, names, dates
and phone numbers; the officer's single page is those forms together, plus what only
the officer decides (branch, channel, where the claimant is).
"""

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from claims.forms import ContactForm, HeirForm, IdentityForm
from claims.models import Channel, ClaimReason
from claims.selectors import programmes_active
from claims.services import AssistedWhere, ClaimantData, assisted_branches


class ReasonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ClaimReason) -> str:
        label = f"{obj.programme.code} – {obj.localized('name')}"
        heir = _("ahli waris")
        return f"{label} ({heir})" if obj.needs_heir else label


class BranchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.city})"


class AssistedClaimForm(forms.Form):
    """What the officer decides: the claim's reason, branch, channel, and where the claimant is."""

    reason = ReasonChoiceField(
        label=_("Program dan alasan klaim"),
        queryset=ClaimReason.objects.none(),
        empty_label=_("— pilih —"),
        error_messages={"required": _("Pilih program dan alasan klaim."), "invalid_choice": _("Pilih dari daftar.")},
    )
    branch = BranchChoiceField(
        label=_("Kantor cabang"),
        queryset=None,
        to_field_name="code",
        empty_label=None,
        error_messages={
            "required": _("Pilih kantor cabang."),
            "invalid_choice": _("Anda hanya bisa membuat klaim untuk kantor cabang Anda sendiri."),
        },
    )
    channel = forms.ChoiceField(
        label=_("Jalur dokumen"),
        widget=forms.RadioSelect,
        choices=[
            (Channel.ELECTRONIC, _("Elektronik: petugas memindai dokumen peserta dan mengunggahnya di konsol")),
            (Channel.DROPBOX, _("Dropbox: peserta memasukkan fotokopi dokumen ke kotak dropbox kantor cabang")),
        ],
        initial=Channel.ELECTRONIC,
        error_messages={"required": _("Pilih jalur dokumen.")},
    )
    where = forms.ChoiceField(
        label=_("Peserta sedang"),
        widget=forms.RadioSelect,
        choices=AssistedWhere.choices,
        error_messages={"required": _("Pilih di mana peserta sekarang.")},
    )
    intake_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = (
            ClaimReason.objects.filter(is_active=True, programme__in=programmes_active())
            .select_related("programme")
            .order_by("programme__ordering", "programme__code", "ordering", "code")
        )
        branches = assisted_branches(user)
        self.fields["branch"].queryset = branches
        if branches.count() == 1:
            # An officer's branch is fixed: shown, not chosen.
            self.fields["branch"].initial = branches.first().code
            self.fields["branch"].widget = forms.HiddenInput()
            self.fixed_branch = branches.first()
        else:
            self.fixed_branch = None
        self.fields["where"].choices = [
            (AssistedWhere.BRANCH, _("Di kantor cabang")),
            (
                AssistedWhere.CALL_CENTRE,
                _("Lewat telepon (call centre %(number)s)") % {"number": settings.CALL_CENTRE_NUMBER},
            ),
        ]


class AssistedContactForm(ContactForm):
    """The claimant's phone is optional here: no phone means contact through the branch."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        phone = self.fields["phone"]
        phone.required = False
        phone.label = _("Nomor HP peserta (kosongkan jika tidak ada)")
        phone.help_text = _("Kode konfirmasi dikirim ke nomor ini. Peserta membacakan kodenya kepada petugas.")
        self.fields["email"].label = _("E-mail peserta (boleh dikosongkan)")

    def clean_phone(self) -> str:
        if not (self.cleaned_data.get("phone") or "").strip():
            return ""
        return super().clean_phone()


class AssistedIntake:
    """The officer's one page: the officer's choices, the claimant's identity and contact,
    and the heir when the reason needs one. Each part keeps the claimant forms' rules."""

    def __init__(self, data=None, *, user):
        self.bound = data is not None
        if data is not None:
            data = self._with_token(data)
            branches = assisted_branches(user)
            if not data.get("branch") and len(branches[:2]) == 1:
                # An officer's branch is not a choice: a post without it still means that branch.
                data["branch"] = branches[0].code
        self._data = data or {}
        self.claim_form = AssistedClaimForm(data, user=user, initial={"intake_token": uuid.uuid4()})
        self.identity = IdentityForm(data)
        self.contact = AssistedContactForm(data)
        self.heir = HeirForm(data)
        self.non_field_errors: list[str] = []

    @staticmethod
    def _with_token(data):
        """A post without a usable token gets a fresh one, so the page re-shown can be sent again."""
        data = data.copy()
        try:
            uuid.UUID(str(data.get("intake_token", "")))
        except ValueError:
            data["intake_token"] = str(uuid.uuid4())
        return data

    @property
    def forms(self) -> list[forms.Form]:
        return [self.claim_form, self.identity, self.contact, self.heir]

    def needs_heir(self) -> bool:
        reason = self.claim_form.cleaned_data.get("reason") if self.claim_form.is_bound else None
        return bool(reason and reason.needs_heir)

    def is_valid(self) -> bool:
        if not self.bound:
            return False
        valid = all([self.claim_form.is_valid(), self.identity.is_valid(), self.contact.is_valid()])
        if self.needs_heir():
            valid = self.heir.is_valid() and valid
        else:
            # Not (or not yet known to be) an heir claim: the heir block is not checked, and
            # keeps what was typed in case the officer corrects the reason.
            self.heir = HeirForm(initial={name: self._data.get(name, "") for name in HeirForm.base_fields})
        return valid

    def add_error(self, error: ValidationError) -> None:
        self.non_field_errors.extend(error.messages)

    @property
    def has_errors(self) -> bool:
        return bool(self.non_field_errors) or any(form.errors for form in self.forms if form.is_bound)

    def claimant_data(self) -> ClaimantData:
        values = {**self.identity.cleaned_data, **self.contact.cleaned_data}
        if self.needs_heir():
            values.update(self.heir.cleaned_data)
        return ClaimantData(**values)

    @property
    def cleaned(self) -> dict:
        return self.claim_form.cleaned_data


class PhoneCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Kode 6 angka yang dibacakan peserta"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Tulis kode 6 angka yang dibacakan peserta.")},
    )

    def clean_code(self) -> str:
        # A typo is not a try: only six digits are checked against the code.
        code = "".join(ch for ch in self.cleaned_data["code"] if ch.isdigit())
        if len(code) != 6:
            raise ValidationError(_("Kode harus 6 angka. Periksa lagi."))
        return code


class NoPhoneForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Saya sudah menanyakan: peserta tidak punya HP yang bisa dipakai."),
        error_messages={"required": _("Centang kotak ini dulu.")},
    )
