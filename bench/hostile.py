#!/usr/bin/env python3
"""Hostile-client benchmark for authd (issue 10): bench/hostile.py [--quick] [slow silent wrong-password logout]

Starts the release binary (.build/release/authd; build it with `swift build -c release`) with its own temporary
settings on loopback, and measures, each load bounded in time and connections:
  1. slow readers: N connections pipeline OPTIONS requests and never read; authd's RSS before and after, and
     whether verify over the Unix socket and from a second address (127.0.0.2) still answers;
  2. silent connections: N connections that send nothing; verify over the Unix socket and from 127.0.0.2 during
     the flood, and how many silent connections are still held after the request timeout;
  3. a wrong-password flood (8 connections, throttling off so the hashing pool is what is tested): how many of a
     second client's correct logins succeed;
  4. verify p99 over the Unix socket alone, then during a logout storm over TCP (`authd bench`).
Prints a Markdown table. Everything it starts is stopped on exit. Loopback only.
"""
import json, os, resource, selectors, shutil, signal, socket, subprocess, sys, tempfile, threading, time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AUTHD = os.environ.get("AUTHD", os.path.join(REPO, ".build/release/authd"))
QUICK = "--quick" in sys.argv
N = 2000 if QUICK else 10000
BASE_PORT = int(os.environ.get("BASE_PORT", "18300"))
PORT = BASE_PORT
rows = []


def log(text):
    print("hostile: " + text, file=sys.stderr, flush=True)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Daemon:
    def __init__(self, work, security, hasher="iterations: 1500000"):
        self.work = work
        self.sock = os.path.join(work, "authd.sock")
        key = os.path.join(work, "signing.key")
        if not os.path.exists(key):
            subprocess.run([AUTHD, "keys", "generate", "--algorithm", "HS256", "--out", key], check=True,
                           stdout=subprocess.DEVNULL)
        self.config = os.path.join(work, "authd.yaml")
        with open(self.config, "w") as f:
            f.write(f"""SIMPLE_JWT:
  SIGNING_KEY_FILE: {key}
  BLACKLIST_AFTER_ROTATION: true
  ACCESS_TOKEN_LIFETIME: 1h
listen:
  - tcp: 127.0.0.1:{PORT}
  - unix: {self.sock}
store:
  sqlite: {work}/authd.sqlite3
passwords:
  {hasher}
logging:
  level: warning
security:
{security}
""")
        self.process = subprocess.Popen([AUTHD, "serve", "--config", self.config], stderr=subprocess.PIPE)
        subprocess.run([AUTHD, "bench", "wait-ready", "--tcp", f"127.0.0.1:{PORT}", "--timeout", "20s"], check=True,
                       stdout=subprocess.DEVNULL)

    def cli(self, *args, stdin=None):
        return subprocess.run([AUTHD, *args, "--config", self.config], input=stdin, capture_output=True, text=True)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def request(address, method, path, body=None, source=None, timeout=10):
    if isinstance(address, str):
        s = socket.socket(socket.AF_UNIX)
    else:
        s = socket.socket()
        if source:
            s.bind((source, 0))
    s.settimeout(timeout)
    t0 = time.monotonic()
    try:
        s.connect(address)
        data = body.encode() if body else b""
        head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        s.sendall(head.encode() + b"\r\n" + data)
        reply = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
        status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0
        return status, reply.split(b"\r\n\r\n", 1)[-1], (time.monotonic() - t0) * 1000
    except OSError:
        return 0, b"", (time.monotonic() - t0) * 1000
    finally:
        s.close()


def login(d, user, password, address=None, source=None):
    return request(address or ("127.0.0.1", PORT), "POST", "/api/token/",
                   json.dumps({"username": user, "password": password}), source=source)


def verify_checks(d, access):
    body = json.dumps({"token": access})
    unix = request(d.sock, "POST", "/api/token/verify/", body)
    second = request(("127.0.0.1", PORT), "POST", "/api/token/verify/", body, source="127.0.0.2")
    return unix, second


def open_flood(count, payload=b""):
    flood = []
    for _ in range(count):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect_ex(("127.0.0.1", PORT))
        except OSError:
            s.close()
            continue
        flood.append(s)
    time.sleep(0.5)
    if payload:
        for s in flood:
            try:
                s.send(payload)
            except OSError:
                pass
    return flood


def alive(flood):
    """How many flood connections the daemon still holds open (reads what it sent; EOF or reset: closed)."""
    count = 0
    for s in flood:
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    break
        except BlockingIOError:
            count += 1
        except OSError:
            pass
    return count


def scenario_slow_readers(work):
    for requests in (100, 1600):
        slow_readers(work, requests)


def slow_readers(work, requests):
    d = Daemon(work, f"  max_connections: {N + 1000}\n  max_connections_per_address: {N + 1000}")
    try:
        d.cli("user", "add", "ada", "--password-stdin", stdin="pw\n")
        access = access_token(d)
        before = rss_mb(d.process.pid)
        payload = b"OPTIONS /api/token/ HTTP/1.1\r\nHost: x\r\n\r\n" * requests   # about 1 KiB of answer each, never read
        flood = open_flood(N, payload)
        time.sleep(5)
        during = rss_mb(d.process.pid)
        unix, second = verify_checks(d, access)
        held = alive(flood)
        for s in flood:
            s.close()
        rows.append((f"{N:,} slow readers ({requests:,} pipelined OPTIONS each, never read)",
                     f"RSS {before:.0f} → {during:.0f} MB",
                     f"verify unix {unix[0]} ({unix[2]:.1f} ms), 127.0.0.2 {second[0]} ({second[2]:.1f} ms); "
                     f"{held:,} connections still open"))
    finally:
        d.stop()


def scenario_silent(work):
    d = Daemon(work, "  request_timeout: 10s")
    try:
        d.cli("user", "add", "ada", "--password-stdin", stdin="pw\n")
        access = access_token(d)
        flood = open_flood(N)
        unix, second = verify_checks(d, access)
        time.sleep(12)
        held = alive(flood)
        for s in flood:
            s.close()
        rows.append((f"{N:,} silent connections from 127.0.0.1 (defaults)",
                     f"verify unix {unix[0]} ({unix[2]:.1f} ms), 127.0.0.2 {second[0]} ({second[2]:.1f} ms)",
                     f"{held:,} still held after 12 s (request timeout 10 s; per-address cap 1,000)"))
    finally:
        d.stop()


def scenario_login_flood(work):
    d = Daemon(work, "  login_throttle:\n    enabled: false",
               hasher=f"iterations: {os.environ.get('FLOOD_ITERATIONS', '1500000')}")
    try:
        d.cli("user", "add", "victim", "--password-stdin", stdin="pw\n")
        d.cli("user", "add", "ada", "--password-stdin", stdin="pw\n")
        stop = threading.Event()
        flood_answers = {}

        def attacker():
            while not stop.is_set():
                status = login(d, "victim", "wrong")[0]
                flood_answers[status] = flood_answers.get(status, 0) + 1
        threads = [threading.Thread(target=attacker) for _ in range(8)]
        for t in threads:
            t.start()
        time.sleep(1)
        answers = [login(d, "ada", "pw", source="127.0.0.2")[0] for _ in range(20)]
        stop.set()
        for t in threads:
            t.join()
        rows.append(("wrong-password flood (8 connections, throttling off) vs a second client's 20 logins",
                     f"{answers.count(200)}/20 succeeded ({answers.count(503)} × 503)",
                     "flood answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(flood_answers.items()))))
    finally:
        d.stop()


def summary(text):
    """`authd bench`'s machine-readable line, shortened: rps, p50, p99, errors."""
    for line in text.splitlines():
        if line.startswith("result:"):
            fields = dict(item.split("=", 1) for item in line.split()[1:])
            return f"{float(fields['rps']):,.0f} req/s, p50 {fields['p50_ms']} ms, p99 {fields['p99_ms']} ms, errors {fields['errors']}"
    return text.strip()


def bench(args):
    out = subprocess.run([AUTHD, "bench", *args], capture_output=True, text=True)
    return summary(out.stdout + out.stderr)


def scenario_logout_storm(work):
    d = Daemon(work, "  request_timeout: 10s", hasher="iterations: 1000")
    try:
        d.cli("user", "add", "ada", "--password-stdin", stdin="pw\n")
        access = access_token(d)
        tokens = os.path.join(work, "refresh.txt")
        subprocess.run([AUTHD, "bench", "mint-refresh", "--config", d.config, "--user", "ada", "--count", "200000",
                        "--out", tokens], check=True, stdout=subprocess.DEVNULL)
        verify = ["--unix", d.sock, "--method", "POST", "--path", "/api/token/verify/", "--body",
                  json.dumps({"token": access}), "--connections", "16", "--duration", "8s"]
        alone = bench(verify)
        storm = subprocess.Popen([AUTHD, "bench", "--tcp", f"127.0.0.1:{PORT}", "--method", "POST", "--path",
                                  "/api/token/blacklist/", "--bodies", tokens, "--connections", "32", "--duration", "10s"],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(1)
        during = bench(verify)
        storm_out = summary(storm.communicate()[0])
        rows.append(("verify (Unix socket, 16 connections) alone", alone, ""))
        rows.append(("verify during a logout storm (32 connections of POST /blacklist/ over TCP)", during,
                     "storm: " + storm_out))
    finally:
        d.stop()


def access_token(d):
    status, body, _ = login(d, "ada", "pw")
    if status != 200:
        sys.exit(f"login failed before the scenario: {status} {body!r}")
    return json.loads(body)["access"]


def main():
    global PORT
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, N * 2 + 1000)), hard))
    if not os.path.exists(AUTHD):
        sys.exit(f"{AUTHD} is missing: run `swift build -c release` first")
    print("| scenario | result | notes |\n|---|---|---|", flush=True)
    scenarios = [("slow readers", scenario_slow_readers), ("silent connections", scenario_silent),
                 ("wrong-password flood", scenario_login_flood), ("logout storm", scenario_logout_storm)]
    only = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    for index, (name, run) in enumerate(scenarios):
        if only and name.split()[0] not in only:
            continue
        PORT = BASE_PORT + index   # a fresh port each: the last scenario's flood may still be closing
        work = tempfile.mkdtemp(prefix="authd-hostile.")
        log(name)
        try:
            run(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        while rows:
            print("| " + " | ".join(cell.replace("|", "/").replace("\n", " ") for cell in rows.pop(0)) + " |", flush=True)


if __name__ == "__main__":
    main()
