-- A trusted page's credentialed JSON POST as a browser sends it after its preflight; the Origin comes from `wrk -H`.
wrk.method = "POST"
wrk.body = '{"amount": 100}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Sec-Fetch-Site"] = "cross-site"
