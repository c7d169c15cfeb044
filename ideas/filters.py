"""The one set of list filters the list page, its CSV export and the API share."""

from django import forms
from django.core.exceptions import ValidationError

from core.params import parse_id
from org.models import Team, User

from .models import Idea
from .registry import list_filters
from .selectors import SORTS

STATUS_CHOICES = [("open", "Open (new or in progress)"), *Idea.Status.choices,
                  ("closed", "Closed (done, declined or parked)")]


class MultiValueChoiceField(forms.MultipleChoiceField):
    """Accepts ``?status=new&status=done`` and ``?status=new,done``."""

    widget = forms.Select

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        out = []
        for v in value:
            out += [part.strip() for part in str(v).split(",") if part.strip()]
        return out


class PersonField(forms.CharField):
    """"me", "none" or a user id."""

    def clean(self, value):
        value = (super().clean(value) or "").strip().lower()
        if value in ("", "me", "none"):
            return value
        pk = parse_id(value)
        if pk is None or not User.objects.filter(pk=pk).exists():
            raise ValidationError("Choose a person, “me” or “none”.", code="invalid")
        return pk


class IdeaFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200, strip=True)
    team = forms.ModelChoiceField(queryset=Team.objects.select_related("tier"), required=False,
                                  empty_label="Any team")
    mine = forms.BooleanField(label="My teams", required=False)
    status = MultiValueChoiceField(choices=STATUS_CHOICES, required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Idea.Kind.choices], required=False)
    category = forms.ChoiceField(choices=[("", "Any category"), *Idea.Category.choices],
                                 required=False)
    priority = forms.ChoiceField(choices=[("", "Any priority"), *Idea.Priority.choices],
                                 required=False)
    level = forms.ChoiceField(choices=[("", "Any level"), *Idea.Level.choices], required=False)
    change_kind = forms.ChoiceField(label="Changes",
                                    choices=[("", "Any system change"), *Idea.ChangeKind.choices],
                                    required=False)
    owner = PersonField(required=False, max_length=20)
    reporter = PersonField(required=False, max_length=20)
    label = forms.CharField(required=False, max_length=40)
    aging = forms.BooleanField(label="Aging", required=False)
    attention = forms.BooleanField(label="Needs attention", required=False)
    escalated = forms.BooleanField(label="Has escalation", required=False)
    private = forms.BooleanField(label="Private only", required=False)
    sort = forms.ChoiceField(choices=[("", "Default")] + [(k, v[0]) for k, v in SORTS.items()],
                             required=False)

    # Filters that are not narrowing anything the user can see in the form.
    HIDDEN = ("reporter", "label", "attention", "private")

    def __init__(self, data=None, *, user=None, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        self.team_choices = []
        self.extra_filter_names = []
        for extra in list_filters():
            self.fields[extra.name] = forms.ChoiceField(
                label=extra.label, required=False,
                choices=[("", f"Any {extra.label.lower()}"), *extra.choices(user)])
            self.extra_filter_names.append(extra.name)

    def clean_label(self):
        return " ".join((self.cleaned_data.get("label") or "").split()).lower()

    @property
    def extra_fields(self):
        return [self[name] for name in self.extra_filter_names]

    def active_count(self) -> int:
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return 0
        return sum(1 for k, v in self.cleaned_data.items() if v and k not in ("q", "sort"))


class LearningFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200, strip=True)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False,
                                  empty_label="Any team")
    category = forms.ChoiceField(choices=[("", "Any category"), *Idea.Category.choices],
                                 required=False)
    kind = forms.ChoiceField(choices=[("", "Problems and ideas"), *Idea.Kind.choices],
                             required=False)
    sort = forms.ChoiceField(choices=[("", "Most reused, then newest / best match"),
                                      ("newest", "Newest"), ("impact", "Largest impact")],
                             required=False)
