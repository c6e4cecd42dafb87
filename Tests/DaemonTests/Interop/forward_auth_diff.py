"""Differential check of forward auth: the same requests against a real Django view protected by SimpleJWT 5.5.1's
JWTAuthentication (DRF's IsAuthenticated) and against authd's GET /api/token/auth/. Prints one JSON report:
{"cases": [{"case": …, "django": [status, body, www], "authd": [status, body, www]}, …]}.

argv: AUTHD_BASE_URL SIGNING_KEY_FILE ACCESS_TOKEN REFRESH_TOKEN
authd's users: alice (id 1, active), sleepy (id 2, inactive); the Django app gets the same.
"""
import json
import sys
import time
import urllib.error
import urllib.request

base_url, key_file, access, refresh = sys.argv[1:5]
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
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "rest_framework_simplejwt"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    USE_TZ=True,
    REST_FRAMEWORK={
        "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework_simplejwt.authentication.JWTAuthentication"],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    },
    SIMPLE_JWT={"SIGNING_KEY": key, "ALGORITHM": "HS256"},
)
django.setup()

import jwt
from django.core.management import call_command
from django.contrib.auth import get_user_model
from django.urls import path
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView


class Protected(APIView):
    def get(self, request):
        return Response({"user": request.user.pk})


urlpatterns = [path("protected/", Protected.as_view())]
call_command("migrate", verbosity=0)
User = get_user_model()
User.objects.create_user("alice", password="pw")
User.objects.create_user("sleepy", password="pw", is_active=False)

now = int(time.time())


def mint(**changes):
    claims = {"token_type": "access", "exp": now + 300, "iat": now, "jti": "0123456789abcdef0123456789abcdef",
              "user_id": "1"}
    for name, value in changes.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return jwt.encode(claims, key, algorithm="HS256")


cases = [
    ("no header", {}),
    ("empty header", {"Authorization": ""}),
    ("other scheme", {"Authorization": "Basic YWxpY2U6cHc="}),
    ("lower-case keyword", {"Authorization": "bearer " + access}),
    ("keyword only", {"Authorization": "Bearer"}),
    ("three values", {"Authorization": "Bearer %s extra" % access}),
    ("valid", {"Authorization": "Bearer " + access}),
    ("extra whitespace", {"Authorization": "Bearer   %s " % access}),
    ("garbage", {"Authorization": "Bearer garbage"}),
    ("bad signature", {"Authorization": "Bearer " + access[:-2] + ("AA" if not access.endswith("AA") else "BB")}),
    ("refresh token", {"Authorization": "Bearer " + refresh}),
    ("expired", {"Authorization": "Bearer " + mint(exp=now - 60)}),
    ("no type", {"Authorization": "Bearer " + mint(token_type=None)}),
    ("sliding type", {"Authorization": "Bearer " + mint(token_type="sliding")}),
    ("no jti", {"Authorization": "Bearer " + mint(jti=None)}),
    ("no exp", {"Authorization": "Bearer " + mint(exp=None)}),
    ("no user id", {"Authorization": "Bearer " + mint(user_id=None)}),
    ("unknown user", {"Authorization": "Bearer " + mint(user_id="42")}),
    ("integer user id", {"Authorization": "Bearer " + mint(user_id=1)}),
    ("inactive user", {"Authorization": "Bearer " + mint(user_id="2")}),
    ("wrong key", {"Authorization": "Bearer " + jwt.encode({"token_type": "access", "exp": now + 60, "jti": "x",
                                                             "user_id": "1"}, "another key entirely, 32 bytes!!",
                                                            algorithm="HS256")}),
]

client = APIClient()
report = []
for name, headers in cases:
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    response = client.get("/protected/", **meta)
    django_answer = [response.status_code, response.content.decode() if response.status_code != 200 else "",
                     response.headers.get("WWW-Authenticate")]
    request = urllib.request.Request(base_url + "/api/token/auth/", headers=headers)
    try:
        with urllib.request.urlopen(request) as answer:
            authd_answer = [answer.status, "", answer.headers.get("WWW-Authenticate")]
    except urllib.error.HTTPError as e:
        authd_answer = [e.code, e.read().decode(), e.headers.get("WWW-Authenticate")]
    report.append({"case": name, "django": django_answer, "authd": authd_answer})
print(json.dumps({"cases": report}))
