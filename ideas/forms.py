"""HTML forms of the idea pages. They only validate input; services make every change."""

from django import forms

from org.models import Team, User
from org.selectors import user_primary_team

from .anonymity import anonymous_raising_on
from .models import Comment, Idea
from .registry import form_extensions
from .services import max_attachment_bytes

QUICK_FIELDS = ("kind", "title", "description", "category", "team")
DETAIL_FIELDS = (
    "priority", "problem_statement", "root_cause", "countermeasure", "estimated_money_per_year",
    "estimated_hours_per_year", "estimated_benefit", "required_spend", "due_date", "level",
    "change_kind", "is_private",
)
EDIT_ONLY_FIELDS = ("result", "actual_money_per_year", "actual_hours_per_year", "actual_benefit")

ACCEPT = "image/jpeg,image/png,image/gif,image/webp,application/pdf"
# Categories where the form suggests raising without a name (static/js/ideas.js shows a hint).
ANONYMOUS_SUGGESTED = (Idea.Category.SAFETY, Idea.Category.PEOPLE)


class IdeaForm(forms.ModelForm):
    """The quick form (title, what is wrong, category, team) and its "more details"; the same
    form edits an item. Fields added by apps above ideas (registry.form_extensions) are kept
    apart in ``extension_fields``."""

    labels_text = forms.CharField(
        label="Labels", required=False, max_length=400,
        help_text="Free labels, separated by commas (e.g. forklift, 5S).")

    class Meta:
        model = Idea
        fields = QUICK_FIELDS + DETAIL_FIELDS + EDIT_ONLY_FIELDS
        labels = {
            "title": "Title",
            "description": "What is wrong, or what could be better?",
            "kind": "This is",
            "team": "Team",
            "is_private": "Private (only the reporter, the team, the escalation chain and "
                          "admins see it)",
            "estimated_money_per_year": "Estimated saving per year",
            "estimated_hours_per_year": "Estimated hours saved per year",
            "estimated_benefit": "Other expected benefit",
            "actual_money_per_year": "Actual saving per year",
            "actual_hours_per_year": "Actual hours saved per year",
            "actual_benefit": "Other actual benefit",
            "required_spend": "One-off spend needed",
            "problem_statement": "Problem (Plan)",
            "root_cause": "Root cause",
            "countermeasure": "Countermeasure (Do)",
            "result": "Result (Study)",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "category": forms.RadioSelect,
            "title": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 200,
                                            "placeholder": "e.g. Conveyor 3 jams at the merge"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "problem_statement": forms.Textarea(attrs={"rows": 2}),
            "root_cause": forms.Textarea(attrs={"rows": 2}),
            "countermeasure": forms.Textarea(attrs={"rows": 2}),
            "result": forms.Textarea(attrs={"rows": 2}),
            "estimated_benefit": forms.Textarea(attrs={"rows": 2}),
            "actual_benefit": forms.Textarea(attrs={"rows": 2}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "estimated_money_per_year": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "actual_money_per_year": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "required_spend": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "estimated_hours_per_year": forms.NumberInput(attrs={"min": 0, "step": "0.1"}),
            "actual_hours_per_year": forms.NumberInput(attrs={"min": 0, "step": "0.1"}),
        }
        error_messages = {
            "title": {"required": "Give the item a short title."},
            "category": {"required": "Choose a category: safety, quality, delivery, cost or "
                                     "people."},
            "team": {"required": "Choose the team that owns this item.",
                     "invalid_choice": "Choose an active team."},
        }

    def __init__(self, *args, user: User, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.creating = creating
        self.max_bytes = max_attachment_bytes()
        self.fields["team"].queryset = Team.objects.filter(active=True).select_related("tier")
        self.fields["team"].empty_label = "Choose a team"
        self.fields["category"].choices = Idea.Category.choices
        self.fields["kind"].choices = Idea.Kind.choices
        self.fields["change_kind"].required = False
        self.fields["level"].help_text = ("Team: within this team. Cross-team: changes how teams "
                                          "work together. System: changes the conditions work "
                                          "happens in.")
        self.fields["change_kind"].label = "What it changes (system changes)"
        # Tucked away under "more details": an untouched field keeps the model's default.
        for name in ("priority", "level", "kind"):
            self.fields[name].required = False
        if creating:
            for name in EDIT_ONLY_FIELDS:
                del self.fields[name]
            if not self.is_bound:
                self.initial["team"] = self.initial.get("team") or user_primary_team(user)
            self.fields["file"] = forms.FileField(
                label="Photo or PDF (optional)", required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                help_text=f"Up to {max_attachment_bytes() // 1048576} MB.")
            if anonymous_raising_on():
                self.fields["anonymous"] = forms.BooleanField(
                    label="Raise it without my name", required=False,
                    help_text="Nobody — admins included — will see who raised it; you still "
                              "find it on My work. It cannot name an owner or @mention anyone.")
        elif self.instance.pk:
            self.initial["labels_text"] = ", ".join(
                label.name for label in self.instance.labels.all())
        before = set(self.fields)
        self.extensions = form_extensions()
        for extension in self.extensions:
            extension.add_fields(self, user)
        self.extension_field_names = [name for name in self.fields if name not in before]

    @property
    def quick_fields(self):
        return [self[name] for name in QUICK_FIELDS]

    @property
    def detail_fields(self):
        names = [n for n in DETAIL_FIELDS if n != "is_private"]
        return [self[name] for name in names]

    @property
    def impact_fields(self):
        return [self[name] for name in EDIT_ONLY_FIELDS if name in self.fields]

    @property
    def extension_fields(self):
        return [self[name] for name in self.extension_field_names]

    def clean_labels_text(self):
        return [part for part in (self.cleaned_data.get("labels_text") or "").split(",")
                if part.strip()]

    @property
    def anonymous_field(self):
        return self["anonymous"] if "anonymous" in self.fields else None

    @property
    def anonymous_suggested(self) -> str:
        return ",".join(ANONYMOUS_SUGGESTED)

    def clean(self):
        data = super().clean()
        if self.creating and "anonymous" not in self.fields and self.data.get("anonymous"):
            # a form loaded before the organisation switched it off: never log it with a name
            raise forms.ValidationError("Your organisation does not offer anonymous raising "
                                        "any more: items carry the reporter's name.")
        if data.get("level") == Idea.Level.SYSTEM and not data.get("change_kind"):
            self.add_error("change_kind", "Say what this system change changes (dependencies, "
                                          "architecture, deployment safety, …).")
        for extension in self.extensions:
            if hasattr(extension, "clean"):
                extension.clean(self)
        return data

    def has_detail_errors(self) -> bool:
        names = set(DETAIL_FIELDS) | set(EDIT_ONLY_FIELDS) | {"labels_text"}
        names |= set(self.extension_field_names)
        return any(name in self.errors for name in names)

    def service_fields(self) -> dict:
        """The cleaned values the idea services take."""
        fields = {name: self.cleaned_data[name] for name in self._meta.fields
                  if name in self.cleaned_data}
        fields["change_kind"] = fields.get("change_kind") or ""
        if self.cleaned_data.get("anonymous"):
            fields["anonymous"] = True
        for name in ("priority", "level", "kind"):
            if not fields.get(name):
                fields[name] = Idea._meta.get_field(name).get_default()
        return fields


class TransitionForm(forms.Form):
    """One lifecycle move: the reason, learning and actual impact it may need."""

    to = forms.ChoiceField(choices=Idea.Status.choices)
    reason = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(
        attrs={"rows": 2}))
    learning = forms.CharField(label="What we learned", required=False, max_length=10000,
                               widget=forms.Textarea(attrs={"rows": 3}))
    learning_expected = forms.CharField(label="What we expected", required=False,
                                        max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    learning_happened = forms.CharField(label="What happened", required=False, max_length=5000,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    learning_next_time = forms.CharField(label="What we do next time", required=False,
                                         max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    result = forms.CharField(label="Result", required=False, max_length=10000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    actual_money_per_year = forms.DecimalField(
        label="Actual saving per year", required=False, min_value=0, max_value=1_000_000_000,
        max_digits=14, decimal_places=2)
    actual_hours_per_year = forms.DecimalField(
        label="Actual hours saved per year", required=False, min_value=0, max_value=1_000_000,
        max_digits=10, decimal_places=1)
    actual_benefit = forms.CharField(label="Other actual benefit", required=False,
                                     max_length=5000)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment", max_length=Comment.MAX_LENGTH,
        error_messages={"required": "Write something first."},
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Add a comment. @name tells "
                                     "someone."}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label="Photo or PDF",
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_attachment_bytes()
        self.fields["file"].help_text = f"Up to {self.max_bytes // 1048576} MB."


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False,
                                   empty_label="Nobody (unassigned)")

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members
