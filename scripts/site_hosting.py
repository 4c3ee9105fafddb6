"""Publishing: the security policy (for _headers and nginx) and a real nginx to serve the build."""
from __future__ import annotations

import re
from pathlib import Path


# Material's assets carry a content hash in their names, so they never change.
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)$")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)


def inline_script_hashes(site: Path) -> list[str]:
    """sha256 of every inline script Material writes into the built pages
    (JSON data blocks are not scripts and need none)."""
    import base64
    import hashlib

    hashes = set()
    for page in site.rglob("*.html"):
        for attrs, body in INLINE_SCRIPT.findall(page.read_text(encoding="utf-8")):
            if "application/json" not in attrs and "application/ld+json" not in attrs:
                hashes.add(base64.b64encode(hashlib.sha256(body.encode()).digest()).decode())
    return sorted(hashes)


def security_headers(site: Path) -> dict[str, str]:
    """The headers every response carries, computed from the built site."""
    scripts = " ".join(f"'sha256-{h}'" for h in inline_script_hashes(site))
    csp = "; ".join([
        "default-src 'self'",
        f"script-src 'self' {scripts}",
        "style-src 'self'",
        "img-src 'self' data:",          # Material's icons are data: URIs in its CSS
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",             # the search worker
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])
    return {
        "Content-Security-Policy": csp,
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
        "X-Content-Type-Options": "nosniff",
        # Sends nothing, so other sites never learn which health page a reader came from.
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                              "accelerometer=(), gyroscope=(), magnetometer=(), browsing-topics=()",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def headers_file(site: Path) -> str:
    """Netlify and Cloudflare Pages `_headers`: the policy on every path, long
    caching for fingerprinted assets, revalidation for every page."""
    lines = ["# Generated at build time by scripts/site_tool.py headers: do not edit.", "/*"]
    lines += [f"  {name}: {value}" for name, value in security_headers(site).items()]
    for asset in sorted(site.rglob("*")):
        if FINGERPRINTED.search(asset.name):
            lines += [f"/{asset.relative_to(site).as_posix()}", f"  Cache-Control: {IMMUTABLE}"]
    for page in sorted(site.rglob("*.html")):
        path = "/" + page.relative_to(site).as_posix()
        lines += [path.removesuffix("index.html"), f"  Cache-Control: {REVALIDATE}"]
    return "\n".join(lines) + "\n"


# --- Serving the built site with nginx -----------------------------------------

def nginx_server_block(root: Path, listen: str, server_name: str = "localhost", base_path: str = "/",
                       site: Path | None = None) -> str:
    """An nginx server block that serves the built site with the same policy
    as _headers. `site` is the built folder (root itself, or root/<subpath>/
    for a site published under a subpath)."""
    base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    headers = security_headers(site or root)
    policy = "".join(f'    add_header {name} "{value}" always;\n' for name, value in headers.items())
    return f"""server {{
    listen {listen};
    server_name {server_name};
    root {root};
    server_tokens off;
    absolute_redirect off;
    error_page 404 {base}404.html;

    gzip on;
    gzip_comp_level 6;
    gzip_min_length 256;
    gzip_types text/css application/javascript application/json image/svg+xml text/xml application/xml text/plain;

    # Security policy, generated from the built pages (CSP script hashes).
{policy}    add_header Cache-Control "{REVALIDATE}" always;

    location / {{
        try_files $uri $uri/ =404;
    }}
    # Fingerprinted assets never change: cache them for a year. add_header in a
    # location replaces the server's, so the policy is repeated here. The
    # regex is quoted because nginx reads a bare brace as the start of a block.
    location ~ "\\.[0-9a-f]{{8}}\\.min\\.(js|css)$" {{
{policy.replace("    add_header", "        add_header")}        add_header Cache-Control "{IMMUTABLE}" always;
    }}
}}
"""


def nginx_config(root: Path, port: int, prefix: Path, base_path: str = "/") -> str:
    """A whole nginx.conf for running the server block on a loopback port
    (tests and benchmarks), with its temporary files under `prefix`."""
    import os

    root, prefix = Path(root).resolve(), Path(prefix).resolve()
    site = root / base_path.strip("/") if base_path.strip("/") else root
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{nginx_server_block(root, f"127.0.0.1:{port}", base_path=base_path, site=site)}}}
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Nginx:
    """A real nginx serving `root` on a free loopback port until stop()."""

    def __init__(self, root: Path, prefix: Path, base_path: str = "/", config: str | None = None,
                 port: int | None = None):
        import shutil
        import socket
        import subprocess
        import time

        self.port = port or free_port()
        prefix = Path(prefix)
        prefix.mkdir(parents=True, exist_ok=True)
        conf = prefix / "nginx.conf"
        conf.write_text(config or nginx_config(root, self.port, prefix, base_path))
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen(
            [binary, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}{base_path}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.process.stdout.read().decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start listening within 10 s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
