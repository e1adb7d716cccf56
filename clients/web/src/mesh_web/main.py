"""``mesh-web``: serve the web app; ``mesh-web migrate``: apply its database migrations (a release job)."""

import asyncio
import sys

import uvicorn

from mesh_web import storage
from mesh_web.settings import WebSettings


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    settings = WebSettings()  # type: ignore[call-arg]  # from the environment
    if args[:1] == ["migrate"]:
        applied = asyncio.run(storage.migrate(settings.database_migration_url or settings.database_url, settings.database_url))
        print(f"applied {len(applied)} migration(s)")
        return 0
    from mesh_web.app import create_app

    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        proxy_headers=True,
        forwarded_allow_ips=None,
        log_level="warning",
        access_log=False,
    )  # FORWARDED_ALLOW_IPS: the ingress
    return 0


if __name__ == "__main__":
    sys.exit(main())
