"""Plays systemd for one authd: passes a listening TCP socket as fd 3 (LISTEN_FDS/LISTEN_PID), receives the
sd_notify datagrams on NOTIFY_SOCKET, checks the API on the passed socket, stops authd with SIGTERM.
argv: AUTHD_BINARY CONFIG NOTIFY_SOCKET_PATH (in the test's temporary directory); prints one JSON report."""
import json, os, signal, socket, sys, urllib.request

binary, config, notify_path = sys.argv[1], sys.argv[2], sys.argv[3]
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(128)
port = listener.getsockname()[1]

notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(notify_path)
notify.settimeout(15)

pid = os.fork()
if pid == 0:
    os.dup2(listener.fileno(), 3)
    os.set_inheritable(3, True)
    env = dict(os.environ, LISTEN_FDS="1", LISTEN_PID=str(os.getpid()), NOTIFY_SOCKET=notify_path)
    os.execve(binary, [binary, "serve", "--config", config], env)

report = {"port": port}
report["first_notify"] = notify.recv(4096).decode()
with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % port, timeout=10) as response:
    report["healthz"] = response.status
os.kill(pid, signal.SIGTERM)
report["second_notify"] = notify.recv(4096).decode()
_, status = os.waitpid(pid, 0)
report["exit_code"] = os.waitstatus_to_exitcode(status)
print(json.dumps(report))
