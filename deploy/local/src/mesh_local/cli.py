"""mesh-local: start, inspect and stop Mentoring Mesh on this machine.

mesh-local up        start Kafka, PostgreSQL, Keycloak, the SMTP catcher and the four services (idempotent)
mesh-local infra     start only Kafka, PostgreSQL, Keycloak and the SMTP catcher
mesh-local demo      load a demo cohort, drive a journey, print what flowed
mesh-local token U   print an access token for demo user U (e.g. student01, cole, nadia; see deploy/README.md)
mesh-local token --automation   print a token of the automation client (client credentials)
mesh-local clock     how far the services' clock runs ahead of this machine's
mesh-local clock advance 2d   move it forward (m, h, d): reminders, missed sessions, lapsed proposals and
                     dormant pairs fall due as if that much time had passed (never backwards)
mesh-local status    what is running, truthfully (by PID)
mesh-local down      stop everything it started, services first
"""

import argparse
import asyncio
import sys
import time

from mesh_local.clock import describe_clock, parse_duration
from mesh_local.config import SERVICES, LocalConfig
from mesh_local.journey import run_journey
from mesh_local.keycloak import automation_token, user_token
from mesh_local.realm import DEMO_PASSWORD
from mesh_local.stack import LocalStack
from mesh_local.steps import JourneyError
from mesh_runtime.clock import InvalidClockOffset, advance


def _print_status(stack: LocalStack) -> None:
    for name, state in stack.status().items():
        print(f"  {name:<11} {state}")


def _print_where_to_look(config: LocalConfig) -> None:
    print("\nWhere to look:")
    print(f"  Web app           {config.web_url}  (sign in as student01 ... student40, coordinators cole and sara,")
    print(f"                    admin nadia; every demo password is {DEMO_PASSWORD})")
    print(f"  Kafka bootstrap   {config.kafka_bootstrap}")
    print(f"  Identity (OIDC)   {config.oidc_issuer}  (tokens: mesh-local token student01)")
    print(
        f"  PostgreSQL        {config.host}:{config.postgres_port} (one database per service: "
        + ", ".join(config.database_name(s) for s in SERVICES)
        + ")"
    )
    for service in SERVICES:
        url = config.service_url(service)
        print(f"  {service:<11}       API docs {url}/docs   AsyncAPI {url}/asyncapi.json")
    print(f"  Mail (Maildir)    {config.maildir}")
    print(f"  Logs              {config.state_dir}/services/*.log, kafka/kafka.log, postgres/postgres.log")
    print("  Stop everything   make stop")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mesh-local", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("up", "infra", "demo", "status", "down", "token", "clock"))
    parser.add_argument("user", nargs="?", help="with token: the demo user; with clock: advance")
    parser.add_argument("amount", nargs="?", help="with clock advance: how far, e.g. 90m, 36h, 2d")
    parser.add_argument("--automation", action="store_true", help="with token: the automation client's token")
    parser.add_argument("--cohort", type=int, default=36, help="demo cohort size (default 36)")
    args = parser.parse_args(argv)
    stack = LocalStack()
    started = time.monotonic()
    try:
        if args.command == "up":
            stack.start_all()
            print(f"Mentoring Mesh is up ({time.monotonic() - started:.1f}s):")
            _print_status(stack)
        elif args.command == "infra":
            stack.start_infrastructure()
            _print_status(stack)
        elif args.command == "token":
            if not (args.user or args.automation):
                parser.error("token needs a demo user (e.g. student01) or --automation")
            print(automation_token(stack.config) if args.automation else user_token(stack.config, args.user))
        elif args.command == "clock":
            if args.user not in (None, "advance") or (args.user == "advance") != (args.amount is not None):
                parser.error("clock takes nothing, or: advance AMOUNT (e.g. 2d)")
            if args.amount is not None:
                advance(stack.config.clock_offset_file, parse_duration(args.amount))
            print(describe_clock(stack.config))
        elif args.command == "status":
            _print_status(stack)
        elif args.command == "down":
            stopped = stack.stop_all()
            print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
        elif args.command == "demo":
            report = asyncio.run(run_journey(stack.config, cohort_size=args.cohort))
            _print_report(report)
            _print_where_to_look(stack.config)
    except (JourneyError, RuntimeError, InvalidClockOffset) as error:
        print(f"mesh-local {args.command}: {error}", file=sys.stderr)
        return 1
    return 0


def _print_report(report) -> None:
    print(f"\nJourney ({report.seconds:.1f}s):")
    print("  nadia (admin) created the program through profile's API and imported its roster with mesh-roster:")
    print(f"      {report.roster}")
    print(f"  {report.joined} students claimed their profiles across two campuses")
    print(f"  {len(report.proposed)} matches proposed; e.g. score {report.proposed[0]['score']:.2f} because:")
    for reason in report.proposed[0]["reasons"]:
        print(f"      - {reason}")
    print(f"  {len(report.accepted)} matches accepted by both participants")
    for session in report.sessions:
        print(
            f"  session {session['sequence']} scheduled {session['starts_at']} ({session['meeting_mode']}, {session['cadence']})"
        )
    if report.completed:
        print(
            f"  session {report.completed['session_id']} completed with a reflection (rating "
            f"{report.completed['reflections'][0]['progress_rating']}/5)"
        )
    print(f"  {report.notifications_sent} emails delivered to the first pair through SMTP")
    for step in report.after.said:
        print(f"  {step}")
    print("\nEvents on Kafka (all runs so far):")
    for event_type, count in sorted(report.events.items()):
        print(f"  {event_type:<28} {count}")
    if report.missing:
        print("  never seen: " + ", ".join(report.missing))
    else:
        print(f"  every one of the catalogue's {len(report.events)} current event types flowed")


if __name__ == "__main__":
    sys.exit(main())
