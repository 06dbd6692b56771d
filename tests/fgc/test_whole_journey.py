"""A Family Group Conference from referral to outcomes, as one test, through the pages and a real SMTP server.

Each person signs in for real (password, then the authenticator's code) whenever they
come back to Kinfolk, and the clock travels (time-machine) instead of the test sleeping
or rewriting dates: Alice refers a family she works with for an ICPC → Fay, the FGC
manager, accepts and allocates Fern, an independent coordinator → Alice hears by email
→ Fern records her contact and diarises the first meeting → builds the family network,
logs a visit, records a child's views, asks for an FGC Ambassador, checks the report for
new news, books the conference before the ICPC → on the day records its stages, who took
part, the plan, the bottom lines and Alice's decision → the plan PDF is rendered and its
link circulated → a support package is asked for and approved → the review conference, booked
13 weeks on, is held, with reminders → outcomes at 6 and 12 months after a prompt.

No email, at any step, names a child or anyone in the family network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.urls import resolve, reverse
from django_q.conf import Conf

from accounts.models import User
from core.models import AuditEvent
from diary.reminders import send_due_reminders
from families.models import Family
from fgc import tasks
from fgc.models import Budget, FamilyPlan, Referral
from outbox.services import send_due_messages
from tests.assertions import assert_invite_email, assert_never_mentions, text_of
from tests.fgc.journey_helpers import (
    CONFERENCE,
    FATHER,
    FIRST_MEETING,
    GRAN,
    ICPC,
    REFERRED,
    UNCLE,
    at,
    page,
    pdf_text,
    posted,
    signed_in,
    squeeze,
)
from tests.smtp import SMTPServer


@pytest.fixture
def tasks_run_inline() -> Iterator[None]:
    """django-q2 runs async_task in the calling process, as a worker would."""
    before = Conf.SYNC
    Conf.SYNC = True
    yield
    Conf.SYNC = before


def test_a_family_group_conference_from_referral_to_outcomes(
    smtp_server: SMTPServer,
    time_machine: time_machine.TimeMachineFixture,
    alice: User,
    fay: User,
    fern: User,
    mo: User,
    bob: User,
    north_family: Family,
    django_capture_on_commit_callbacks: Callable[..., Any],
    tasks_run_inline: None,
    empty_cache: None,
) -> None:
    children = list(north_family.children.order_by("date_of_birth"))
    first, second = children
    mail_seen: dict[int, int] = {}

    def new_mail(to: User) -> list[EmailMessage]:
        """Send what the outbox holds (the worker's sweep) and return what reached `to` since they last looked."""
        send_due_messages()
        inbox = smtp_server.to(to.email)
        fresh, mail_seen[to.pk] = inbox[mail_seen.get(to.pk, 0) :], len(inbox)
        return fresh

    # -- 1. Monday morning: Alice refers the family she works with, for the ICPC ----------------
    time_machine.move_to(at(REFERRED, 9), tick=True)
    as_alice = signed_in(alice)
    choose = page(as_alice, reverse("fgc:referral_choose_family"))
    create_url = reverse("fgc:referral_create", kwargs={"family_pk": north_family.pk})
    assert north_family.case_reference in choose and create_url in choose
    form = page(as_alice, create_url)
    assert first.first_name in form and second.first_name in form
    response = as_alice.post(
        create_url,
        {
            "children": [first.pk, second.pk],
            "reason": "icpc",
            "reason_detail": "Section 47 enquiry concluded; ICPC convened.",
            "key_date": ICPC.isoformat(),
            "key_date_kind": "icpc",
            "urgency": "routine",
            "consent_given_by": "Mother and father",
            "consent_given_on": REFERRED.isoformat(),
            "bottom_lines": "The children are never left alone with their father.",
            "questions_for_family": "Who can take the children to school?",
            "interpreter_language": "",
            "access_needs": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    referral_url = response["Location"]
    referral = Referral.objects.get(pk=resolve(referral_url).kwargs["pk"])
    ref = referral.reference
    detail = squeeze(page(as_alice, referral_url))
    assert f"Referral {ref} Received" in detail
    assert "Initial Child Protection Conference" in detail
    assert "working days left before the ICPC date on Friday 4 July 2031" in detail
    assert "number 1 on the waiting list" in detail
    (arrived,) = new_mail(alice)
    assert f"Your referral {ref} has reached the FGC service." in text_of(arrived)
    assert "It is number 1 on the waiting list for a coordinator." in text_of(arrived)

    # Who else may know: the family's team manager sees the referral, not its network; another team nothing.
    as_mo, as_bob = signed_in(mo), signed_in(bob)
    assert reverse("fgc:preparation", kwargs={"pk": referral.pk}) not in page(as_mo, referral_url)
    assert as_bob.get(referral_url).status_code == 404

    # -- 2. Fay triages: the waiting list, accept, allocate an independent coordinator ----------
    time_machine.move_to(at(REFERRED, 11), tick=True)
    as_fay = signed_in(fay)
    assert "1 referral waiting for a coordinator" in squeeze(page(as_fay, reverse("core:home")))
    waiting = page(as_fay, reverse("fgc:referral_list"))
    assert "Waiting list (in allocation order)" in waiting and ref in waiting
    detail = squeeze(posted(as_fay, reverse("fgc:referral_accept", kwargs={"pk": referral.pk}), to=referral_url))
    assert f"{ref} accepted and on the waiting list." in detail and "Accepted, waiting for a coordinator" in detail
    (accepted,) = new_mail(alice)
    assert f"Your referral {ref} has been accepted." in text_of(accepted)
    allocate_url = reverse("fgc:referral_allocate", kwargs={"pk": referral.pk})
    choices = squeeze(page(as_fay, allocate_url))
    assert "Fern Fgc 0 of 8 0 English" in choices  # her caseload, conferences booked and languages
    detail = squeeze(posted(as_fay, allocate_url, {"coordinator": fern.pk}, to=referral_url))
    assert f"Referral {ref} Allocated" in detail and "Allocated to Fern Fgc" in detail
    assert "First meeting" not in detail and "due by Monday 16 June 2031" in detail
    (told,) = new_mail(alice)
    assert f"Your referral {ref} has a coordinator: Fern Fgc." in text_of(told)
    assert "They will contact you within 48 hours." in text_of(told)
    (to_fern,) = new_mail(fern)
    assert f"Referral {ref} has been allocated to you." in text_of(to_fern)
    assert "contact the referrer within 48 hours and hold a first meeting within 5 working days" in text_of(to_fern)

    # -- 3. Tuesday: Fern calls Alice and diarises their first meeting -------------------------
    time_machine.move_to(at(REFERRED + dt.timedelta(days=1), 10), tick=True)
    as_fern = signed_in(fern)
    home = squeeze(page(as_fern, reverse("core:home")))
    assert f"{ref} — allocated" in home
    detail = squeeze(posted(as_fern, reverse("fgc:referral_contacted", kwargs={"pk": referral.pk}), to=referral_url))
    assert "Contact with the referrer recorded." in detail and "Referrer contacted 10 June 2031" in detail
    detail = squeeze(
        posted(
            as_fern,
            reverse("fgc:referral_baseline", kwargs={"pk": referral.pk}),
            {
                "day": FIRST_MEETING.isoformat(),
                "start_time": "10:00",
                "end_time": "11:00",
                "location": "Civic Centre",
            },
            to=referral_url,
        )
    )
    assert "First meeting Thursday 12 June 2031, 10:00" in detail and f"{ref} Preparing" in detail
    invites = new_mail(alice)
    assert len(invites) == 1
    assert_invite_email(invites[0], method="REQUEST")
    assert f"FGC first meeting – {ref}" in str(invites[0]["Subject"])

    # -- 4. After the first meeting: the network, a visit, the child's views, an ambassador ----
    time_machine.move_to(at(FIRST_MEETING, 14), tick=True)
    as_fern = signed_in(fern)
    prep_url = reverse("fgc:preparation", kwargs={"pk": referral.pk})
    add_url = reverse("fgc:network_add", kwargs={"pk": referral.pk})
    for person in (
        {"name": GRAN, "relationship": "Maternal grandmother", "address": "3 Elm Road\nKinfolk KF1 2AB"},
        {"name": UNCLE, "relationship": "Paternal uncle", "email": "tobias.q@example.com", "phone": "07700 900456"},
        {
            "name": FATHER,
            "relationship": "Father",
            "invitation_status": "not_invited",
            "safety_note": "Subject of the section 47 enquiry: not to be told the venue.",
        },
    ):
        posted(as_fern, add_url, {"invitation_status": "to_contact", **person}, to=prep_url)
    network = squeeze(page(as_fern, prep_url))
    assert "3 people in the network" in network
    assert f"{GRAN} Maternal grandmother" in network and "Not to be invited (safety)" in network
    gran = referral.network.get(name=GRAN)
    prep = squeeze(
        posted(
            as_fern,
            reverse("fgc:visit_add", kwargs={"pk": referral.pk}),
            {"who": f"member-{gran.pk}", "visited_on": FIRST_MEETING.isoformat(), "notes": "Keen to help."},
            to=prep_url,
        )
    )
    assert f"12 June 2031 , with {GRAN} (Maternal grandmother), by Fern Fgc Keen to help." in prep
    assert "Visited" in prep

    voice_url = reverse("fgc:child_voice", kwargs={"pk": referral.pk, "child_pk": first.pk})
    posted(
        as_fern,
        voice_url,
        {"participation": "part", "views": "I want to live with mum and see nan every day."},
        to=prep_url,
    )
    as_alice = signed_in(alice)
    assert "Recorded, not yet shared with you." in page(as_alice, prep_url)
    prep = posted(
        as_fern, reverse("fgc:child_voice_share", kwargs={"pk": referral.pk, "child_pk": first.pk}), to=prep_url
    )
    assert "The child's views are shared." in squeeze(prep)
    (shared,) = new_mail(alice)
    assert f"A child's views for {ref} have been shared with you." in text_of(shared)
    assert "I want to live with mum and see nan every day." in page(as_alice, prep_url)

    # The FGC Ambassador: one click, and the request is in the volunteer scheme's list.
    prep = squeeze(
        posted(
            as_fern,
            reverse("fgc:ambassador_request", kwargs={"pk": referral.pk, "child_pk": first.pk}),
            to=prep_url,
        )
    )
    assert "FGC Ambassador requested." in prep and "Match: Waiting for a match." in prep
    volunteer_request = apps.get_model("volunteers", "VolunteerRequest").objects.get(child_id=first.pk)
    assert ref in volunteer_request.goals

    nnn_url = reverse("fgc:no_new_news", kwargs={"pk": referral.pk})
    prep = squeeze(
        posted(as_fern, nnn_url, {"confirmed": "on", "note": "Read the ICPC report with mum and dad."}, to=prep_url)
    )
    assert "No-new-news check recorded." in prep and "Checked by Fern Fgc on 12 June 2031" in prep

    # -- 5. Booking, before the ICPC: a venue Fay set up, the coordinator's and rooms' diaries --
    as_fay = signed_in(fay)
    venues = posted(
        as_fay,
        reverse("fgc:venue_list"),
        {"name": "Civic Centre, Family Room", "address": "1 Civic Way\nKinfolk", "capacity": "12", "accessible": "on"},
    )
    assert "Civic Centre, Family Room added." in venues
    venue = apps.get_model("fgc", "Venue").objects.get(name="Civic Centre, Family Room")
    booking_url = reverse("fgc:booking", kwargs={"pk": referral.pk})
    availability = squeeze(page(as_fern, f"{booking_url}?around={FIRST_MEETING.isoformat()}"))
    assert "10:00–11:00 Diary meeting" in availability  # the first meeting, in Fern's diary
    detail = squeeze(
        posted(
            as_fern,
            booking_url,
            {
                "day": CONFERENCE.isoformat(),
                "start_time": "10:00",
                "sharing_end_time": "11:00",
                "end_time": "13:00",
                "venue": venue.pk,
                "professionals": "",
            },
            to=referral_url,
        )
    )
    assert "Conference booked for 25 June 2031, 10:00." in detail
    assert f"{ref} Conference booked" in detail
    assert "Booked for Wednesday 25 June 2031, 10:00–13:00 at Civic Centre, Family Room" in detail
    assert "After the ICPC" not in detail
    (conference_invite,) = new_mail(alice)
    calendar = assert_invite_email(conference_invite, method="REQUEST")
    assert f"FGC information sharing – {ref}" in str(calendar.walk("VEVENT")[0]["SUMMARY"])
    # Until the day, the conference can be read but not recorded.
    conference = referral.conferences.get()
    conference_url = reverse("fgc:conference_detail", kwargs={"pk": conference.pk})
    record_url = reverse("fgc:conference_record", kwargs={"pk": conference.pk})
    assert as_fern.get(record_url)["Location"] == conference_url
    booked = squeeze(page(as_fern, conference_url))
    assert "The conference has not started yet" in booked and "Record the conference" not in booked
    # Gran has no email: her invitation is a letter Fern prints.
    booking = page(as_fern, booking_url)
    letter_url = reverse("fgc:invitation_letter", kwargs={"pk": referral.pk, "member_pk": gran.pk})
    assert letter_url in booking and f"Letter for {GRAN}" in booking
    letter = as_fern.get(letter_url)
    assert letter["Content-Type"] == "application/pdf"
    letter_text = " ".join(" ".join(pdf_text(letter.content)).split())
    assert GRAN in letter_text and "25 June 2031" in letter_text and FATHER not in letter_text

    # -- 6. The day: Fern records the conference after it ends --------------------------------
    time_machine.move_to(at(CONFERENCE, 14), tick=True)
    as_fern = signed_in(fern)
    assert "Record the conference" in page(as_fern, conference_url)
    form = page(as_fern, record_url)
    assert GRAN in form and UNCLE in form and FATHER not in form  # never invited: not on the register
    uncle = referral.network.get(name=UNCLE)
    everything = ["information", "family_time", "plan"]
    # The plan is rendered and circulated by a task queued when the record commits (run here inline).
    with django_capture_on_commit_callbacks(execute=True):
        response = as_fern.post(
            record_url,
            {
                "day": CONFERENCE.isoformat(),
                "information_time": "10:05",
                "family_time": "10:55",
                "plan_time": "12:10",
                "end_time": "12:50",
                f"att_m{gran.pk}": everything,
                f"att_m{uncle.pk}": everything,
                f"att_c{first.pk}": ["information", "plan"],
                f"att_p{alice.pk}": ["information"],
                f"att_p{fern.pk}": everything,
                "item_1_what": "Nan collects the children from school every weekday",
                "item_1_who": "Maternal grandmother",
                "item_1_by": "2031-07-01",
                "item_2_what": "A bed for the children at nan's house",
                "item_2_who": "Maternal grandmother",
                "bottom_lines_met": "yes",
                "referrer_decision": "agreed",
                "monitored_by": "The social worker, at each core group",
                "contingency": "The uncle steps in if nan is unwell.",
            },
        )
    assert response.status_code == 302 and response["Location"] == conference_url, response.content.decode()[:3000]
    held = squeeze(page(as_fern, conference_url))
    assert "Conference recorded as held." in held and "Family Group Conference Held" in held
    assert "Information sharing 10:05, private family time 10:55, agreeing the plan 12:10, ended 12:50" in held
    assert f"{GRAN} (Maternal grandmother) Yes Yes Yes" in held
    assert f"{first.first_name} (child) Yes No Yes" in held
    assert "Alice Practitioner Yes No No" in held
    assert "Nan collects the children from school every weekday Maternal grandmother 1 July 2031" in held
    assert "Bottom lines met Yes" in held and "Referrer's decision Agreed" in held
    assert "Circulated 25 June 2031" in held
    assert f"{ref} Conference held" in squeeze(page(as_fern, referral_url))

    # The plan PDF reaches everyone who took part by a secure link, never as an attachment.
    after_the_day = new_mail(alice)
    subjects = " | ".join(sorted(str(m["Subject"]).strip() for m in after_the_day))
    assert subjects == (
        f"{settings.PROTECTIVE_MARKING}: Invitation: Review Family Group Conference: FGC review information sharing – "
        f"{ref} – Wed 24 Sep 2031, 10:00 | {settings.PROTECTIVE_MARKING}: The family plan for {ref} is ready"
    )
    (circulated,) = [m for m in after_the_day if "The family plan agreed" in text_of(m)]
    link = settings.SITE_URL + reverse("fgc:plan_pdf", kwargs={"pk": conference.pk})
    assert link in text_of(circulated) and not list(circulated.iter_attachments())
    assert any(link in text_of(m) for m in new_mail(fern))
    as_alice = signed_in(alice)
    download = as_alice.get(reverse("fgc:plan_pdf", kwargs={"pk": conference.pk}))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    pages = pdf_text(b"".join(download.streaming_content))  # type: ignore[attr-defined]
    for text in pages:
        assert settings.PROTECTIVE_MARKING in text and ref in text
    plan_text = " ".join(" ".join(pages).split())
    for expected in (
        "Nan collects the children from school every weekday",
        "A bed for the children at nan's house",
        "Agreed",
        "The social worker, at each core group",
        "The uncle steps in if nan is unwell.",
        GRAN,
    ):
        assert expected in plan_text, expected
    assert FATHER not in plan_text
    assert AuditEvent.objects.filter(actor_id=alice.pk, object_type="fgc.FamilyPlan", action="view").exists()
    # The family's letters, one for each family member who took part, wait for Fern to print them.
    letters = as_fern.get(reverse("fgc:plan_letters", kwargs={"pk": conference.pk}))
    assert letters.status_code == 200
    letters_text = " ".join(" ".join(pdf_text(b"".join(letters.streaming_content))).split())  # type: ignore[attr-defined]
    assert GRAN in letters_text and UNCLE in letters_text

    # -- 7. The next day: Fay sets up the year's budget; a support package, asked for by Fern and approved by Fay --
    time_machine.move_to(at(CONFERENCE + dt.timedelta(days=1), 9), tick=True)
    as_fern, as_fay = signed_in(fern), signed_in(fay)
    budgets_url = reverse("fgc:budget_list")
    pots = squeeze(
        posted(
            as_fay,
            budgets_url,
            {"name": "Family Network Support Packages", "financial_year": "2031", "amount": "20000"},
            to=budgets_url,
        )
    )
    assert "Family Network Support Packages for 2031 to 2032 added: £20,000.00." in pots
    budget = Budget.objects.get(financial_year=2031)
    plan = FamilyPlan.objects.get(conference=conference)
    bed = plan.items.get(what__startswith="A bed")
    detail = squeeze(
        posted(
            as_fern,
            reverse("fgc:package_request", kwargs={"pk": conference.pk}),
            {
                "plan_item": bed.pk,
                "purpose": "practical",
                "description": "A bunk bed and bedding",
                "amount": "340.00",
                "recurrence": "one_off",
                "payments": "1",
                "budget": budget.pk,
            },
            to=conference_url,
        )
    )
    assert "Practical items: A bed for the children at nan's house £340.00 Awaiting approval" in detail
    awaiting = squeeze(page(as_fay, reverse("fgc:package_list")))
    assert f"{ref} : decide this package Practical items £340.00" in awaiting
    assert "£20,000.00 £340.00 £0.00 £0.00 £20,000.00" in awaiting  # amount, awaiting, committed, spent, left
    decide_url = reverse("fgc:package_decide", kwargs={"pk": plan.items.get(pk=bed.pk).support_packages.get().pk})
    assert "A bunk bed and bedding" in page(as_fay, decide_url)
    after = squeeze(posted(as_fay, decide_url, {"decision": "approve", "reason": ""}))
    assert "Decision recorded." in after and "Nothing is waiting for you." in after
    assert "£20,000.00 £0.00 £340.00 £0.00 £19,660.00" in after
    (approved,) = new_mail(fern)
    assert "A support package you requested has been approved." in text_of(approved)
    assert "Practical items: A bed for the children at nan's house £340.00 Approved" in squeeze(
        page(as_fern, conference_url)
    )

    # -- 8. The review conference, booked 13 weeks on like the first, with invitations and reminders
    review_conference = referral.conferences.get(kind="review")
    review_meeting = review_conference.meeting
    assert review_meeting is not None
    review_day = review_conference.start
    assert "Booked for Wednesday 24 September 2031, 10:00 at Civic Centre, Family Room" in squeeze(
        page(as_fern, conference_url)
    )
    assert any(f"FGC review information sharing – {ref}" in str(m["Subject"]) for m in smtp_server.to(alice.email))
    reminders = list(review_meeting.reminders.filter(user=alice).order_by("due_at"))
    assert len(reminders) == 2  # a week before and the day before
    for reminder in reminders:
        time_machine.move_to(reminder.due_at + dt.timedelta(minutes=1), tick=True)
        send_due_reminders()  # the every-minute job
        (reminded,) = new_mail(alice)
        assert ref in str(reminded["Subject"]) + text_of(reminded)
    fern_reminded = new_mail(fern)  # the coordinator is reminded too
    assert len(fern_reminded) == 2 and all(ref in str(m["Subject"]) + text_of(m) for m in fern_reminded)
    time_machine.move_to(review_day + dt.timedelta(hours=4), tick=True)
    as_fern = signed_in(fern)
    school = plan.items.get(what__startswith="Nan collects")
    detail = squeeze(
        posted(
            as_fern,
            reverse("fgc:review_record", kwargs={"pk": conference.pk}),
            {f"progress_{school.pk}": "Every day since July.", f"progress_{bed.pk}": "Bought and in use."},
            to=conference_url,
        )
    )
    assert "Progress on the plan recorded." in detail
    assert "Every day since July." in detail and "Bought and in use." in detail
    assert "Progress recorded 24 September 2031" in detail and "Held on Wednesday 24 September 2031" in detail
    assert f"{ref} Review conference" in squeeze(page(as_fern, referral_url))

    # -- 9. Outcomes: Fern is prompted when each falls due, and records where each child lives -
    for months, day, living, shown in (
        (6, dt.date(2031, 12, 29), "at_home", "Living at home"),
        (12, dt.date(2032, 6, 28), "family_network", "Living with the family network"),
    ):
        time_machine.move_to(at(day, 7), tick=True)
        tasks.prompt_outcomes_due()  # the daily job
        (prompt,) = new_mail(fern)  # one for both children: it names the referral only
        assert f"A {months}-month outcome is due for {ref}." in text_of(prompt)
        tasks.prompt_outcomes_due()  # run again: nothing new
        assert new_mail(fern) == []
        time_machine.move_to(at(day, 9), tick=True)
        as_fern = signed_in(fern)
        outcome_page = squeeze(page(as_fern, conference_url))
        for child in children:
            assert f"The {months}-month outcome for {child.first_name} was due on" in outcome_page
        for child in children:
            posted(
                as_fern,
                reverse("fgc:outcome_record", kwargs={"pk": conference.pk}),
                {"child": child.pk, "months_after": str(months), "living": living, "note": ""},
                to=conference_url,
            )
        outcome_page = squeeze(page(as_fern, conference_url))
        assert "-month outcome for" not in outcome_page
        for child in children:
            assert f"{child.first_name} {months} months {shown}" in outcome_page

    # -- Throughout: emails carry the FGC reference, never a child's or the family's names ------
    send_due_messages()
    assert len(smtp_server.messages) >= 12
    names = [GRAN, UNCLE, FATHER, "Quennell", north_family.family_name]
    names += [part for child in children for part in (child.first_name, child.last_name)]
    for message in smtp_server.messages:
        assert_never_mentions(message, names)
