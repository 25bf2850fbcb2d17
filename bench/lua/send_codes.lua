-- Email-code sends: each request asks for a code for a login id no request used before
-- (send-<run>-<thread>-<n>@bench.local, GH_BENCH_RUN unique per wrk run: without it the
-- sixth run of a harness reused ids five times mailed and met the per-address send limit),
-- so that limit never refuses one. The
-- server mails each (the development mailer of `make run`: a log line and the dev
-- mailbox). GH_BENCH_AUTH is the Authorization header (the project id).
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end

function init(args)
  sent = 0
  run = os.getenv("GH_BENCH_RUN") or "0"
  headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = os.getenv("GH_BENCH_AUTH"),
  }
end

function request()
  sent = sent + 1
  local login = string.format("send-%s-%d-%d@bench.local", run, thread_id or 1, sent)
  return wrk.format("POST", nil, headers, '{"loginId":"' .. login .. '"}')
end
