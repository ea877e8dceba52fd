from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CallChannel
from .selectors import parse_slot_value


class SlotField(forms.ChoiceField):
    """A slot posted as its UTC instant; the choices are the free slots shown on the page."""

    def clean(self, value):
        value = super().clean(value)
        return parse_slot_value(value)


class BookForm(forms.Form):
    versi = forms.IntegerField(widget=forms.HiddenInput)
    waktu = SlotField(label=_("Waktu"), widget=forms.RadioSelect, error_messages={"required": _("Pilih waktu.")})
    cara = forms.ChoiceField(
        label=_("Cara panggilan"),
        choices=CallChannel.choices,
        initial=CallChannel.WHATSAPP_VIDEO,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["waktu"].choices = [(slot.value, slot.local) for slot in slots]


class RescheduleForm(forms.Form):
    waktu = SlotField(label=_("Pilih jam lain"), widget=forms.RadioSelect, error_messages={"required": _("Pilih jam.")})

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["waktu"].choices = [(slot.value, slot.local) for slot in slots]
