-- JSON POSTs (sign-in): the bodies, one a line, come from the file GH_BENCH_BODIES and are
-- sent in turn (thread i of GH_BENCH_THREADS takes lines i, i+n, i+2n ...), so that the load spreads
-- over many accounts as real sign-ins do: a single account signing in 32 times at once is
-- exactly what the per-login-id rate limit refuses. Extra headers: GH_BENCH_AUTH
-- (Authorization) and GH_BENCH_FORWARDED (X-Forwarded-For, for a client behind a proxy).
-- The file holds the bench's throwaway passwords; this script holds none.
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
  local forwarded = os.getenv("GH_BENCH_FORWARDED")
  if forwarded and #forwarded > 0 then headers["X-Forwarded-For"] = forwarded end
end

function request()
  at = at + nthreads
  if at > #bodies then at = (at - 1) % #bodies + 1 end
  return wrk.format("POST", nil, headers, bodies[at])
end
