"""The app's static files: its own (static/) and those vendored from npm (USWDS's CSS, fonts and
images, htmx), served from memory under one URL prefix that changes with their content, so browsers
may keep them for a year. Nothing comes from another host. Each file is gzip-compressed once, at start.

Only files on the allow-list below are served: a path never reaches the file system."""

import gzip
import hashlib
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

STATIC = Path(__file__).parent / "static"
VENDORED = {  # URL path under the prefix -> file under the npm packages' directory
    "css/uswds.min.css": "@uswds/uswds/dist/css/uswds.min.css",
    "js/htmx.min.js": "htmx.org/dist/htmx.min.js",
}
COMPRESSIBLE = (".css", ".js", ".svg")
FIRST_VISIT = (  # what the base page (templates/base.html) makes a browser fetch, fonts as uswds.min.css asks
    "css/uswds.min.css",
    "mesh.css",
    "js/htmx.min.js",
    "mesh.js",
    "fonts/source-sans-pro/sourcesanspro-regular-webfont.woff2",
    "fonts/source-sans-pro/sourcesanspro-bold-webfont.woff2",
)


@dataclass(frozen=True)
class Asset:
    body: bytes
    compressed: bytes | None
    media_type: str


class Assets:
    def __init__(self, npm_dir: Path) -> None:
        files: dict[str, Path] = {name: npm_dir / source for name, source in VENDORED.items()}
        dist = npm_dir / "@uswds/uswds/dist"
        for folder, pattern in (("fonts", "*.woff2"), ("img", "*.svg")):  # what uswds.min.css may ask for
            files |= {str(path.relative_to(dist)): path for path in (dist / folder).rglob(pattern)}
        files |= {str(path.relative_to(STATIC)): path for path in STATIC.rglob("*") if path.is_file()}
        missing = sorted(str(path) for path in files.values() if not path.is_file())
        if any("@uswds" in name or "htmx" in name for name in missing):
            raise RuntimeError(
                f"front-end packages missing ({missing[0]}): run `npm ci` in clients/web "
                "(make setup does), or set MESH_WEB_ASSETS_DIR"
            )
        self._files: dict[str, Asset] = {}
        digest = hashlib.sha256()
        for name, path in sorted(files.items()):
            if not path.is_file():
                continue
            body = path.read_bytes()
            digest.update(name.encode() + body)
            compressed = gzip.compress(body, 9, mtime=0) if name.endswith(COMPRESSIBLE) else None
            media = mimetypes.guess_type(name)[0] or "application/octet-stream"
            if name.endswith(".woff2"):
                media = "font/woff2"
            self._files[name] = Asset(body, compressed, media)
        self.prefix = f"/assets/{digest.hexdigest()[:12]}/"

    def url(self, name: str) -> str:
        if name not in self._files:
            raise KeyError(f"no asset {name}")
        return self.prefix + name

    def transferred(self, names: Iterable[str] = FIRST_VISIT) -> int:
        """The bytes a browser accepting gzip downloads for these assets: by default, a first visit's."""
        return sum(
            len(asset.compressed if asset.compressed is not None else asset.body)
            for asset in (self._files[name] for name in names)
        )

    def response(self, request: Request, version: str, name: str) -> Response:
        asset = self._files.get(name)
        if asset is None or not self.prefix.endswith(f"/{version}/"):
            return Response("Not found", status_code=404, media_type="text/plain")
        headers = {"cache-control": "public, max-age=31536000, immutable", "vary": "accept-encoding"}
        if asset.compressed is not None and "gzip" in request.headers.get("accept-encoding", ""):
            headers["content-encoding"] = "gzip"
            return Response(asset.compressed, media_type=asset.media_type, headers=headers)
        return Response(asset.body, media_type=asset.media_type, headers=headers)
