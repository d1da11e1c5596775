"""Several hosts on one machine: N gunicorn instances (own ports, own instance folders), one
`flask jobs work` consumer and a real nginx round-robin over them, all on one database and
one Redis (deploy/README.md, "Several hosts"). Used by tests/multi and by hand for benches:

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/gt_bench \\
    REDIS_URL=redis://127.0.0.1:6379/13 SECRET_KEY=... \\
    .venv/bin/python tools/two_hosts.py [--instances 2] [--workers 2] [--seed-demo PW]

prints the nginx URL and each instance's, and runs until Ctrl-C. The database is migrated
first (`flask db upgrade`); --seed-demo adds the demo accounts (`flask demo seed`).
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

NGINX_CONF = """\
daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    client_max_body_size 9m;
    upstream grid_trainer {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location = /metrics {{
            return 404;
        }}
        location /static/ {{
            alias {static}/;
            expires 30d;
        }}
        location / {{
            proxy_pass http://grid_trainer;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
            proxy_read_timeout 75s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.path.exists(p)), None)


@dataclass
class Hosts:
    front: str  # nginx
    instances: list[str]  # each gunicorn, straight
    tmp: Path
    procs: list = field(default_factory=list)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()  # gunicorn: graceful; nginx and the consumer: fast
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_up(proc, url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except (URLError, OSError):
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{url} did not start: {log.read_text()[-2000:]}")


def start(env: dict, tmp: Path, instances: int = 2, workers: int = 2) -> Hosts:
    """Start the instances, the consumer and nginx on an already migrated database.
    ``env`` must name DATABASE_URL, REDIS_URL, SECRET_KEY and JOBS_FOLDER (shared)."""
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    hosts = Hosts(front="", instances=[], tmp=tmp)
    try:
        ports = []
        for n in range(instances):
            port, log = free_port(), tmp / f"gunicorn-{n}.log"
            proc = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                 "-w", str(workers), "-b", f"127.0.0.1:{port}", "wsgi:app"],
                cwd=ROOT, env={**env, "INSTANCE_PATH": str(tmp / f"instance-{n}")},
                stdout=subprocess.DEVNULL, stderr=log.open("w"))
            hosts.procs.append(proc)
            ports.append(port)
            hosts.instances.append(f"http://127.0.0.1:{port}")
        for n, (proc, base) in enumerate(zip(hosts.procs, hosts.instances, strict=True)):
            _wait_up(proc, base + "/healthz", tmp / f"gunicorn-{n}.log")
        hosts.procs.append(subprocess.Popen(
            [str(BIN / "flask"), "jobs", "work", "--workers", "1"], cwd=ROOT,
            env={**env, "INSTANCE_PATH": str(tmp / "instance-jobs")},
            stdout=subprocess.DEVNULL, stderr=(tmp / "consumer.log").open("w")))
        front_port = free_port()
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(
            tmp=tmp, port=front_port, static=ROOT / "trainer" / "static",
            servers="\n".join(f"        server 127.0.0.1:{p};" for p in ports)))
        log = tmp / "nginx.stderr"
        proc = subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf)],
                                stdout=subprocess.DEVNULL, stderr=log.open("w"))
        hosts.procs.append(proc)
        hosts.front = f"http://127.0.0.1:{front_port}"
        _wait_up(proc, hosts.front + "/healthz", log)
    except BaseException:
        hosts.stop()
        raise
    return hosts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers each")
    parser.add_argument("--seed-demo", metavar="PASSWORD")
    args = parser.parse_args()
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        if not os.environ.get(name):
            sys.exit(f"{name} must be set (the same for every instance)")
    tmp = Path(tempfile.mkdtemp(prefix="gt-hosts-"))
    env = {**os.environ, "FLASK_APP": "wsgi", "PROXY_COUNT": "1",
           "JOBS_FOLDER": os.environ.get("JOBS_FOLDER") or str(tmp / "shared-jobs")}
    env.setdefault("TRAINER_ENV", "development")  # plain-HTTP cookies on loopback
    subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True)
    if args.seed_demo:
        subprocess.run([str(BIN / "flask"), "demo", "seed", "--password", args.seed_demo],
                       cwd=ROOT, env=env, check=True)
    hosts = start(env, tmp, args.instances, args.workers)
    print(f"nginx: {hosts.front}", *(f"instance: {u}" for u in hosts.instances),
          f"logs: {tmp}", sep="\n", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        signal.pause()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        hosts.stop()


if __name__ == "__main__":
    main()
