"""The browser suite: a real headless Chromium (Debian's chromium + chromium-driver, driven by Selenium) against a
real nginx configured with the README's recipe (deploy/nginx/authd-spa.conf), TLS from a throwaway CA, in front of
a running authd whose cookie listener is AUTHD_SOCKET. Prints one JSON report: {"checks": N, "failures": [...]}.

argv: REPO_ROOT AUTHD_SOCKET WORK_DIR
The authd behind the socket has users alice (password "pw", no groups) and root (password "pw", group admin), a
short ACCESS_TOKEN_LIFETIME, forward_auth headers X-Auth-Email/X-Auth-Groups and a rule for /app/admin/.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time

repo, authd_socket, work = sys.argv[1], sys.argv[2], sys.argv[3]
failures, checks = [], [0]


def check(condition, message):
    checks[0] += 1
    if not condition:
        failures.append(message)
    return condition


def run(*command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- A throwaway CA and one certificate for both test sites ------------------------------------------------------
tls = os.path.join(work, "tls")
os.makedirs(tls)
ca_key, ca_pem = os.path.join(tls, "ca.key"), os.path.join(tls, "ca.pem")
run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
    "-subj", "/CN=authd test CA", "-keyout", ca_key, "-out", ca_pem,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
site_key, site_csr, site_pem = (os.path.join(tls, n) for n in ("site.key", "site.csr", "site.pem"))
run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=app.localhost",
    "-keyout", site_key, "-out", site_csr)
extensions = os.path.join(tls, "site.ext")
with open(extensions, "w") as f:
    f.write("subjectAltName=DNS:app.localhost,DNS:evil.localhost\nextendedKeyUsage=serverAuth\n")
run("openssl", "x509", "-req", "-in", site_csr, "-CA", ca_pem, "-CAkey", ca_key, "-CAcreateserial", "-days", "2",
    "-extfile", extensions, "-out", site_pem)

# Chromium trusts the CA through the NSS database in its HOME (nothing is installed system-wide).
home = os.path.join(work, "home")
nssdb = os.path.join(home, ".pki", "nssdb")
os.makedirs(nssdb)
run("certutil", "-N", "-d", "sql:" + nssdb, "--empty-password")
run("certutil", "-A", "-d", "sql:" + nssdb, "-n", "authd-test-ca", "-t", "C,,", "-i", ca_pem)

# --- nginx: the README recipe as it is, plus a second origin and a tiny upstream app -----------------------------
https_port, app_port = free_port(), free_port()
origin = "https://app.localhost:%d" % https_port
evil_origin = "https://evil.localhost:%d" % https_port
spa_root, evil_root = os.path.join(work, "spa"), os.path.join(work, "evil")
shutil.copytree(os.path.join(repo, "Tests/DaemonTests/Interop/spa"), spa_root)
shutil.copy(os.path.join(repo, "deploy/spa/authd-client.js"), spa_root)
shutil.copytree(os.path.join(repo, "Tests/DaemonTests/Interop/evil"), evil_root)
evil_page = os.path.join(evil_root, "index.html")
with open(evil_page) as f:
    text = f.read()
with open(evil_page, "w") as f:
    f.write(text.replace("@APP_ORIGIN@", origin))

with open(os.path.join(repo, "deploy/nginx/authd-spa.conf")) as f:
    recipe = f.read()
for name, value in {
    "SERVER_NAME": "app.localhost", "HTTPS_PORT": str(https_port), "TLS_CERT": site_pem, "TLS_KEY": site_key,
    "SPA_ROOT": spa_root, "AUTHD_SOCKET": authd_socket, "APP_UPSTREAM": "http://127.0.0.1:%d" % app_port,
}.items():
    recipe = recipe.replace("@%s@" % name, value)
check(all("@" not in line for line in recipe.splitlines() if not line.lstrip().startswith("#")),
      "every placeholder of the recipe is filled")
nginx_dir = os.path.join(work, "nginx")
os.makedirs(nginx_dir)
with open(os.path.join(nginx_dir, "authd-spa.conf"), "w") as f:
    f.write(recipe)
user = "user root;\n" if os.geteuid() == 0 else ""
with open(os.path.join(nginx_dir, "nginx.conf"), "w") as f:
    f.write("""%(user)sworker_processes 1;
daemon off;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log warn;
events { worker_connections 256; }
http {
    access_log %(d)s/access.log;
    client_body_temp_path %(d)s/client_body;
    proxy_temp_path %(d)s/proxy;
    fastcgi_temp_path %(d)s/fastcgi;
    uwsgi_temp_path %(d)s/uwsgi;
    scgi_temp_path %(d)s/scgi;
    include %(d)s/authd-spa.conf;
    # A second origin on the same port: another site that must not be able to use the first one's session.
    server {
        listen %(port)d ssl;
        server_name evil.localhost;
        ssl_certificate %(cert)s;
        ssl_certificate_key %(key)s;
        root %(evil)s;
    }
    # The protected application: shows what nginx passed it.
    server {
        listen 127.0.0.1:%(app)d;
        location / {
            default_type application/json;
            return 200 '{"user":"$http_x_auth_user_id","email":"$http_x_auth_email","groups":"$http_x_auth_groups","uri":"$request_uri"}';
        }
    }
}
""" % {"user": user, "d": nginx_dir, "port": https_port, "cert": site_pem, "key": site_key, "evil": evil_root,
       "app": app_port})
nginx = subprocess.Popen(["nginx", "-p", nginx_dir, "-c", os.path.join(nginx_dir, "nginx.conf")],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
driver = None
try:
    deadline = time.time() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            break
        except OSError:
            if nginx.poll() is not None or time.time() > deadline:
                raise SystemExit("nginx did not start: %s" % nginx.stdout.read().decode())
            time.sleep(0.05)

    # --- Chromium ------------------------------------------------------------------------------------------------
    os.environ["HOME"] = home
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--user-data-dir=" + os.path.join(work, "profile"), "--no-first-run",
                 "--host-resolver-rules=MAP app.localhost 127.0.0.1, MAP evil.localhost 127.0.0.1"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(20)

    def js(script, *args):
        """Runs an async snippet; `done(value)` ends it."""
        return driver.execute_async_script("const done = arguments[arguments.length - 1];\n" + script, *args)

    def all_cookies():
        return {c["name"]: c for c in driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]}

    def app_get(path):
        return js("fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text().then(t => done([r.status, t])))"
                  ".catch(e => done([0, String(e)]));", path)

    driver.get(origin + "/")
    check(driver.title == "authd test app", "the SPA loads over TLS from the test CA: %r" % driver.title)
    js("authd.autoRefresh = false; done();")

    # Login sets HttpOnly, Secure, SameSite=Lax cookies; JavaScript sees only the CSRF cookie.
    login = js("authd.login('alice', 'pw').then(done);")
    check(login["status"] == 200, "login: %r" % login)
    check(set(login["body"]) == {"access_expires", "refresh_expires"}, "login body has no token: %r" % login["body"])
    cookies = all_cookies()
    access, refresh, csrf = (cookies.get(n) for n in ("__Host-authd_access", "__Secure-authd_refresh", "authd_csrf"))
    if check(access and refresh and csrf, "three cookies after login: %r" % list(cookies)):
        check(access["httpOnly"] and access["secure"] and access["sameSite"] == "Lax" and access["path"] == "/",
              "access cookie attributes: %r" % access)
        check(refresh["httpOnly"] and refresh["secure"] and refresh["path"] == "/api/token", "refresh cookie: %r" % refresh)
        check(not csrf["httpOnly"] and csrf["secure"] and csrf["path"] == "/", "CSRF cookie: %r" % csrf)
        check(access["domain"] == "app.localhost" and not access["domain"].startswith("."), "host-only: %r" % access)
    document_cookie = driver.execute_script("return document.cookie;")
    check(document_cookie.startswith("authd_csrf=") and ";" not in document_cookie,
          "document.cookie shows only the CSRF cookie: %r" % document_cookie)

    # The protected location loads through auth_request and receives the mapped headers.
    status, body = app_get("/app/whoami")
    check(status == 200, "/app/ through auth_request: %r %r" % (status, body))
    if status == 200:
        seen = json.loads(body)
        check(seen["user"] == "1" and seen["email"] == "alice@example.com" and seen["groups"] == "",
              "mapped headers reach the app: %r" % seen)
    status, body = app_get("/app/admin/")
    check(status == 403, "a rule-protected path answers 403 for a user without the claim: %r" % status)
    spoofed = js("fetch('/app/whoami', {headers: {'X-Auth-User-Id': '99'}}).then(r => r.json()).then(done);")
    check(spoofed["user"] == "1", "a client cannot send X-Auth-User-Id itself: %r" % spoofed)

    # After the access cookie expires, /app/ answers 401; a refresh from JavaScript with the CSRF header rotates.
    deadline = time.time() + 15
    while app_get("/app/whoami")[0] != 401 and time.time() < deadline:
        time.sleep(0.2)
    check(app_get("/app/whoami")[0] == 401, "/app/ answers 401 once the access cookie has expired")
    old_refresh, old_csrf = all_cookies()["__Secure-authd_refresh"]["value"], all_cookies()["authd_csrf"]["value"]
    refreshed = js("authd.refresh().then(done);")
    check(refreshed["status"] == 200, "refresh with the CSRF header: %r" % refreshed)
    rotated = all_cookies()
    check(rotated["__Secure-authd_refresh"]["value"] != old_refresh, "the refresh token rotated")
    check(rotated["authd_csrf"]["value"] != old_csrf, "the CSRF token follows the new session")
    check(app_get("/app/whoami")[0] == 200, "/app/ works again after the refresh")
    without = js("fetch('/api/token/refresh/', {method: 'POST'}).then(r => r.json().then(b => done([r.status, b])));")
    check(without[0] == 403 and without[1]["detail"] == "CSRF Failed: CSRF token missing.",
          "a refresh without the CSRF header is refused: %r" % (without,))

    # A page on a second origin can neither refresh nor log out nor read a response.
    session = all_cookies()["__Secure-authd_refresh"]["value"]
    driver.get(evil_origin + "/")
    check(driver.title == "another origin", "the second origin loads: %r" % driver.title)
    for path in ("/api/token/refresh/", "/api/token/blacklist/"):
        read = js("fetch(arguments[0], {method: 'POST', credentials: 'include'})"
                  ".then(r => r.text().then(t => done('read ' + r.status + ' ' + t))).catch(e => done('blocked: ' + e));",
                  origin + path)
        check(read.startswith("blocked"), "CORS keeps the other origin from reading %s: %r" % (path, read))
        forged = js("fetch(arguments[0], {method: 'POST', credentials: 'include', headers: {'X-CSRFToken': 'guess'}})"
                    ".then(r => done('sent ' + r.status)).catch(e => done('blocked: ' + e));", origin + path)
        check(forged.startswith("blocked"), "the preflight of a request with a CSRF header fails: %r" % forged)
    for form in ("refresh", "logout"):
        driver.get(evil_origin + "/")
        driver.execute_script("document.getElementById(arguments[0]).submit();", form)
        deadline = time.time() + 10
        while "CSRF Failed" not in driver.page_source and time.time() < deadline:
            time.sleep(0.1)
        check("CSRF Failed: Origin checking failed - %s does not match any trusted origins." % evil_origin
              in driver.page_source, "a form posted from the other origin is refused (403): %s" % driver.page_source[:300])
    driver.get(origin + "/")
    check(all_cookies().get("__Secure-authd_refresh", {}).get("value") == session,
          "the session survived the other origin's attempts (neither rotated nor cleared)")

    # Logout clears every cookie; the protected location then answers 401.
    js("authd.autoRefresh = false; done();")
    out = js("authd.logout().then(done);")
    check(out["status"] == 200, "logout: %r" % out)
    left = [n for n in all_cookies() if n.startswith(("__Host-authd", "__Secure-authd", "authd_"))]
    check(left == [], "logout cleared the cookies: %r" % left)
    check(app_get("/app/whoami")[0] == 401, "/app/ answers 401 after logout")

    # A user with the claim passes the rule.
    root = js("authd.login('root', 'pw').then(done);")
    check(root["status"] == 200, "second login: %r" % root)
    status, body = app_get("/app/admin/")
    check(status == 200 and json.loads(body)["groups"] == "admin", "a user in the group passes the rule: %r %r" % (status, body))
finally:
    if driver is not None:
        driver.quit()
    nginx.terminate()
    nginx.wait(timeout=10)

print(json.dumps({"checks": checks[0], "failures": failures}))
