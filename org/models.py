"""People and the tier hierarchy: users, tiers, teams, memberships, notifications."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords


class TierlineUserManager(UserManager):
    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """A person. Logs in by username or e-mail; shown by display name."""

    display_name = models.CharField(max_length=150, blank=True)
    email = models.EmailField("e-mail address", blank=True)
    email_notifications = models.BooleanField(
        default=True, help_text="Send an e-mail for each in-app notification."
    )
    daily_digest = models.BooleanField(
        default=True, help_text="Send a morning digest of aging items and escalations."
    )

    objects = TierlineUserManager()

    class Meta:
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="org_user_email_unique_ci",
                violation_error_message="A user with this e-mail address already exists.",
            ),
            models.UniqueConstraint(
                Lower("username"),
                name="org_user_username_unique_ci",
                violation_error_message="A user with this username already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.replace(".", " ").split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or self.username[:2].upper()


money_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000000000"))]


class Tier(models.Model):
    """A level of the hierarchy: 1 = front line … N = executive."""

    level = models.PositiveSmallIntegerField(
        unique=True, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    name = models.CharField(max_length=80)
    huddle_time = models.TimeField(help_text="When this tier's teams hold their daily huddle.")
    authority_limit = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0"), validators=money_validators,
        help_text="Largest spend a team at this tier may approve.",
    )
    aging_threshold_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Days without activity before an item is flagged as aging.",
    )
    sla_ack_hours = models.PositiveSmallIntegerField(
        "SLA to acknowledge (hours)", default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 90)],
    )
    sla_resolve_hours = models.PositiveSmallIntegerField(
        "SLA to resolve (hours)", default=120,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 365)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["level"]

    def __str__(self) -> str:
        return f"Tier {self.level} · {self.name}"


class Team(models.Model):
    """A unit at one tier. Its parent is the team it escalates to by default."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="teams")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )

    history = HistoricalRecords(excluded_fields=["members"])

    class Meta:
        ordering = ["-tier__level", "name"]
        indexes = [models.Index(fields=["parent"]), models.Index(fields=["tier", "active"])]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        LEAD = "lead", "Lead"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["team__name", "-role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="org_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.get_role_display()})"


class NotificationEmailState(models.TextChoices):
    NOT_WANTED = "not_wanted", "Not wanted"
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Notification(models.Model):
    """An in-app notification. `event_key` makes each event notify a person at most once.

    The notification is also the e-mail outbox: its e-mail state is decided when it is created
    (``pending`` when the recipient has an address and wants e-mail, else ``not_wanted``) and
    moves to ``sent`` or, after the last failed attempt, ``failed``
    (see ``org.outbox.notification_emails_send``)."""

    EmailState = NotificationEmailState
    DIGEST_VERB = "digest"  # the morning digest's record (org.digests.send_digests)

    # Both indexes below lead with the recipient; the jobs insert notifications by the
    # hundred thousand, so no third index on it.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
        db_index=False,
    )
    verb = models.CharField(max_length=60)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    event_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    email_state = models.CharField(
        "e-mail", max_length=12, choices=EmailState.choices, default=EmailState.NOT_WANTED
    )
    email_attempts = models.PositiveSmallIntegerField(
        "e-mail attempts", default=0, help_text="Sends started, the one that succeeded included."
    )
    email_last_error = models.CharField("last e-mail error", max_length=500, blank=True)
    # While pending: when the next attempt is due. A worker that claims the row pushes it
    # forward by a lease, so the row comes due again if the worker dies mid-send.
    email_next_attempt_at = models.DateTimeField("next e-mail attempt", null=True, blank=True)
    emailed_at = models.DateTimeField("e-mailed at", null=True, blank=True)
    # The e-mail's text when it is not built from `text` and `url` (the morning digest): kept
    # so that a retry sends what the first attempt would have sent.
    email_body = models.TextField("e-mail body", blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="org_notification_once_per_event"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(read_at__isnull=True),
                name="org_notif_unread_idx",
            ),
            # The sweep's queue. Partial: the millions of rows that are sent or not wanted
            # write no entry here.
            models.Index(
                fields=["email_next_attempt_at"],
                condition=models.Q(email_state=NotificationEmailState.PENDING),
                name="org_notif_email_due_idx",
            ),
            # Failed e-mails, few: counted by /healthz on every probe, listed in the admin.
            models.Index(
                fields=["created_at"],
                condition=models.Q(email_state=NotificationEmailState.FAILED),
                name="org_notif_email_failed_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class OrganisationSettings(models.Model):
    """The organisation's switches and delays: one row (``load()``), edited in the admin.

    Each feature adds its own fields here; read them with ``OrganisationSettings.load()``."""

    # Speak up safely: items may be raised without the reporter's name.
    anonymous_raising = models.BooleanField(
        "offer anonymous raising", default=True,
        help_text="People may raise a problem without their name on it.",
    )
    # "Did it hold?": asked this many days after an item is done.
    hold_check_days = models.PositiveSmallIntegerField(
        '"did it hold?" delay (days)', default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    # Kiosk capture: a person on a shared tablet may stay anonymous.
    kiosk_anonymous = models.BooleanField(
        "allow anonymous kiosk items", default=False,
        help_text="On a kiosk, a person may submit without picking their name.",
    )
    # Validated impact: claims above a threshold count once a validator decided them.
    impact_validation = models.BooleanField("validate claimed impact", default=False)
    impact_validation_since = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When validation was switched on: items done before stay 'claimed, not validated'.",
    )
    validation_money_threshold = models.DecimalField(
        "money above which a claim needs validation", max_digits=14, decimal_places=2,
        default=Decimal("1000"), validators=money_validators,
    )
    validation_hours_threshold = models.DecimalField(
        "hours above which a claim needs validation", max_digits=8, decimal_places=1,
        default=Decimal("40"), validators=[MinValueValidator(Decimal("0")),
                                           MaxValueValidator(Decimal("100000"))],
    )
    impact_validators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+",
        help_text="People who decide claimed impact (e.g. finance).",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "organisation settings"
        verbose_name_plural = "organisation settings"

    def __str__(self) -> str:
        return "Organisation settings"

    def save(self, *args, **kwargs):
        self.pk = 1  # one row
        if self.impact_validation and self.impact_validation_since is None:
            self.impact_validation_since = timezone.now()
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "OrganisationSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj
