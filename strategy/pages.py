"""What the HTML views of strategy share — and the system-work pages built on strategy (reviews,
standards, experiments): running a service for a plain POST, the plain form page, a row's edit
page, and the "next" address a form came from. A service's refusal becomes a message or a form
error; a Forbidden becomes a 403."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.errors import Conflict, DomainError, Forbidden
from core.forms import apply_error, initial_from
from core.params import local_url

from .permissions import can_manage_strategy
from .services import NOT_EXECUTIVE


def require_manager(request) -> None:
    if not can_manage_strategy(request.user):
        raise PermissionDenied(NOT_EXECUTIVE)


def executives_form(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A form page (GET shows it, POST saves it) that only executives and admins open: 405 for
    any other method, then 403 for anyone else."""
    @require_http_methods(["GET", "POST"])
    @wraps(view)
    def page(request, *args, **kwargs) -> HttpResponse:
        require_manager(request)
        return view(request, *args, **kwargs)

    return page


def next_url(request, default: str) -> str:
    return local_url(request, request.POST.get("next") or request.GET.get("next")) or default


def run_action(request, action: Callable, success: str | None = None) -> bool:
    """Runs a service for a plain POST action; refusals become messages, Forbidden a 403."""
    try:
        action()
    except Forbidden as exc:
        raise PermissionDenied(exc.message)
    except Conflict as exc:
        messages.warning(request, exc.message)
        return False
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    if success:
        messages.success(request, success)
    return True


def first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return "Check the form."


def run_posted(request, form, action: Callable[[dict], object], success: str) -> None:
    """A plain POST action: runs ``action(cleaned_data)`` through ``run_action`` when the form
    is valid, else shows the form's first error as a message."""
    if form.is_valid():
        run_action(request, lambda: action(form.cleaned_data), success)
    else:
        messages.error(request, first_error(form))


def form_page(request, form, *, title: str, submit: str, cancel: str) -> HttpResponse:
    """The plain form page; a bound form is shown again (with its errors) as a 400."""
    return render(request, "strategy/form.html",
                  {"form": form, "title": title, "submit": submit, "cancel": cancel},
                  status=400 if form.is_bound else 200)


def save_form(request, form, save: Callable[[dict], tuple[str | None, str]]
              ) -> HttpResponse | None:
    """On a POST with a valid form, runs ``save(form.cleaned_data)``, which calls the service
    and returns ``(message, url)``: the message is shown as a success (None when ``save`` put
    up its own messages) and the answer redirects to the url. A refusal of the service lands on
    the form (``apply_error``) and, like an invalid form or a GET, returns None: the caller
    then shows its page with the form."""
    if request.method == "POST" and form.is_valid():
        try:
            message, url = save(form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            if message:
                messages.success(request, message)
            return redirect(url)
    return None


def form_view(request, form, save: Callable[[dict], tuple[str | None, str]], *, title: str,
              submit: str, cancel: str) -> HttpResponse:
    """A create/edit view on the plain form page: ``save_form``, else ``form_page``."""
    return save_form(request, form, save) or form_page(
        request, form, title=title, submit=submit, cancel=cancel)


def edit_view(request, obj, form_class, update: Callable[..., object], *, saved: str,
              then: str | Callable[[object], str], title: str, cancel: str) -> HttpResponse:
    """The edit page of ``obj`` on the plain form page: ``form_class`` starts from its values;
    a valid POST calls ``update(**cleaned_data)`` (the service, told already which row and who
    acts), says ``saved`` and goes to ``then`` (or to ``then(what update returned)``)."""
    def save(data):
        result = update(**data)
        return saved, then(result) if callable(then) else then

    form = form_class(request.POST or None, initial=initial_from(obj, form_class))
    return form_view(request, form, save, title=title, submit="Save", cancel=cancel)
