"""What the API reads and writes. Format checks only: the rules about claims live in services."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.models import Branch, CancelReason, Channel, Claim, DocumentType, HeirRelation, Programme, Status
from claims.selectors import reasons_for_programme, requirements_for_reason
from claims.services import ClaimantData
from claims.validators import nik_matches_birth_date, normalize_mobile, validate_kpj, validate_nik
from core.masking import mask_nik, mask_phone
from documents.models import DocumentStatus
from documents.rejections import fix_hint
from documents.selectors import claim_checklist

# --- errors -----------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="A plain message for the claimant, in the request's language.")
    code = serializers.CharField(help_text="A stable machine code, e.g. `invalid`, `missing`, `too_large`.")
    # The API's key is "fields". The metaclass moves declared fields into _declared_fields, so
    # this never hides Serializer.fields at run time; the stubs see a class attribute over it.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Form errors: messages for each input field that needs fixing.",
    )


# --- catalogue --------------------------------------------------------------------------


class CodeField(serializers.SlugRelatedField):
    """A catalogue code (programme, branch, document type) looked up by its `code`.

    Text no code can hold (a NUL byte, which PostgreSQL refuses in a query) is an unknown
    code, answered like any other, not a server error.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.STR)
class LocalizedField(serializers.Field):
    """Catalogue text in the request's language: English when asked for and translated, else Indonesian."""

    def __init__(self, attribute: str | None = None, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        self.attribute = attribute
        super().__init__(**kwargs)

    def to_representation(self, value) -> str:
        return value.localized(self.attribute or self.field_name)


class RequirementSerializer(serializers.Serializer):
    document_type = serializers.CharField(source="document_type.code", help_text="Send this code when uploading.")
    name = LocalizedField("name", source="document_type")
    explanation = LocalizedField("explanation", source="document_type")
    photo_hint = LocalizedField("photo_hint", source="document_type")
    # A declared field, moved into _declared_fields by the metaclass: Field.required is untouched.
    required = serializers.BooleanField()  # type: ignore[assignment]
    note = LocalizedField(help_text="When this document is needed; may be empty.")


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = LocalizedField()
    needs_heir = serializers.BooleanField(help_text="The worker died: the heir's data must be sent.")
    requirements = serializers.SerializerMethodField()

    @extend_schema_field(RequirementSerializer(many=True))
    def get_requirements(self, reason) -> list:
        return serializers.ListSerializer(requirements_for_reason(reason), child=RequirementSerializer()).data


class ProgrammeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = LocalizedField()
    summary = LocalizedField()
    reasons = serializers.SerializerMethodField()

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, programme) -> list:
        return serializers.ListSerializer(reasons_for_programme(programme), child=ReasonSerializer()).data


class BranchSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    city = serializers.CharField()
    region = serializers.CharField(source="region.name")
    address = serializers.CharField()
    whatsapp_number = serializers.CharField(help_text="The branch's official WhatsApp number; calls come from it.")
    time_zone = serializers.CharField()


# --- claims -----------------------------------------------------------------------------


class ClaimCreateSerializer(serializers.Serializer):
    programme = CodeField(
        queryset=Programme.objects.filter(is_active=True),
        error_messages={"does_not_exist": _("Program tidak dikenal. Pilih salah satu program dari daftar.")},
        help_text="Programme code, e.g. JHT.",
    )
    reason = serializers.CharField(max_length=40, help_text="Reason code of that programme, from /programmes/.")
    branch = CodeField(
        queryset=Branch.objects.filter(is_active=True),
        error_messages={"does_not_exist": _("Kantor cabang tidak dikenal. Pilih kantor cabang dari daftar.")},
        help_text="Branch code, from /branches/.",
    )
    nik = serializers.CharField(max_length=32, help_text="16 digits from the e-KTP; spaces and dashes are fine.")
    kpj_number = serializers.CharField(max_length=32, help_text="11 digits from the KPJ card.")
    full_name = serializers.CharField(max_length=120)
    date_of_birth = serializers.DateField()
    phone = serializers.CharField(
        max_length=32, help_text="Indonesian mobile: 08…, 62… or +62…, spaces and dashes fine."
    )
    email = serializers.EmailField(required=False, allow_blank=True)  # a "" default is not a valid email in OpenAPI
    heir_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    heir_nik = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    heir_relation = serializers.ChoiceField(choices=HeirRelation.choices, required=False, allow_blank=True, default="")
    heir_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    idempotency_key = serializers.UUIDField(
        required=False,
        help_text="A UUID made by the app for this form. Posting again with the same key returns the same claim.",
    )

    def validate_nik(self, value: str) -> str:
        return validate_nik(value)

    def validate_date_of_birth(self, value: dt.date) -> dt.date:
        if value >= timezone.localdate():
            raise serializers.ValidationError(_("Tanggal lahir harus sebelum hari ini. Periksa lagi e-KTP Anda."))
        return value

    def validate_kpj_number(self, value: str) -> str:
        return validate_kpj(value)

    def validate_phone(self, value: str) -> str:
        return normalize_mobile(value)

    def validate_heir_nik(self, value: str) -> str:
        return validate_nik(value) if value else ""

    def validate_heir_phone(self, value: str) -> str:
        return normalize_mobile(value) if value else ""

    def validate(self, attrs: dict) -> dict:
        reason = reasons_for_programme(attrs["programme"]).filter(code=attrs["reason"]).first()
        if reason is None:
            raise serializers.ValidationError(
                {"reason": _("Alasan klaim ini tidak ada untuk program yang dipilih. Pilih alasan dari daftar.")}
            )
        attrs["reason"] = reason
        if not nik_matches_birth_date(attrs["nik"], attrs["date_of_birth"]):
            raise serializers.ValidationError(
                {
                    "date_of_birth": _(
                        "Tanggal lahir tidak cocok dengan NIK. Angka ke-7 sampai ke-12 NIK adalah tanggal lahir "
                        "(untuk perempuan, tanggalnya ditambah 40). Periksa lagi e-KTP Anda."
                    )
                }
            )
        return attrs

    def claimant_data(self) -> ClaimantData:
        data = self.validated_data
        return ClaimantData(**{name: data.get(name, "") for name in ClaimantData.__dataclass_fields__})

    def matches(self, claim: Claim) -> bool:
        """The claim an idempotency key points to was made from this same input."""
        data = self.validated_data
        same_person = ClaimantData(**{name: getattr(claim, name) for name in ClaimantData.__dataclass_fields__})
        return (
            same_person == self.claimant_data()
            and claim.reason_id == data["reason"].pk
            and claim.branch_id == data["branch"].pk
        )


class ClaimConfirmSerializer(ClaimCreateSerializer):
    """The same fields as the start, sent again with the start's id and its code: nothing
    typed is kept on the server until the code makes the claim."""

    start = serializers.UUIDField(help_text="`start` from the answer of POST /claims/.")
    code = serializers.CharField(max_length=12, help_text="The 6 digits sent by WhatsApp or SMS.")


class ClaimStartedSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What to tell the claimant: a code is on its way.")
    start = serializers.UUIDField(help_text="Send it back with the code to POST /claims/confirm/.")
    code_expires_in = serializers.IntegerField(help_text="Seconds the code stays valid.")


class StartResendSerializer(serializers.Serializer):
    start = serializers.UUIDField()


class ClaimTokenSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="The claim number, e.g. LA-7KQM-3XTB; read it to the call centre.")
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>` to the claim's endpoints.")
    token_expires_in = serializers.IntegerField(help_text="Seconds the token stays valid.")


class DocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    document_type = serializers.CharField(source="document_type.code")
    status = serializers.ChoiceField(choices=DocumentStatus.choices)
    status_label = serializers.CharField(
        source="plain_status", help_text="As the status page says it: passed the checks, or accepted by an officer."
    )
    accepted_by_officer = serializers.BooleanField()
    rejection_code = serializers.CharField(
        help_text="Why it was rejected: a code of the fixed list in the README (automatic checks), or the officer's."
    )
    fix_hint = serializers.SerializerMethodField(help_text="What the claimant should do, in their language.")
    rejection_note = serializers.CharField(help_text="The officer's note, when an officer rejected it.")
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    original_name = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_fix_hint(self, document) -> str:
        return fix_hint(document)


class ChecklistItemSerializer(serializers.Serializer):
    requirement = RequirementSerializer()
    document = DocumentSerializer(allow_null=True, help_text="The current document for it, or null.")
    done = serializers.BooleanField()


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status = serializers.ChoiceField(source="to_status", choices=Status.choices)
    status_label = serializers.CharField(source="get_to_status_display")


class ClaimSerializer(serializers.Serializer):
    """A claim as its claimant sees it: never the full NIK or phone number."""

    reference = serializers.CharField()
    programme = serializers.CharField(source="programme.code")
    programme_name = LocalizedField("name", source="programme")
    reason = serializers.CharField(source="reason.code")
    reason_name = LocalizedField("name", source="reason")
    channel = serializers.ChoiceField(choices=Channel.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    cancel_reason = serializers.ChoiceField(choices=CancelReason.choices, allow_blank=True)
    cancel_reason_label = serializers.CharField(source="get_cancel_reason_display")
    accepts_uploads = serializers.BooleanField()
    is_open = serializers.BooleanField()
    branch = BranchSerializer()
    nik_masked = serializers.SerializerMethodField()
    phone_masked = serializers.SerializerMethodField()
    heir_phone_masked = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    timeline = EventSerializer(source="events", many=True)
    checklist = serializers.SerializerMethodField()

    def get_nik_masked(self, claim: Claim) -> str:
        return mask_nik(claim.nik)

    def get_phone_masked(self, claim: Claim) -> str:
        return mask_phone(claim.phone)

    def get_heir_phone_masked(self, claim: Claim) -> str:
        return mask_phone(claim.heir_phone) if claim.heir_phone else ""

    @extend_schema_field(ChecklistItemSerializer(many=True))
    def get_checklist(self, claim: Claim) -> list:
        return serializers.ListSerializer(claim_checklist(claim), child=ChecklistItemSerializer()).data


class DocumentUploadSerializer(serializers.Serializer):
    document_type = CodeField(
        queryset=DocumentType.objects.all(),
        error_messages={"does_not_exist": _("Jenis dokumen tidak dikenal. Pilih dokumen dari daftar klaim Anda.")},
        help_text="A document type code from the claim's checklist.",
    )
    # Empty or missing files are refused by document_upload, with its own message.
    file = serializers.FileField(required=False, allow_null=True, allow_empty_file=True, use_url=False)


class CancelSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


# --- access -----------------------------------------------------------------------------


class CodeRequestSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=40, help_text="The claim number, e.g. LA-7KQM-3XTB.")


class CodeRequestedSerializer(serializers.Serializer):
    detail = serializers.CharField()


class CodeVerifySerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=40)
    code = serializers.CharField(max_length=12, help_text="The 6 digits sent to the claim's phone.")
