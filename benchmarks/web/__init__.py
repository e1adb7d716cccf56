"""mesh-web, the participants' web app, under load through the running platform (issue 29, item 6).

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

Targets: server p95 under 150 ms per page; a first visit under 150 KB compressed (KB = 1,000 bytes).
Prints PASS/FAIL for each and exits 0: a benchmark reports, it does not fail.

Usage: python -m benchmarks.web [requests a page] [people] [--keep]
``--keep`` leaves the stack and its data running; the next run reuses both (``--stop`` stops it).
"""
