"""Attachments of an item: images and PDFs checked by content, thumbnails, deletion."""

import io
import os
import uuid

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import get_valid_filename
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import DomainError, Forbidden
from org.models import User

from ..models import Attachment
from ..permissions import (
    can_attach,
    can_delete_attachment,
)
from .items import lock_idea, record_event, shown_actor

# What may be attached, by the type read from the file's first bytes (never from its name).
ALLOWED_TYPES = {
    "image/jpeg": ("jpg", Attachment.Kind.IMAGE),
    "image/png": ("png", Attachment.Kind.IMAGE),
    "image/gif": ("gif", Attachment.Kind.IMAGE),
    "image/webp": ("webp", Attachment.Kind.IMAGE),
    "application/pdf": ("pdf", Attachment.Kind.PDF),
}
MAX_ATTACHMENTS = 30
MAX_PIXELS = 60_000_000  # beyond a 60-megapixel photo an image is a decompression bomb
THUMB_SIZE = (320, 320)


def max_attachment_bytes() -> int:
    return int(settings.TIERLINE_MAX_ATTACHMENT_MB) * 1024 * 1024


def _inspect(upload) -> tuple[str, str, str]:
    """(mime, extension, kind) of an upload, read from its content."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guess = filetype.guess(head)
    mime = guess.mime if guess else None
    if mime not in ALLOWED_TYPES:
        what = f"a {guess.extension.upper()} file" if guess else "not a photo or a PDF"
        raise DomainError(
            f"Only photos (JPEG, PNG, GIF, WebP) and PDF files can be attached; this file is "
            f"{what}, whatever its name says.", field="file")
    ext, kind = ALLOWED_TYPES[mime]
    return mime, ext, kind


def _thumbnail(upload) -> tuple[bytes, int, int]:
    """A small JPEG of an image, and the image's size. Refuses damaged images and bombs."""
    try:
        with Image.open(upload) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise DomainError("This image is too large in pixels; send a smaller photo.",
                                  field="file")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            img.thumbnail(THUMB_SIZE)
            if img.mode not in ("RGB", "L"):
                background = Image.new("RGB", img.size, "white")
                rgba = img.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                img = background
            out = io.BytesIO()
            img.save(out, "JPEG", quality=82)
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DomainError("This image is damaged or not really an image.", field="file")
    finally:
        upload.seek(0)
    return out.getvalue(), width, height


@transaction.atomic
def attachment_add(*, idea_id: int, actor: User, upload) -> Attachment:
    """Stores a photo (with a thumbnail) or a PDF on an item, under MEDIA_ROOT with a random
    name. Size and type are checked before anything is stored."""
    idea = lock_idea(idea_id)
    if not can_attach(actor, idea):
        raise Forbidden("You may not add files to this item.")
    if upload is None:
        raise DomainError("Choose a file.", field="file")
    limit_mb = int(settings.TIERLINE_MAX_ATTACHMENT_MB)
    size = upload.size or 0
    if size == 0:
        raise DomainError("The file is empty.", field="file")
    if size > max_attachment_bytes():
        raise DomainError(f"The file is {size / 1048576:.1f} MB; the limit is {limit_mb} MB.",
                          field="file")
    if idea.attachments.count() >= MAX_ATTACHMENTS:
        raise DomainError(f"An item holds at most {MAX_ATTACHMENTS} files.", field="file")
    mime, ext, kind = _inspect(upload)
    thumb, width, height = (None, None, None)
    if kind == Attachment.Kind.IMAGE:
        thumb, width, height = _thumbnail(upload)
    original = os.path.basename(str(upload.name or "").replace("\\", "/")).strip()
    try:
        original = get_valid_filename(original)[:200]
    except SuspiciousFileOperation:  # "", ".", ".." …
        original = f"attachment.{ext}"

    uploader = shown_actor(actor, idea)
    if uploader is None:  # the anonymous reporter: a file name may carry a name too
        original = f"attachment.{ext}"
    attachment = Attachment(idea=idea, uploaded_by=uploader, original_name=original,
                            content_type=mime, kind=kind, size=size, width=width, height=height)
    stem = uuid.uuid4().hex
    attachment.file.save(f"{stem}.{ext}", upload, save=False)
    try:
        if thumb is not None:
            attachment.thumbnail.save(f"{stem}.jpg", ContentFile(thumb), save=False)
        attachment.save()
        record_event(idea=idea, actor=actor, verb="attachment",
                     text=f"Attached {original}.", data={"attachment": attachment.pk})
    except Exception:
        _delete_files(attachment)
        raise
    return attachment


def _delete_files(attachment: Attachment) -> None:
    for field in (attachment.file, attachment.thumbnail):
        if field:
            field.storage.delete(field.name)


@transaction.atomic
def attachment_delete(*, attachment_id: int, actor: User) -> None:
    """Removes a file: its uploader, or whoever may edit the item. The stored files go once
    the deletion commits."""
    attachment = Attachment.objects.select_related("idea").filter(pk=attachment_id).first()
    if attachment is None:
        raise DomainError("No such file.", code="not_found")
    idea = lock_idea(attachment.idea_id)
    if not can_delete_attachment(actor, idea, attachment):
        raise Forbidden("Only the person who added a file, or who may edit the item, can "
                        "remove it.")
    name = attachment.original_name
    files = (attachment.file.name, attachment.thumbnail.name)
    storage = attachment.file.storage
    attachment.delete()
    record_event(idea=idea, actor=actor, verb="attachment_removed", text=f"Removed {name}.")
    transaction.on_commit(lambda: [storage.delete(f) for f in files if f])
