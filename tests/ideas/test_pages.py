"""The idea pages: quick form, list (filters, htmx, CSV), item page actions, learning, home."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from ideas import registry, services
from ideas.models import Attachment, Comment, Idea
from org.models import Notification


def _csv(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.django_db
class TestQuickForm:
    def test_defaults_to_my_team(self, org, client_as):
        body = client_as(org.member).get("/ideas/new/").content.decode()
        assert f'<option value="{org.line1.pk}" selected>' in body
        assert "More details" in body and 'name="is_private"' in body

    def test_logs_and_lands_on_item_with_confirmation(self, org, client_as):
        client = client_as(org.member)
        response = client.post("/ideas/new/", {
            "kind": "problem", "title": "  Glove dispenser empty  ", "category": "safety",
            "description": "Third time this week", "team": org.line1.pk,
            "labels_text": "PPE, gloves"}, follow=True)
        idea = Idea.objects.get()
        assert response.redirect_chain[-1][0] == f"/ideas/{idea.pk}/"
        assert idea.title == "Glove dispenser empty" and idea.reporter == org.member
        assert "is logged for Line 1" in response.content.decode()
        assert sorted(idea.labels.values_list("name", flat=True)) == ["gloves", "ppe"]

    def test_more_details_saved(self, org, client_as):
        client_as(org.member).post("/ideas/new/", {
            "kind": "idea", "title": "Kanban for screws", "category": "cost",
            "team": org.line1.pk, "priority": "high", "problem_statement": "Stockouts",
            "estimated_money_per_year": "1200", "estimated_hours_per_year": "30",
            "required_spend": "250", "is_private": "on", "level": "team"})
        idea = Idea.objects.get()
        assert idea.is_private and idea.priority == "high" and idea.required_spend == 250
        assert idea.estimated_hours_per_year == 30

    def test_photo_attached_in_the_same_form(self, org, client_as, png):
        client_as(org.member).post("/ideas/new/", {
            "kind": "problem", "title": "Oil leak", "category": "safety", "team": org.line1.pk,
            "file": png("leak.png")})
        assert Attachment.objects.get().idea == Idea.objects.get()

    @pytest.mark.parametrize("changes,field,message", [
        ({"title": "   "}, "title", "Give the item a short title."),
        ({"title": "x" * 10_000}, "title", "at most 200 characters"),
        ({"team": "999999"}, "team", "Choose an active team."),
        ({"category": "morale"}, "category", "Select a valid choice"),
        ({"estimated_money_per_year": "-5"}, "estimated_money_per_year", "greater than or equal to 0"),
        ({"estimated_money_per_year": "99999999999999"}, "estimated_money_per_year", ""),
        ({"estimated_hours_per_year": "1e9"}, "estimated_hours_per_year", ""),
        ({"required_spend": "abc"}, "required_spend", "Enter a number"),
    ])
    def test_bad_input_refused_and_nothing_saved(self, org, client_as, changes, field, message):
        data = {"kind": "problem", "title": "Fine", "category": "quality", "team": org.line1.pk}
        data.update(changes)
        response = client_as(org.member).post("/ideas/new/", data)
        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert message in str(response.context["form"].errors[field])
        assert not Idea.objects.exists()

    def test_inactive_team_refused(self, org, client_as):
        org.line2.active = False
        org.line2.save()
        response = client_as(org.member).post("/ideas/new/", {
            "kind": "problem", "title": "x", "category": "quality", "team": org.line2.pk})
        assert "Choose an active team." in str(response.context["form"].errors["team"])
        assert not Idea.objects.exists()

    def test_bad_attachment_refuses_the_whole_item(self, org, client_as, exe):
        response = client_as(org.member).post("/ideas/new/", {
            "kind": "problem", "title": "Virus?", "category": "quality", "team": org.line1.pk,
            "file": exe("innocent.png")})
        assert response.status_code == 400
        assert "whatever its name says" in str(response.context["form"].errors["file"])
        assert not Idea.objects.exists() and not Attachment.objects.exists()

    def test_form_extensions_are_applied(self, org, client_as, monkeypatch):
        from django import forms

        saved = {}

        class Extension:
            def add_fields(self, form, user):
                form.fields["shift"] = forms.ChoiceField(choices=[("day", "Day"),
                                                                  ("night", "Night")])

            def clean(self, form):
                if form.cleaned_data.get("shift") == "night" and form.cleaned_data.get(
                        "category") == "cost":
                    form.add_error("shift", "Night shift cost items go to the day lead.")

            def save(self, form, idea, actor):
                saved[idea.pk] = form.cleaned_data["shift"]

        monkeypatch.setattr(registry._form_extensions, "_entries", [Extension()])
        client = client_as(org.member)
        assert 'name="shift"' in client.get("/ideas/new/").content.decode()
        bad = client.post("/ideas/new/", {"kind": "problem", "title": "x", "category": "cost",
                                          "team": org.line1.pk, "shift": "night"})
        assert "day lead" in bad.content.decode() and not Idea.objects.exists()
        client.post("/ideas/new/", {"kind": "problem", "title": "x", "category": "cost",
                                    "team": org.line1.pk, "shift": "day"})
        assert saved == {Idea.objects.get().pk: "day"}

    def test_html_is_escaped_everywhere(self, org, client_as):
        evil = '<script>alert("x")</script><b>bold</b>'
        client = client_as(org.member)
        client.post("/ideas/new/", {"kind": "problem", "title": evil, "category": "quality",
                                    "team": org.line1.pk, "description": evil,
                                    "problem_statement": evil, "root_cause": evil,
                                    "countermeasure": evil, "estimated_benefit": evil,
                                    "labels_text": "<i>x</i>"})
        idea = Idea.objects.get()
        services.comment_create(idea_id=idea.pk, actor=org.lead, text=evil + " @member")
        services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
        services.idea_transition(idea_id=idea.pk, to="done", actor=org.lead, learning=evil,
                                 result=evil, actual_benefit=evil)
        for url in (f"/ideas/{idea.pk}/", "/ideas/", "/learning/", "/", "/notifications/"):
            body = client.get(url).content.decode()
            assert "<script>alert" not in body, url
            assert "<b>bold</b>" not in body, url
        assert "&lt;script&gt;" in client.get(f"/ideas/{idea.pk}/").content.decode()


@pytest.mark.django_db
class TestList:
    @pytest.fixture
    def items(self, org):
        def make(title, team, actor, **kw):
            return services.idea_create(actor=actor, team=team, title=title,
                                        category=kw.pop("category", "quality"), **kw)

        a = make("Alpha safety rail loose", org.line1, org.member, category="safety",
                 priority="high", owner=org.member)
        b = make("Bravo idea for packing", org.line2, org.other, kind="idea", category="cost")
        c = make("Charlie labels", org.line1, org.lead, category="quality")
        services.idea_transition(idea_id=c.pk, to="in_progress", actor=org.lead)
        d = make("Delta waiting on supervisors", org.line1, org.lead, category="delivery")
        services.idea_set_waiting(idea_id=d.pk, team=org.sup, actor=org.lead, share_with=[org.sup])
        Idea.objects.filter(pk=b.pk).update(aging_flagged_at=timezone.now(),
                                            last_activity_at=timezone.now() - timedelta(days=40))
        return {"a": a, "b": b, "c": c, "d": d}

    @pytest.mark.parametrize("params,expected", [
        ({}, "abcd"),
        ({"team": "line1"}, "acd"),
        ({"mine": "on"}, "acd"),
        ({"status": "in_progress"}, "c"),
        ({"status": "open"}, "abcd"),
        ({"status": "new,in_progress"}, "abcd"),
        ({"kind": "idea"}, "b"),
        ({"category": "safety"}, "a"),
        ({"priority": "high"}, "a"),
        ({"owner": "me"}, "a"),
        ({"owner": "none"}, "bcd"),
        ({"aging": "on"}, "b"),
        ({"escalated": "on"}, "d"),
        ({"q": "labels"}, "c"),
        ({"q": "rail", "category": "safety"}, "a"),
        ({"reporter": "me"}, "a"),
    ])
    def test_filters(self, org, items, client_as, params, expected):
        if params.get("team") == "line1":
            params = {**params, "team": org.line1.pk}
        response = client_as(org.member).get("/ideas/", params)
        shown = {idea.pk for idea in response.context["rows"]}
        assert shown == {items[k].pk for k in expected}

    def test_sorts(self, org, items, client_as):
        client = client_as(org.member)
        rows = client.get("/ideas/", {"sort": "activity"}).context["rows"]
        assert rows[0] == items["b"]  # longest without activity first
        rows = client.get("/ideas/", {"sort": "priority"}).context["rows"]
        assert rows[0] == items["a"]
        rows = client.get("/ideas/", {"sort": "title"}).context["rows"]
        assert [r.title[0] for r in rows] == ["A", "B", "C", "D"]

    def test_bad_filter_values_are_shown_not_500(self, org, items, client_as):
        response = client_as(org.member).get("/ideas/", {"status": "launched", "owner": "bob",
                                                         "team": "abc", "sort": "x",
                                                         "page": "999"})
        assert response.status_code == 200
        assert {"status", "owner", "team", "sort"} <= set(response.context["form"].errors)

    def test_registered_list_filter_applies(self, org, items, client_as, monkeypatch):
        monkeypatch.setattr(registry, "_list_filters", {})
        registry.register_list_filter(registry.ListFilter(
            name="letter", label="Letter", choices=lambda user: [("a", "A"), ("b", "B")],
            apply=lambda qs, value: qs.filter(title__istartswith=value)))
        client = client_as(org.member)
        assert 'name="letter"' in client.get("/ideas/").content.decode()
        rows = client.get("/ideas/", {"letter": "b"}).context["rows"]
        assert rows == [items["b"]]

    def test_htmx_gets_the_results_fragment(self, org, items, client_as):
        response = client_as(org.member).get("/ideas/", {"kind": "idea"},
                                             headers={"HX-Request": "true"})
        body = response.content.decode()
        assert body.lstrip().startswith('<section id="results"')
        assert "<html" not in body and items["b"].title in body
        assert "export.csv?kind=idea" in body  # the export follows the filters

    def test_pagination_keeps_filters(self, org, client_as):
        for i in range(30):
            services.idea_create(actor=org.member, team=org.line1, title=f"Item {i}",
                                 category="cost")
        client = client_as(org.member)
        first = client.get("/ideas/", {"category": "cost"})
        assert len(first.context["rows"]) == 25
        assert "category=cost&amp;page=2" in first.content.decode()
        second = client.get("/ideas/", {"category": "cost", "page": 2})
        assert len(second.context["rows"]) == 5

    def test_csv_export_is_the_filtered_list(self, org, items, client_as):
        Idea.objects.filter(pk=items["a"].pk).update(title="=HYPERLINK(\"http://x\")")
        response = client_as(org.member).get("/ideas/export.csv", {"team": org.line1.pk})
        assert response["Content-Type"].startswith("text/csv")
        rows = _csv(response)
        assert {int(r["id"]) for r in rows} == {items[k].pk for k in "acd"}
        evil = next(r for r in rows if int(r["id"]) == items["a"].pk)
        assert evil["title"].startswith("'=")  # no formula runs in a spreadsheet
        assert evil["owner"] == "Member"


@pytest.mark.django_db
class TestItemPage:
    def test_actions_follow_role_and_state(self, org, make_idea, client_as):
        idea = make_idea()
        lead = client_as(org.lead).get(f"/ideas/{idea.pk}/").context
        assert [a["to"] for a in lead["actions"]] == ["in_progress", "declined", "parked"]
        assert lead["may_edit"] and lead["may_assign"]
        member = client_as(org.member).get(f"/ideas/{idea.pk}/").context
        assert member["actions"] == [] and member["may_edit"]  # reporter edits while new
        other = client_as(org.other).get(f"/ideas/{idea.pk}/").context
        assert other["actions"] == [] and not other["may_edit"] and other["may_comment"]

    def test_move_close_and_refusals(self, org, make_idea, client_as):
        idea = make_idea()
        client = client_as(org.lead)
        response = client.post(f"/ideas/{idea.pk}/transition/",
                               {"to": "in_progress", "version": 1}, follow=True)
        assert "Moved to in progress" in response.content.decode()
        refused = client.post(f"/ideas/{idea.pk}/transition/", {"to": "done", "version": 2})
        assert refused.status_code == 400
        assert "needs a learning note" in refused.content.decode()
        assert Idea.objects.get(pk=idea.pk).status == "in_progress"
        done = client.post(f"/ideas/{idea.pk}/transition/", {
            "to": "done", "version": 2, "learning": "Torque drifts after 500 cycles",
            "actual_money_per_year": "800", "result": "No more rework"}, follow=True)
        idea.refresh_from_db()
        assert idea.status == "done" and idea.actual_money_per_year == 800
        assert "Torque drifts" in done.content.decode()

    def test_not_allowed_move_names_the_allowed_ones(self, org, make_idea, client_as):
        idea = make_idea()
        response = client_as(org.lead).post(f"/ideas/{idea.pk}/transition/",
                                            {"to": "done", "learning": "x"})
        assert response.status_code == 409
        assert "Allowed: In progress, Declined, Parked" in response.content.decode()

    def test_stale_version_is_refused(self, org, make_idea, client_as):
        idea = make_idea()
        services.idea_transition(idea_id=idea.pk, to="parked", actor=org.lead)
        response = client_as(org.lead).post(f"/ideas/{idea.pk}/transition/",
                                            {"to": "in_progress", "reason": "x", "version": 1})
        assert response.status_code == 409
        assert Idea.objects.get(pk=idea.pk).status == "parked"

    def test_member_cannot_move(self, org, make_idea, client_as):
        idea = make_idea()
        response = client_as(org.other).post(f"/ideas/{idea.pk}/transition/",
                                             {"to": "in_progress"})
        assert response.status_code == 403
        assert Idea.objects.get(pk=idea.pk).status == "new"

    def test_edit_in_place_with_htmx(self, org, make_idea, client_as):
        idea = make_idea()
        client = client_as(org.member)
        form = client.get(f"/ideas/{idea.pk}/edit/", headers={"HX-Request": "true"})
        assert form.content.decode().lstrip().startswith('<form id="idea-summary"')
        saved = client.post(f"/ideas/{idea.pk}/edit/", {
            "kind": "problem", "title": "Torque gun slips on M8", "category": "quality",
            "team": org.line1.pk, "priority": "normal", "level": "team",
            "version": idea.version}, headers={"HX-Request": "true"})
        body = saved.content.decode()
        assert body.lstrip().startswith('<section id="idea-summary"') and "Saved." in body
        assert Idea.objects.get(pk=idea.pk).title == "Torque gun slips on M8"
        bad = client.post(f"/ideas/{idea.pk}/edit/", {
            "kind": "problem", "title": " ", "category": "quality", "team": org.line1.pk,
            "priority": "normal", "level": "team"}, headers={"HX-Request": "true"})
        assert bad.status_code == 400 and "Give the item a short title." in bad.content.decode()

    def test_editing_someone_elses_item_forbidden(self, org, make_idea, client_as):
        idea = make_idea()
        client = client_as(org.other)
        response = client.post(f"/ideas/{idea.pk}/edit/", {
            "kind": "problem", "title": "Hijacked", "category": "quality",
            "team": org.line1.pk, "priority": "normal", "level": "team"},
            headers={"HX-Request": "true"})
        assert response.status_code == 403
        assert Idea.objects.get(pk=idea.pk).title != "Hijacked"
        # Reporter may no longer edit once the item has started.
        services.idea_transition(idea_id=idea.pk, to="in_progress", actor=org.lead)
        page = client_as(org.member).get(f"/ideas/{idea.pk}/")
        assert not page.context["may_edit"]

    def test_comment_watch_and_timeline(self, org, make_idea, client_as):
        idea = make_idea()
        client = client_as(org.other)
        fragment = client.post(f"/ideas/{idea.pk}/comments/", {"text": "Same on @lead's line"},
                               headers={"HX-Request": "true"})
        body = fragment.content.decode()
        assert body.lstrip().startswith('<section id="timeline"')
        assert "Same on" in body and '<span class="mention">@lead</span>' in body
        assert Comment.objects.count() == 1
        empty = client.post(f"/ideas/{idea.pk}/comments/", {"text": "  "})
        assert empty.status_code == 400 and "Write something first." in empty.content.decode()
        unwatch = client.post(f"/ideas/{idea.pk}/watch/", {"watch": "0"},
                              headers={"HX-Request": "true"})
        assert "Watch</button>" in unwatch.content.decode()
        assert not idea.watchers.filter(pk=org.other.pk).exists()
        client.post(f"/ideas/{idea.pk}/watch/", {"watch": "1"})
        assert idea.watchers.filter(pk=org.other.pk).exists()

    def test_assign_owner(self, org, make_idea, client_as, django_capture_on_commit_callbacks):
        idea = make_idea()
        with django_capture_on_commit_callbacks(execute=True):
            client_as(org.lead).post(f"/ideas/{idea.pk}/assign/", {"owner": org.member.pk})
        assert Idea.objects.get(pk=idea.pk).owner == org.member
        assert Notification.objects.filter(recipient=org.member, verb="assigned").exists()
        outsider = client_as(org.lead).post(f"/ideas/{idea.pk}/assign/", {"owner": org.other.pk})
        assert outsider.status_code == 400
        assert Idea.objects.get(pk=idea.pk).owner == org.member

    def test_attachments_upload_show_delete(self, org, make_idea, client_as, png, exe,
                                            settings):
        idea = make_idea()
        client = client_as(org.member)
        client.post(f"/ideas/{idea.pk}/attachments/", {"file": png("before.png")})
        att = Attachment.objects.get()
        page = client.get(f"/ideas/{idea.pk}/").content.decode()
        assert f"/ideas/{idea.pk}/attachments/{att.pk}/thumb/" in page
        thumb = client.get(f"/ideas/{idea.pk}/attachments/{att.pk}/thumb/")
        assert thumb["Content-Type"] == "image/jpeg"
        bad = client.post(f"/ideas/{idea.pk}/attachments/", {"file": exe("cat.png")})
        assert bad.status_code == 400 and "whatever its name says" in bad.content.decode()
        settings.TIERLINE_MAX_ATTACHMENT_MB = 0
        big = client.post(f"/ideas/{idea.pk}/attachments/", {"file": png()})
        assert big.status_code == 400 and "the limit is 0 MB" in big.content.decode()
        client.post(f"/ideas/{idea.pk}/attachments/{att.pk}/delete/")
        assert not Attachment.objects.exists()

    def test_panels_from_other_apps_are_shown(self, org, make_idea, client_as, monkeypatch,
                                              tmp_path, settings):
        idea = make_idea()
        monkeypatch.setattr(registry._idea_panels, "_entries", [
            lambda request, idea: {"template": "ideas/_test_panel.html",
                                   "context": {"word": f"panel-for-{idea.pk}"}},
            lambda request, idea: None])
        templates = tmp_path / "tpl" / "ideas"
        templates.mkdir(parents=True)
        (templates / "_test_panel.html").write_text("<p>{{ panel.context.word }}</p>")
        settings.TEMPLATES = [{**settings.TEMPLATES[0],
                               "DIRS": [tmp_path / "tpl", *settings.TEMPLATES[0]["DIRS"]]}]
        body = client_as(org.member).get(f"/ideas/{idea.pk}/").content.decode()
        assert f"panel-for-{idea.pk}" in body


@pytest.mark.django_db
class TestLearningAndHome:
    def _done(self, org, title, learning, team=None, category="quality", closer=None):
        idea = services.idea_create(actor=org.member, team=team or org.line1, title=title,
                                    category=category)
        closer = closer or org.lead
        services.idea_transition(idea_id=idea.pk, to="in_progress", actor=closer)
        return services.idea_transition(idea_id=idea.pk, to="done", actor=closer,
                                        learning=learning)

    def test_learning_library_search_filter_and_author_who_left(self, org, client_as):
        a = self._done(org, "Torque", "Calibration drifts with temperature")
        b = self._done(org, "Forklift", "Mirrors beat beepers", team=org.line2,
                       category="safety", closer=org.admin)
        org.lead.is_active = False
        org.lead.save()
        client = client_as(org.other)
        body = client.get("/learning/").content.decode()
        assert "Calibration drifts" in body and "Mirrors beat beepers" in body
        assert "has left" in body and "Lead" in body
        assert [i.pk for i in client.get("/learning/", {"q": "temperature"}).context["rows"]] == [a.pk]
        assert [i.pk for i in client.get("/learning/", {"category": "safety"}).context["rows"]] == [b.pk]
        assert [i.pk for i in client.get("/learning/", {"team": org.line2.pk}).context["rows"]] == [b.pk]

    def test_my_work_panels(self, org, client_as):
        mine = services.idea_create(actor=org.member, team=org.line1, title="Mine open",
                                    category="cost")
        owned = services.idea_create(actor=org.lead, team=org.line1, title="Owned by me",
                                     category="cost", owner=org.member)
        services.idea_transition(idea_id=owned.pk, to="in_progress", actor=org.lead)
        aging = services.idea_create(actor=org.lead, team=org.line1, title="Old and aging",
                                     category="cost")
        services.idea_transition(idea_id=aging.pk, to="in_progress", actor=org.lead)
        Idea.objects.filter(pk=aging.pk).update(aging_flagged_at=timezone.now())
        body = client_as(org.member).get("/").content.decode()
        assert 'data-testid="home-reported"' in body and mine.title in body
        assert 'data-testid="home-owned"' in body and owned.title in body
        assert 'data-testid="home-attention"' in body and aging.title in body
        assert "Items I reported (open)" in body
