-- One-time secrets (email codes, magic-link tokens): the verify bodies, one a line, come
-- from GH_BENCH_BODIES; each is sent once (thread i of GH_BENCH_THREADS takes lines i, i+n,
-- i+2n ...), since a second verify of a spent code is a 401. The harness mints twice as many
-- as the run can spend; should they run out, the last one is resent and its 401 fails the
-- run. GH_BENCH_AUTH is the Authorization header (the project id).
local nthreads = tonumber(os.getenv("GH_BENCH_THREADS") or "1")
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end

function init(args)
  bodies = {}
  for line in io.lines(os.getenv("GH_BENCH_BODIES")) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  at = (thread_id or 1) - nthreads
  headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = os.getenv("GH_BENCH_AUTH"),
  }
end

function request()
  if at + nthreads <= #bodies then at = at + nthreads end
  return wrk.format("POST", nil, headers, bodies[at])
end
