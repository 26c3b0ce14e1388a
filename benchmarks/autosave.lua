-- wrk script: POST the same answer to an attempt's autosave endpoint (form + JSON reply).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.body = os.getenv("BENCH_BODY")
