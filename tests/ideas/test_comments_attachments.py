"""Comments (@mentions), attachments (type by content, size, thumbnails), labels, watching."""

import os
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError, Forbidden
from ideas import services
from ideas.models import Attachment, Comment, Idea, IdeaEvent, Label
from org.models import Notification
from tests.ideas.conftest import PDF_BYTES


def _notes(user, verb=None):
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(verb=verb) if verb else qs


@pytest.mark.django_db(transaction=True)
class TestComments:
    def test_comment_tells_reporter_owner_watchers_once(self, org, make_idea):
        idea = make_idea(owner=org.lead)
        services.idea_watch(idea=idea, user=org.supervisor)
        services.comment_create(idea_id=idea.pk, actor=org.other, text="Seen it on line 2 too")
        for user in (org.member, org.lead, org.supervisor):
            assert _notes(user, "comment").count() == 1, user
        assert _notes(org.other).count() == 0  # never told of one's own act
        # The commenter now watches, and activity moved.
        idea.refresh_from_db()
        assert idea.watchers.filter(pk=org.other.pk).exists()
        assert Comment.objects.filter(idea=idea).count() == 1

    def test_mention_notifies_once_and_not_also_as_comment(self, org, make_idea):
        idea = make_idea()
        comment = services.comment_create(idea_id=idea.pk, actor=org.lead,
                                          text="@Supervisor can you look? cc @member.")
        assert set(comment.mentions.values_list("username", flat=True)) == {"supervisor",
                                                                             "member"}
        assert _notes(org.supervisor, "mention").count() == 1
        assert _notes(org.member, "mention").count() == 1
        assert _notes(org.member, "comment").count() == 0
        assert "mentioned you" in _notes(org.supervisor).get().text

    def test_email_addresses_are_not_mentions(self, org, make_idea):
        idea = make_idea()
        comment = services.comment_create(idea_id=idea.pk, actor=org.lead,
                                          text="Mail supervisor@example.test about it")
        assert comment.mentions.count() == 0

    def test_mention_of_an_outsider_on_a_private_item_tells_nobody(self, org, make_idea):
        idea = make_idea(is_private=True)
        comment = services.comment_create(idea_id=idea.pk, actor=org.lead,
                                          text="@other should know")
        assert comment.mentions.count() == 0
        assert _notes(org.other).count() == 0

    def test_email_opt_out_honoured(self, org, make_idea):
        org.supervisor.email_notifications = False
        org.supervisor.save()
        idea = make_idea()
        mail.outbox.clear()
        services.comment_create(idea_id=idea.pk, actor=org.lead,
                                text="@supervisor and @member please check")
        recipients = {addr for m in mail.outbox for addr in m.to}
        assert org.member.email in recipients
        assert org.supervisor.email not in recipients
        assert _notes(org.supervisor, "mention").count() == 1  # in-app still

    @pytest.mark.parametrize("text,message", [("   ", "Write something"),
                                              ("x" * 5001, "at most 5000")])
    def test_blank_or_huge_comment_refused(self, org, make_idea, text, message):
        idea = make_idea()
        with pytest.raises(DomainError, match=message):
            services.comment_create(idea_id=idea.pk, actor=org.lead, text=text)
        assert Comment.objects.count() == 0

    def test_outsider_cannot_comment_on_private_item(self, org, make_idea):
        idea = make_idea(is_private=True)
        with pytest.raises(Forbidden):
            services.comment_create(idea_id=idea.pk, actor=org.other, text="hi")

    def test_comment_clears_aging_flag(self, org, make_idea):
        from django.utils import timezone

        idea = make_idea()
        Idea.objects.filter(pk=idea.pk).update(aging_flagged_at=timezone.now())
        services.comment_create(idea_id=idea.pk, actor=org.lead, text="On it")
        idea.refresh_from_db()
        assert idea.aging_flagged_at is None


@pytest.mark.django_db
class TestAttachments:
    def test_png_is_stored_with_thumbnail_under_media(self, org, make_idea, png, settings):
        idea = make_idea()
        att = services.attachment_add(idea_id=idea.pk, actor=org.member,
                                      upload=png("conveyor.png", size=(1200, 900)))
        assert att.kind == "image" and att.content_type == "image/png"
        assert (att.width, att.height) == (1200, 900)
        assert att.original_name == "conveyor.png"
        assert att.file.path.startswith(settings.MEDIA_ROOT)
        assert os.path.exists(att.file.path) and os.path.exists(att.thumbnail.path)
        assert "conveyor" not in att.file.name  # random stored name
        from PIL import Image

        with Image.open(att.thumbnail.path) as thumb:
            assert max(thumb.size) <= 320
        assert IdeaEvent.objects.filter(idea=idea, verb="attachment").exists()

    @pytest.mark.parametrize("name", ["../../etc/passwd.png", "C:\\x\\shot.png",
                                      "<b>shot</b>.png"])
    def test_hostile_names_are_cleaned(self, org, make_idea, png, name):
        att = services.attachment_add(idea_id=make_idea().pk, actor=org.member,
                                      upload=png(name))
        assert "/" not in att.original_name and ".." not in att.original_name
        assert "<" not in att.original_name and "\\" not in att.original_name
        assert att.original_name.endswith(".png")

    def test_pdf_accepted_without_thumbnail(self, org, make_idea, pdf):
        att = services.attachment_add(idea_id=make_idea().pk, actor=org.member, upload=pdf())
        assert att.kind == "pdf" and not att.thumbnail

    def test_too_large_refused(self, org, make_idea, settings):
        settings.TIERLINE_MAX_ATTACHMENT_MB = 1
        big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (1024 * 1024 + 1))
        with pytest.raises(DomainError, match="limit is 1 MB"):
            services.attachment_add(idea_id=make_idea().pk, actor=org.member, upload=big)
        assert Attachment.objects.count() == 0

    def test_executable_renamed_png_refused(self, org, make_idea, exe, settings):
        with pytest.raises(DomainError, match="whatever its name says"):
            services.attachment_add(idea_id=make_idea().pk, actor=org.member, upload=exe())
        assert Attachment.objects.count() == 0
        media = settings.MEDIA_ROOT
        assert not os.path.exists(media) or not any(files for _, _, files in os.walk(media))

    @pytest.mark.parametrize("name,content", [
        ("notes.txt", b"just some text"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 100),
    ])
    def test_forbidden_types_refused(self, org, make_idea, name, content):
        with pytest.raises(DomainError, match="Only photos"):
            services.attachment_add(idea_id=make_idea().pk, actor=org.member,
                                    upload=SimpleUploadedFile(name, content))

    def test_damaged_image_refused(self, org, make_idea):
        from tests.ideas.conftest import png_bytes

        broken = SimpleUploadedFile("broken.png", png_bytes()[:60])
        with pytest.raises(DomainError, match="damaged"):
            services.attachment_add(idea_id=make_idea().pk, actor=org.member, upload=broken)

    def test_empty_file_refused(self, org, make_idea):
        with pytest.raises(DomainError, match="empty"):
            services.attachment_add(idea_id=make_idea().pk, actor=org.member,
                                    upload=SimpleUploadedFile("a.png", b""))

    def test_outsider_cannot_attach_to_private_item(self, org, make_idea, png):
        idea = make_idea(is_private=True)
        with pytest.raises(Forbidden):
            services.attachment_add(idea_id=idea.pk, actor=org.other, upload=png())

    def test_delete_by_uploader_or_editor_only(self, org, make_idea, png):
        idea = make_idea()
        att = services.attachment_add(idea_id=idea.pk, actor=org.other, upload=png())
        with pytest.raises(Forbidden):
            services.attachment_delete(attachment_id=att.pk, actor=org.supervisor)
        services.attachment_delete(attachment_id=att.pk, actor=org.lead)
        assert not Attachment.objects.exists()


@pytest.mark.django_db
class TestLabelsAndLearning:
    def test_labels_normalised_and_reused(self, org, make_idea):
        labels = services.labels_resolve(" Forklift , 5S,forklift,,  near   miss ")
        assert [lbl.name for lbl in labels] == ["forklift", "5s", "near miss"]
        idea = make_idea(labels=labels)
        assert Label.objects.count() == 3
        services.idea_update(idea_id=idea.pk, actor=org.lead,
                             labels=services.labels_resolve(["FORKLIFT"]))
        assert list(idea.labels.values_list("name", flat=True)) == ["forklift"]
        assert Label.objects.count() == 3

    def test_too_many_or_too_long_labels(self, org):
        with pytest.raises(DomainError, match="at most 8"):
            services.labels_resolve([f"l{i}" for i in range(9)])
        with pytest.raises(DomainError, match="at most 40"):
            services.labels_resolve(["x" * 41])

    def test_learning_author_kept_after_they_leave(self, org, make_idea):
        idea = make_idea()
        services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
        services.idea_transition(idea_id=idea.pk, to="done", actor=org.lead,
                                 learning="Check torque daily", actual_money_per_year=Decimal(5))
        org.lead.is_active = False
        org.lead.save()
        idea.refresh_from_db()
        assert idea.learning_by == org.lead

    def test_watch_and_unwatch(self, org, make_idea):
        idea = make_idea()
        services.idea_watch(idea=idea, user=org.other)
        assert idea.watchers.filter(pk=org.other.pk).exists()
        services.idea_watch(idea=idea, user=org.other, watching=False)
        assert not idea.watchers.filter(pk=org.other.pk).exists()
        private = make_idea(is_private=True)
        with pytest.raises(Forbidden):
            services.idea_watch(idea=private, user=org.other)
