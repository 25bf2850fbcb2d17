-- A fixed JSON POST (sign-in): the body and headers come from the environment so this
-- file holds no secrets. Static request: wrk builds it once per thread.
wrk.method = "POST"
wrk.body = os.getenv("GH_BENCH_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = os.getenv("GH_BENCH_AUTH")
