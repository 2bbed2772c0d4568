# This deployment's app servers and who may purge, included by newsroom.vcl (found on vcl_path). This example is two
# app instances on the machine Varnish runs on (`varnishd -C -p vcl_path=deploy/varnish -f deploy/varnish/newsroom.vcl`
# compiles the pair); write your own from it, with your servers' addresses, in a folder of your own, and start varnishd
# with `-p vcl_path=<that folder>` (docs/DEPLOYMENT.md, "Varnish in front").
#
# The probe asks /healthz with the backend's .host as Host unless .host_header says otherwise: that name must be in
# DJANGO_ALLOWED_HOSTS.

backend app1 {
    .host = "127.0.0.1";
    .port = "8101";
    .probe = healthz;
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
}

backend app2 {
    .host = "127.0.0.1";
    .port = "8102";
    .probe = healthz;
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
}

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app1);
    app.add_backend(app2);
}

# The app servers (they purge after every write) and the operators' machines: nobody else may PURGE.
acl purgers {
    "127.0.0.1";
    "::1";
}
