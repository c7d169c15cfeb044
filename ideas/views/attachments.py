"""Attachments of an item: upload, download (behind the item's visibility) and delete."""


from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.forms import apply_error

from .. import selectors, services
from ..forms import AttachmentForm
from ..models import Attachment
from ..permissions import (
    access_idea,
)
from .item import detail_context


@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    idea = access_idea(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(idea_id=idea.pk, actor=request.user,
                                                 upload=form.cleaned_data["file"])
        except DomainError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"Attached {attachment.original_name}.")
            return redirect(reverse("ideas:detail", args=[idea.pk]) + "#attachments")
    idea = selectors.idea_detail(request.user, pk)
    return render(request, "ideas/detail.html",
                  detail_context(request, idea, attachment_form=form), status=400)


def _attachment(request, pk: int, attachment_id: int) -> Attachment:
    idea = access_idea(request.user, pk)
    return get_object_or_404(Attachment, pk=attachment_id, idea=idea)


@require_GET
def attachment_file(request: HttpRequest, pk: int, attachment_id: int,
                    thumb: bool = False) -> FileResponse:
    """Files are served only to those who may see the item, never from a public folder."""
    attachment = _attachment(request, pk, attachment_id)
    field = attachment.thumbnail if thumb else attachment.file
    if not field:
        raise Http404("No such file.")
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.")
    response = FileResponse(
        handle, content_type="image/jpeg" if thumb else attachment.content_type,
        as_attachment=request.GET.get("download") == "1", filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    attachment = _attachment(request, pk, attachment_id)
    try:
        services.attachment_delete(attachment_id=attachment.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Removed {attachment.original_name}.")
    return redirect(reverse("ideas:detail", args=[pk]) + "#attachments")


