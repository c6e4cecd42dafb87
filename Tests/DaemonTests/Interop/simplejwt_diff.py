"""Differential check: one request sequence against a real Django + DRF + SimpleJWT 5.5.1 app (in-process,
through DRF's APIClient) and against a running authd (over HTTP). Prints one JSON report on stdout.

argv: AUTHD_BASE_URL SIGNING_KEY_FILE
"""
import base64
import json
import re
import sys
import urllib.error
import urllib.request

base_url, key_file = sys.argv[1], sys.argv[2]
with open(key_file) as f:
    key = f.read()
if key.endswith("\n"):
    key = key[:-1]

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="not-used-for-tokens",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "rest_framework",
        "rest_framework_simplejwt",
        "rest_framework_simplejwt.token_blacklist",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    USE_TZ=True,
    SIMPLE_JWT={
        "SIGNING_KEY": key,
        "ALGORITHM": "HS256",
        "ROTATE_REFRESH_TOKENS": True,
        "BLACKLIST_AFTER_ROTATION": True,
    },
)
django.setup()

from django.urls import path
from rest_framework_simplejwt import views

urlpatterns = [
    path("api/token/", views.TokenObtainPairView.as_view()),
    path("api/token/refresh/", views.TokenRefreshView.as_view()),
    path("api/token/verify/", views.TokenVerifyView.as_view()),
    path("api/token/blacklist/", views.TokenBlacklistView.as_view()),
    path("api/token/sliding/", views.TokenObtainSlidingView.as_view()),
    path("api/token/sliding/refresh/", views.TokenRefreshSlidingView.as_view()),
]

from django.core.management import call_command
from django.contrib.auth import get_user_model

call_command("migrate", verbosity=0)
User = get_user_model()
User.objects.create_user("alice", password="correct horse")  # id 1, as in authd
User.objects.create_user("sleepy", password="pw", is_active=False)

from rest_framework.test import APIClient

django_client = APIClient()

JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


def claims_of(token):
    payload = token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))


def normalise(body_text):
    """Replaces token strings by <jwt:TYPE:claim names> so two servers' answers compare."""
    try:
        body = json.loads(body_text)
    except ValueError:
        return body_text
    if isinstance(body, dict):
        for k, v in list(body.items()):
            if isinstance(v, str) and JWT.match(v):
                c = claims_of(v)
                body[k] = "<jwt:%s:%s>" % (c.get("token_type"), ",".join(sorted(c)))
    return json.dumps(body)


def call_django(method, path, body, content_type):
    kwargs = {}
    if body is not None:
        kwargs = {"data": body, "content_type": content_type}
    response = getattr(django_client, method.lower())(path, **kwargs)
    text = response.content.decode()
    return response.status_code, text, response.headers.get("WWW-Authenticate"), response.headers.get("Allow")


def call_authd(method, path, body, content_type):
    data = body.encode() if body is not None else None
    request = urllib.request.Request(base_url + path, data=data, method=method)
    if body is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request) as response:
            return (response.status, response.read().decode(), response.headers.get("WWW-Authenticate"),
                    response.headers.get("Allow"))
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), e.headers.get("WWW-Authenticate"), e.headers.get("Allow")


state = {"django": {}, "authd": {}}
JSON_T = "application/json"
FORM_T = "application/x-www-form-urlencoded"


def steps(s):
    """The request sequence; `s` holds tokens from earlier answers of the same server."""
    yield "obtain", "POST", "/api/token/", json.dumps({"username": "alice", "password": "correct horse"}), JSON_T, "pair"
    yield "obtain form", "POST", "/api/token/", "username=alice&password=correct+horse", FORM_T, None
    yield "obtain wrong password", "POST", "/api/token/", json.dumps({"username": "alice", "password": "nope"}), JSON_T, None
    yield "obtain unknown user", "POST", "/api/token/", json.dumps({"username": "bob", "password": "x"}), JSON_T, None
    yield "obtain inactive", "POST", "/api/token/", json.dumps({"username": "sleepy", "password": "pw"}), JSON_T, None
    yield "obtain empty", "POST", "/api/token/", "{}", JSON_T, None
    yield "obtain blank null", "POST", "/api/token/", json.dumps({"username": "", "password": None}), JSON_T, None
    yield "obtain number password", "POST", "/api/token/", json.dumps({"username": "alice", "password": 5}), JSON_T, None
    yield "obtain list", "POST", "/api/token/", "[]", JSON_T, None
    yield "obtain bad json", "POST", "/api/token/", "{\"username\": ", JSON_T, None
    yield "obtain text", "POST", "/api/token/", "hi", "text/plain", None
    yield "obtain GET", "GET", "/api/token/", None, None, None
    yield "verify access", "POST", "/api/token/verify/", json.dumps({"token": s["pair"]["access"]}), JSON_T, None
    yield "verify garbage", "POST", "/api/token/verify/", json.dumps({"token": "a.b.c"}), JSON_T, None
    yield "verify missing", "POST", "/api/token/verify/", json.dumps({}), JSON_T, None
    yield "refresh with access", "POST", "/api/token/refresh/", json.dumps({"refresh": s["pair"]["access"]}), JSON_T, None
    yield "refresh not a string", "POST", "/api/token/refresh/", json.dumps({"refresh": ["x"]}), JSON_T, None
    yield "refresh", "POST", "/api/token/refresh/", json.dumps({"refresh": s["pair"]["refresh"]}), JSON_T, "rotated"
    yield "refresh reused", "POST", "/api/token/refresh/", json.dumps({"refresh": s["pair"]["refresh"]}), JSON_T, None
    yield "verify blacklisted", "POST", "/api/token/verify/", json.dumps({"token": s["pair"]["refresh"]}), JSON_T, None
    yield "blacklist", "POST", "/api/token/blacklist/", json.dumps({"refresh": s["rotated"]["refresh"]}), JSON_T, None
    yield "blacklist again", "POST", "/api/token/blacklist/", json.dumps({"refresh": s["rotated"]["refresh"]}), JSON_T, None
    yield "sliding obtain", "POST", "/api/token/sliding/", json.dumps({"username": "alice", "password": "correct horse"}), JSON_T, "sliding"
    yield "sliding refresh", "POST", "/api/token/sliding/refresh/", json.dumps({"token": s["sliding"]["token"]}), JSON_T, None
    yield "sliding refresh with access", "POST", "/api/token/sliding/refresh/", json.dumps({"token": s["pair"]["access"]}), JSON_T, None


def run(server, call):
    results = []
    s = state[server]
    for name, method, path, body, ctype, keep in steps(s):
        status, text, www, allow = call(method, path, body, ctype)
        if keep and status == 200:
            s[keep] = json.loads(text)
        results.append({"step": name, "status": status, "body": normalise(text), "www": www, "allow": allow})
    return results


report = {"django": run("django", call_django), "authd": run("authd", call_authd)}

# Cross-acceptance: SimpleJWT's own token classes and authentication accept authd's tokens, and
# authd refreshes a refresh token that SimpleJWT minted.
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

authd_pair = state["authd"]["pair"]
cross = {}
cross["simplejwt_accepts_authd_access"] = AccessToken(authd_pair["access"]).payload.get("user_id")
cross["jwtauthentication_accepts_authd_access"] = JWTAuthentication().get_validated_token(
    authd_pair["access"].encode()).payload.get("token_type")
minted = RefreshToken.for_user(User.objects.get(username="alice"))
status, text, _, _ = call_authd("POST", "/api/token/refresh/", json.dumps({"refresh": str(minted)}), JSON_T)
cross["authd_refreshes_simplejwt_refresh_status"] = status
if status == 200:
    cross["authd_access_from_simplejwt_refresh_user"] = claims_of(json.loads(text)["access"]).get("user_id")
report["cross"] = cross
print(json.dumps(report))
