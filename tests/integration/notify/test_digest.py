"""A coordinator's daily digest against a real database and SMTP server, by the service's clock: asked
for by the coordinator themself, once a local day at their hour, counting events of their campuses only."""

import base64
import json
import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mentoring_contracts import MatchParticipant, MatchProposed, new_envelope
from mesh_notify.adapters.postgres import PostgresNotifyUnitOfWork
from mesh_notify.adapters.smtp import SmtpMailer
from mesh_notify.adapters.workers import sweep_digests
from mesh_notify.application.plan_notifications import plan_notifications
from mesh_notify.domain.notification import Contact
from mesh_runtime.clock import advance
from mesh_runtime.db import Cause
from tests.integration.notify.conftest import WITHOUT_WORKERS
from tests.support.identity import INSTITUTION, as_, as_person
from tests.support.services import running

BERLIN = ZoneInfo("Europe/Berlin")


async def propose(app, campus: str) -> None:
    """A proposal told to both of a pair on ``campus``."""
    people = [
        Contact(uuid.uuid4(), name, f"{name.lower()}@uni.example.edu", "Europe/Berlin", campus=campus) for name in ("Ada", "Ben")
    ]
    event = MatchProposed(
        match_id=uuid.uuid4(),
        program_id="first-year-stem",
        topic_name="Calculus II",
        kind="peer",
        participants=[MatchParticipant(participant_id=p.participant_id, role="peer") for p in people],
        score=0.7,
        score_parts=[],
        proposed_at=datetime.now(UTC),
        expires_at=datetime.now(UTC) + timedelta(days=7),
    )
    components = app.state.components
    for contact in people:
        async with components.database.transaction(INSTITUTION) as transaction:
            await transaction.connection.execute(
                "INSERT INTO contacts (participant_id, display_name, email, time_zone, campus) VALUES ($1, $2, $3, $4, $5)",
                contact.participant_id,
                contact.display_name,
                contact.email,
                contact.time_zone,
                contact.campus,
            )
    envelope = new_envelope(event, source="/matching", institution=INSTITUTION)
    async with components.database.transaction(INSTITUTION) as transaction:
        await plan_notifications(PostgresNotifyUnitOfWork.of(transaction, Cause.of(envelope), components), event)


async def test_a_coordinator_gets_one_digest_a_day_at_their_hour_of_their_campuses_only(
    endpoints, database_factory, smtp_server, tmp_path
) -> None:
    controller, inbox = smtp_server
    clock_file = tmp_path / "clock-offset"
    settings = {"smtp_host": "127.0.0.1", "smtp_port": controller.port, "clock_offset_file": clock_file}
    # the test runs the digest itself: no background delivery or digest racing it
    async with running(WITHOUT_WORKERS, endpoints.kafka_bootstrap, await database_factory(WITHOUT_WORKERS), **settings) as (
        app,
        client,
    ):
        components = app.state.components
        # the clock at 07:00 in Berlin tomorrow: the digest, asked for at 08:00, is not due yet
        tomorrow = (datetime.now(BERLIN) + timedelta(days=1)).date()
        advance(clock_file, datetime.combine(tomorrow, time(7), tzinfo=BERLIN) - datetime.now(UTC))
        north = as_("notify", "coordinator", campuses=("north",), email="cole@uni.example.edu")
        asked = await client.put("/coordinators/me/digest", json={"hour": 8, "time_zone": "Europe/Berlin"}, headers=north)
        assert asked.status_code == 200, asked.text
        assert (asked.json()["email"], asked.json()["campuses"]) == ("cole@uni.example.edu", ["north"])
        assert (await client.get("/coordinators/me/digest", headers=north)).json()["hour"] == 8
        subject = jwt_subject(north)
        elsewhere = as_(
            "notify",
            "coordinator",
            subject=subject,
            institution="other-college",
            campuses=("north",),
            email="cole@uni.example.edu",
        )
        assert (await client.get("/coordinators/me/digest", headers=elsewhere)).status_code == 404  # one institution's
        assert (await client.get("/coordinators/me/digest", headers={"Authorization": ""})).status_code == 401
        wrong_zone = await client.put("/coordinators/me/digest", json={"time_zone": "Mars/Olympus"}, headers=north)
        assert wrong_zone.status_code == 422 and "IANA" in wrong_zone.text
        no_email = await client.put(
            "/coordinators/me/digest",
            json={"time_zone": "Europe/Berlin"},
            headers=as_("notify", "coordinator", campuses=("north",)),
        )
        assert no_email.status_code == 422 and "email" in no_email.text
        refused = await client.put("/coordinators/me/digest", json={"time_zone": "Europe/Berlin"}, headers=as_person("notify"))
        assert refused.status_code == 403

        for campus in ("north", "north", "south"):
            await propose(app, campus)
        mailer = SmtpMailer(components.settings)
        assert await sweep_digests(components, mailer) == 0  # 07:00: before their hour
        advance(clock_file, timedelta(hours=1, minutes=5))
        assert await sweep_digests(components, mailer) == 1
        assert await sweep_digests(components, mailer) == 0  # once a day
        [digest] = inbox.messages
        assert digest["To"].endswith("<cole@uni.example.edu>") and digest["Subject"].endswith(tomorrow.isoformat())
        body = digest.get_payload(decode=True).decode()
        assert "     2  matches proposed" in body  # two proposals on north, each once; south's not counted
        assert "Ada" not in body and "Ben" not in body  # names nobody
        advance(clock_file, timedelta(days=1))
        assert await sweep_digests(components, mailer) == 1  # the next day's
        assert "     0  matches proposed" in inbox.messages[1].get_payload(decode=True).decode()
        assert (await client.delete("/coordinators/me/digest", headers=north)).status_code == 204
        assert (await client.get("/coordinators/me/digest", headers=north)).status_code == 404
        # asked again, it lasts 90 days: what the token allowed then does not last for ever
        again = await client.put("/coordinators/me/digest", json={"hour": 8, "time_zone": "Europe/Berlin"}, headers=north)
        assert again.json()["expires_on"] == (tomorrow + timedelta(days=91)).isoformat()
        advance(clock_file, timedelta(days=91))
        assert await sweep_digests(components, mailer) == 0
        assert (await client.get("/coordinators/me/digest", headers=north)).status_code == 404


def jwt_subject(headers: dict[str, str]) -> str:
    """The account a test token names."""
    payload = headers["Authorization"].split()[1].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "==="))["sub"]
