from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ModelMultipleChoiceField
from places.models import Hub


class RunForm(forms.Form):
    hubs = ModelMultipleChoiceField(
        label=_("Hubs"),
        queryset=Hub.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked to match at every hub you coordinate."),
    )
    # A text field, so the service's own check (and its message) applies to the page too.
    seed = forms.CharField(
        label=_("Lottery seed"),
        required=False,
        max_length=25,
        help_text=_(
            "Breaks ties between equal priorities. Leave empty to draw one; give a run's seed to repeat it exactly."
        ),
    )

    allow_transfer = forms.BooleanField(
        label=_("Let phones go to another province"),
        required=False,
        help_text=_(
            "Without it, each province's phones go to its own households only. With it, a phone "
            "may be sent to a hub of another province where the need is greater (at a transfer "
            "cost)."
        ),
    )

    def __init__(self, *args, hubs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hubs"].queryset = hubs if hubs is not None else Hub.objects.none()


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
