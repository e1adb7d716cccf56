"""mesh-web, the participants' web app and the console, under load through the running platform (issue 29,
items 6 and 7).

The whole stack on this machine, on its own state (.mesh/bench-web) and ports (27xxx: not the dev
stack's 18xxx, the test infrastructure's 28xxx or the other benchmarks' 29xxx): PostgreSQL, Kafka,
Keycloak (its realm's mesh-web client pointing back at the app started here), an SMTP catcher, the
four services and mesh-web. Then:

1. Data through the APIs, as the demo journey loads it: Northbridge's admin creates a program and
   imports its roster of 36 with mesh-roster; each student claims their profile with their own token;
   matching proposes; both members accept; some pairs agree terms and complete a session. A second
   program is open to join, and a third's roster waits for the signed-in people to confirm.
2. ``people`` students sign in through the real login flow: the app's /auth/login, Keycloak's own
   form (posted as a browser posts it), back to /auth/callback; the app's ``__Host-`` session cookie
   is kept as a browser keeps it on localhost (a Secure cookie over plain http to localhost only).
3. The pages: every GET page of the journey that answers 200 for them (asked for by the ids the data
   has, plus the same-site links those pages show), grouped by route. Each is asked 60 times one at
   a time (its cost without queueing), then ``requests`` times by as many concurrent sessions as
   people signed in, each after a warm-up. Per page: the app's own time (``Server-Timing: app``), the
   services' share (the sum of the four services' durations it reports: the APIs' time for the same
   data, timed at the app: the baseline of this run), the app's own share (the difference; its
   session store, ``sessions`` in the header, is the app's own), and the latency the client saw.
4. A first visit's bytes, as a new browser fetches them with ``Accept-Encoding: gzip``: the page, each
   stylesheet, script and icon it references, and Source Sans Pro regular and bold (USWDS's body
   text and bold); signed out (the welcome page) and signed in (the home page). Then the same in
   Debian's chromium, when there, by what it really fetched (it also takes a Merriweather face).

5. The console at scale (issue 29, item 7; console.py, console_data.py): a program of 100,000 participants
   on campus north (pairs proposed, active, dormant, ended and declined, sessions every week) and one of
   10,000 waiting. The programs are created through profile's API as Northbridge's admin; their people
   are written straight into matching's database by set-based SQL, in the shape matching's own code
   writes them, as its service role with every trigger on (tests/support/bulk_candidates.py, shared with
   the directory and health cost tests): through the roster API and Kafka intake it would take many
   minutes, and these pages read matching's tables only. Loaded once; ``--keep`` keeps it. As ``cole``
   (coordinator of campus north) and ``nadia`` (admin), each signed in ``people`` times: the participants
   list (first page, a search by a common prefix, waiting only, a page 20 Next links in), a participant
   with matches, health, attention, matching, /console and /console/institution, timed as above, with the
   demo cohort's first page of participants (36 people) beside them as a baseline, and each page's CPU per
   request by part of the stack, this driver and other work on the machine (cpu.py, from /proc). Then a
   round preview over the 10,000, through the app: the form posted, its page polled each second (the
   progress bar's value and max, the phase), to ready; its report's figures; not published.

Targets: server p95 under 150 ms per participant page; a first visit under 150 KB compressed (KB = 1,000
bytes); server p95 under 300 ms per console page at 100,000 participants; the round preview moves its
progress and completes. Prints PASS/FAIL for each and exits 0: a benchmark reports, it does not fail.

Usage: python -m benchmarks.web [requests a page] [people] [--keep]
``--keep`` leaves the stack and its data running; the next run reuses both (``--stop`` stops it).
"""
