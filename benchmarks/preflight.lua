-- A CORS preflight as a browser sends it before a PUT with a JSON body; the Origin comes from `wrk -H`.
wrk.method = "OPTIONS"
wrk.headers["Access-Control-Request-Method"] = "PUT"
wrk.headers["Access-Control-Request-Headers"] = "content-type"
