"""The claimant's flow as JSON, for the agency's mobile app and the call centre.

Each endpoint parses, calls one service or selector, and renders. A claim token opens
exactly one claim: any other reference answers 404, so a token says nothing about
which other claims exist.
"""

import uuid

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.access import (
    claim_token_issue,
    normalize_reference,
    one_time_code_request,
    one_time_code_verify,
)
from claims.models import CancelReason, Claim
from claims.selectors import branches_search, programmes_active
from claims.services import claim_cancel, claim_start, claim_start_resend, claim_start_verify
from core.throttle import client_ip
from documents.services import claim_submit, document_remove, document_upload, too_large_message
from documents.uploads import upload_was_too_large

from .auth import ClaimTokenAuthentication, HasClaimToken
from .errors import ApiError, payload_too_large
from .serializers import (
    BranchSerializer,
    CancelSerializer,
    ClaimConfirmSerializer,
    ClaimCreateSerializer,
    ClaimSerializer,
    ClaimStartedSerializer,
    ClaimTokenSerializer,
    CodeRequestedSerializer,
    CodeRequestSerializer,
    CodeVerifySerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    ErrorSerializer,
    ProgrammeSerializer,
    StartResendSerializer,
)

REFERENCE = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description="The claim number, e.g. LA-7KQM-3XTB."
)
LANGUAGE = OpenApiParameter(
    "Accept-Language",
    str,
    OpenApiParameter.HEADER,
    required=False,
    enum=["id", "en"],
    description="Messages and catalogue texts in Indonesian (default) or English.",
)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


CLAIM_ERRORS = {
    401: _error("No claim token, or the token is invalid or expired."),
    404: _error("No such claim for this token."),
}


def _language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "id"


def _token_body(claim: Claim) -> dict:
    return {
        "reference": claim.reference,
        "status": claim.status,
        "status_label": claim.get_status_display(),
        "token": claim_token_issue(claim),
        "token_expires_in": settings.CLAIM_TOKEN_MAX_AGE,
    }


class PublicView(APIView):
    # No credentials: a stale token sent by an app must not break the catalogue or sign-in.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]


class ClaimView(APIView):
    authentication_classes = [ClaimTokenAuthentication]
    permission_classes = [HasClaimToken]
    parser_classes = [JSONParser]

    def claim(self, reference: str) -> Claim:
        """The claim of the token, if the URL names it; anything else is 'not found'."""
        claim = self.request.auth
        if not isinstance(claim, Claim) or claim.reference != normalize_reference(reference):
            raise Http404
        return claim


# --- catalogue --------------------------------------------------------------------------


class ProgrammeListView(PublicView):
    @extend_schema(
        operation_id="programmes_list",
        tags=["catalogue"],
        summary="Programmes, their claim reasons and the documents each reason needs",
        parameters=[LANGUAGE],
        responses={200: ProgrammeSerializer(many=True)},
    )
    def get(self, request):
        return Response(ProgrammeSerializer(programmes_active(), many=True).data)


class BranchListView(PublicView):
    @extend_schema(
        operation_id="branches_list",
        tags=["catalogue"],
        summary="Find a branch office by city, name or regional office",
        parameters=[OpenApiParameter("q", str, description="Part of a city, branch or region name, e.g. medan.")],
        responses={200: BranchSerializer(many=True)},
    )
    def get(self, request):
        query = request.query_params.get("q", "")[:80]
        return Response(BranchSerializer(branches_search(query), many=True).data)


# --- claims -----------------------------------------------------------------------------


def _start_answer(start_id) -> Response:
    detail = _(
        "Kode 6 angka sudah dikirim lewat WhatsApp atau SMS: ke nomor HP yang ditulis, atau, jika NIK "
        "ini sudah punya klaim yang masih berjalan untuk program ini, ke nomor HP klaim itu. "
        "Kode berlaku %(minutes)d menit."
    ) % {"minutes": settings.OTP_TTL_SECONDS // 60}
    body = {"detail": detail, "start": str(start_id), "code_expires_in": settings.OTP_TTL_SECONDS}
    return Response(body, status=status.HTTP_202_ACCEPTED)


class ClaimCreateView(PublicView):
    @extend_schema(
        operation_id="claims_create",
        tags=["claims"],
        summary="Start a claim: a one-time code is sent",
        description=(
            "One open claim per NIK and programme. This never creates the claim and never says whether "
            "the NIK already has one: it always answers 202 and sends a 6-digit code, to the phone in the "
            "request (the heir's for an heir claim) or, when the NIK already has an open claim in the "
            "programme, to that claim's phone on file. Send the same fields again with `start` and the "
            "code to POST /claims/confirm/. The same `idempotency_key` and fields again (a retry) give "
            "the same `start` and send nothing more."
        ),
        parameters=[LANGUAGE],
        request=ClaimCreateSerializer,
        responses={
            202: ClaimStartedSerializer,
            400: _error("A field is wrong; `fields` says which and how to fix it."),
            429: _error("Too many codes asked for from this device."),
        },
    )
    def post(self, request):
        serializer = ClaimCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        start = claim_start(
            intake_token=data.get("idempotency_key") or uuid.uuid4(),
            reason=data["reason"],
            branch=data["branch"],
            data=serializer.claimant_data(),
            language=_language(),
            ip=client_ip(request),
        )
        return _start_answer(start.pk)


class ClaimConfirmView(PublicView):
    @extend_schema(
        operation_id="claims_confirm",
        tags=["claims"],
        summary="Exchange a start's code for a claim token",
        description=(
            "The fields of POST /claims/ again, with `start` and the code. A new claim is created (201); "
            "when the NIK already had an open claim in the programme, that claim is opened (200)."
        ),
        parameters=[LANGUAGE],
        request=ClaimConfirmSerializer,
        responses={
            201: OpenApiResponse(ClaimTokenSerializer, description="The code made a new draft claim."),
            200: OpenApiResponse(ClaimTokenSerializer, description="The NIK's open claim in this programme."),
            400: _error(
                "Wrong or expired code, fields not those of the start (the same answer), or too many tries "
                "(`code_exhausted`), or a new code was just sent (`code_resent`)."
            ),
            409: _error("This idempotency_key was already used for a claim with other data."),
        },
    )
    def post(self, request):
        serializer = ClaimConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        check = claim_start_verify(
            start_id=data["start"],
            code=data["code"],
            reason=data["reason"],
            branch=data["branch"],
            data=serializer.claimant_data(),
        )
        if check.resent:
            raise ApiError(_("Kami baru saja mengirim kode baru. Masukkan kode yang baru."), "code_resent")
        if check.exhausted:
            raise ApiError(
                _("Kode ini sudah terlalu sering dicoba. Minta kode baru, lalu masukkan kode yang baru."),
                "code_exhausted",
            )
        if check.claim is None:
            raise ApiError(
                _("Kode tidak cocok atau sudah kedaluwarsa. Periksa lagi, atau minta kode baru."), "code_invalid"
            )
        if check.created and not serializer.matches(check.claim):
            # An earlier claim made with this idempotency key from other input.
            raise ApiError(
                _("Kunci idempotensi ini sudah dipakai untuk klaim lain. Buat kunci baru untuk klaim baru."),
                "idempotency_conflict",
                status.HTTP_409_CONFLICT,
            )
        return Response(_token_body(check.claim), status=status.HTTP_201_CREATED if check.created else 200)


class ClaimStartResendView(PublicView):
    @extend_schema(
        operation_id="claims_start_resend",
        tags=["claims"],
        summary="Send a start's code again",
        description="Answers the same for any `start`. The phone gets at most a few codes in a quarter hour.",
        parameters=[LANGUAGE],
        request=StartResendSerializer,
        responses={
            202: ClaimStartedSerializer,
            400: _error("No start id, or not one."),
            429: _error("Too many codes asked for from this device."),
        },
    )
    def post(self, request):
        serializer = StartResendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim_start_resend(start_id=serializer.validated_data["start"], ip=client_ip(request))
        return _start_answer(serializer.validated_data["start"])


class ClaimDetailView(ClaimView):
    @extend_schema(
        operation_id="claims_retrieve",
        tags=["claims"],
        summary="A claim's status, history and document checklist",
        parameters=[REFERENCE, LANGUAGE],
        responses={200: ClaimSerializer, **CLAIM_ERRORS},
    )
    def get(self, request, reference: str):
        return Response(ClaimSerializer(self.claim(reference)).data)


class DocumentCollectionView(ClaimView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="claims_documents_create",
        tags=["documents"],
        summary="Upload the file for one document of the checklist",
        description="Before submitting, a new file replaces the previous one of its type.",
        parameters=[REFERENCE, LANGUAGE],
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={
            201: DocumentSerializer,
            400: _error("Empty file, unknown document type, a type this claim does not need, or a closed claim."),
            413: _error("The file is over the size limit."),
            **CLAIM_ERRORS,
        },
    )
    def post(self, request, reference: str):
        claim = self.claim(reference)
        data = request.data  # parses the body: the size-limit handler marks the request while streaming
        if upload_was_too_large(request):
            raise payload_too_large(too_large_message())
        serializer = DocumentUploadSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        document = document_upload(
            claim=claim,
            document_type=serializer.validated_data["document_type"],
            uploaded=serializer.validated_data.get("file"),
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDetailView(ClaimView):
    @extend_schema(
        operation_id="claims_documents_destroy",
        tags=["documents"],
        summary="Take a document back before submitting",
        parameters=[REFERENCE, LANGUAGE],
        responses={
            204: OpenApiResponse(description="Removed."),
            400: _error("The claim was already submitted: upload a replacement instead."),
            **CLAIM_ERRORS,
        },
    )
    def delete(self, request, reference: str, document_id: uuid.UUID):
        document = get_object_or_404(self.claim(reference).documents, pk=document_id)
        document_remove(document=document)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ClaimSubmitView(ClaimView):
    @extend_schema(
        operation_id="claims_submit",
        tags=["claims"],
        summary="Send the claim in",
        description="Refused while a required document is missing. Submitting again changes nothing.",
        parameters=[REFERENCE, LANGUAGE],
        request=None,
        responses={
            200: ClaimSerializer,
            400: _error("Required documents are missing; the message names them."),
            **CLAIM_ERRORS,
        },
    )
    def post(self, request, reference: str):
        return Response(ClaimSerializer(claim_submit(claim=self.claim(reference))).data)


class ClaimCancelView(ClaimView):
    @extend_schema(
        operation_id="claims_cancel",
        tags=["claims"],
        summary="Cancel the claim at the claimant's request",
        parameters=[REFERENCE, LANGUAGE],
        request=CancelSerializer,
        responses={
            200: ClaimSerializer,
            400: _error("The note is too long or not text."),
            409: _error("The claim is already decided."),
            **CLAIM_ERRORS,
        },
    )
    def post(self, request, reference: str):
        claim = self.claim(reference)
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = claim_cancel(claim=claim, reason=CancelReason.CLAIMANT_REQUEST, note=serializer.validated_data["note"])
        return Response(ClaimSerializer(claim).data)


# --- access with a one-time code --------------------------------------------------------


class AccessCodeView(PublicView):
    @extend_schema(
        operation_id="access_code_create",
        tags=["access"],
        summary="Send a one-time code to the phone of a claim",
        description="Answers the same whether or not the reference exists.",
        parameters=[LANGUAGE],
        request=CodeRequestSerializer,
        responses={
            202: CodeRequestedSerializer,
            400: _error("No reference sent."),
            429: _error("Too many codes asked for from this device or for this phone."),
        },
    )
    def post(self, request):
        serializer = CodeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        one_time_code_request(reference=serializer.validated_data["reference"], ip=client_ip(request))
        detail = _(
            "Jika nomor klaim ini benar, kode 6 angka sudah dikirim ke nomor HP klaim tersebut. "
            "Kode berlaku %(minutes)d menit."
        ) % {"minutes": settings.OTP_TTL_SECONDS // 60}
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class AccessTokenView(PublicView):
    @extend_schema(
        operation_id="access_token_create",
        tags=["access"],
        summary="Exchange the reference and its one-time code for a claim token",
        parameters=[LANGUAGE],
        request=CodeVerifySerializer,
        responses={
            200: ClaimTokenSerializer,
            400: _error("Wrong or expired code (the same answer for an unknown reference), or too many tries."),
        },
    )
    def post(self, request):
        serializer = CodeVerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check = one_time_code_verify(**serializer.validated_data)
        if check.exhausted:
            raise ApiError(
                _("Kode ini sudah terlalu sering dicoba. Minta kode baru, lalu masukkan kode yang baru."),
                "code_exhausted",
            )
        if check.claim is None:
            raise ApiError(
                _(
                    "Nomor klaim atau kode tidak cocok, atau kode sudah kedaluwarsa. "
                    "Periksa lagi, atau minta kode baru."
                ),
                "code_invalid",
            )
        return Response(_token_body(check.claim))
