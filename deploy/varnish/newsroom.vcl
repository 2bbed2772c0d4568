vcl 4.1;
# Newsroom's edge cache, for Varnish 7 with vmod_xkey (Debian: varnish, varnish-modules). docs/DEPLOYMENT.md has the
# topology, docs/CACHING.md ("The edge") the why.
#
# What is kept, and for how long, is the app's decision (articles/pagecache/edge.py): a page carrying
# Surrogate-Control is kept for its max-age, served for stale-if-error more seconds while every app server is down,
# labelled with its Surrogate-Key keys, and dropped at once when the app purges one of them after a write. Anything
# else goes to the app every time: editors, the admin, previews and share links, searches, errors.
#
# The app servers, their director `app` and the `purgers` allowed to purge are this deployment's: backends.vcl, found
# on vcl_path. deploy/varnish/backends.vcl is the example (two instances on this machine); a deployment writes its own
# in a folder of its own and starts varnishd with `-p vcl_path=<that folder>`.

import directors;
import std;
import xkey;

# Every app server is asked for /healthz each second; three failures out of the last five and it is left alone until
# it answers again. backends.vcl gives it to each backend with `.probe = healthz;`.
probe healthz {
    .url = "/healthz";
    .interval = 1s;
    .timeout = 1s;
    .window = 5;
    .threshold = 3;
    .initial = 3;
}

include "backends.vcl";

sub vcl_recv {
    set req.backend_hint = app.backend();

    # After a write, the app sends `PURGE /` with the keys in `xkey-purge`: every page labelled with one is dropped.
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge)));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # An editor (Django's session cookie, SESSION_COOKIE_NAME) always reaches the app and is never served a copy.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=" || req.http.Authorization) {
        return (pass);
    }
    # The admin, CKEditor and previews (/xem-truoc/, share links included) are the app's every time, whoever asks.
    if (req.url ~ "^/(admin|ckeditor|xem-truoc)(/|$)") {
        return (pass);
    }

    # Tracking parameters (Zalo, Facebook, Google, newsletters…) say nothing about the page: out of the cache key and
    # of what the app sees. Then the same parameters in any order are one page.
    set req.url = regsuball(req.url, "([?&])(utm_[a-z0-9_]*|fbclid|gclid|gbraid|wbraid|dclid|msclkid|zarsrc|gidzl|igshid|mc_cid|mc_eid|_ga|yclid|ttclid)(=[^&]*)?(?=&|$)", "\1");
    set req.url = regsuball(req.url, "([?&])&+", "\1");
    set req.url = regsub(req.url, "[?&]+$", "");
    set req.url = std.querysort(req.url);
    # Readers' other cookies (analytics, consent, a csrftoken from the login page) must not split or skip the cache.
    unset req.http.Cookie;

    # A stale copy only while no app server answers: otherwise the reader waits for the fresh page.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 0s;
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.Host) {
        hash_data(req.http.Host);
    } else {
        hash_data(server.ip);
    }
    # Pages print absolute URLs: the http and https copies differ (set by the TLS terminator in front).
    hash_data(req.http.X-Forwarded-Proto);
    return (lookup);
}

sub vcl_backend_fetch {
    # No conditional fetch for the cache: a 304 would keep the old copy's lifetime (Surrogate-Control), which may
    # reach past a scheduled change the app knows of now.
    if (!bereq.uncacheable) {
        unset bereq.http.If-None-Match;
        unset bereq.http.If-Modified-Since;
    }
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    # A page the app labelled (both headers: a page it could not say the keys of could never be purged).
    if (beresp.status == 200 && beresp.http.Surrogate-Control ~ "max-age=[0-9]+" && beresp.http.Surrogate-Key
        && !beresp.http.Set-Cookie) {
        set beresp.ttl = std.duration(regsub(beresp.http.Surrogate-Control, "^.*max-age=([0-9]+).*$", "\1s"), 0s);
        set beresp.grace = std.duration(regsub(beresp.http.Surrogate-Control, "^.*stale-if-error=([0-9]+).*$", "\1s"), 0s);
        set beresp.keep = 0s;
        set beresp.http.xkey = beresp.http.Surrogate-Key;
        unset beresp.http.Surrogate-Control;
        unset beresp.http.Surrogate-Key;
        return (deliver);
    }
    # Static files (hashed names) and uploaded photos (random names) keep the lifetime their Cache-Control gives.
    if (beresp.status == 200 && bereq.url ~ "^/(static|media)/" && beresp.http.Cache-Control ~ "public" && !beresp.http.Set-Cookie) {
        return (deliver);
    }
    # Everything else is the app's to answer every time. Remembered as such for a little while, so that requests for it
    # do not wait for one another.
    set beresp.uncacheable = true;
    set beresp.ttl = 10s;
    set beresp.grace = 0s;
    return (deliver);
}

sub vcl_backend_error {
    # No app server answered and there is no copy to fall back on.
    set beresp.reason = "Service Unavailable";
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Cache-Control = "no-store";
    set beresp.http.Retry-After = "30";
    set beresp.uncacheable = true;
    set beresp.ttl = 0s;
    set beresp.grace = 0s;
    synthetic({"<!doctype html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>Tạm thời gián đoạn</title>
</head>
<body>
  <main style="max-width: 40rem; margin: 3rem auto; padding: 0 1rem; font-family: sans-serif; line-height: 1.5">
    <h1>Trang tạm thời gián đoạn</h1>
    <p>Hệ thống đang bảo trì hoặc gặp sự cố và sẽ sớm hoạt động trở lại. Mời bạn tải lại trang sau ít phút.</p>
    <p><a href="/">Về trang chủ</a></p>
    <p>Mã yêu cầu: <code>"} + bereq.xid + {"</code></p>
  </main>
</body>
</html>
"});
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.xkey;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
    # hit or miss, for people checking the cache (and its tests): not a secret.
    if (obj.uncacheable) {
        set resp.http.X-Cache = "pass";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
