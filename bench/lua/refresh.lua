-- POST /v1/auth/refresh with token rotation. Every answer carries a new refresh token
-- (the old one is retired); each wrk thread keeps a pool of live tokens, takes one per
-- request and puts back the one the response returns. The harness signs in at least one
-- session per connection and writes the refresh tokens to GH_BENCH_TOKENS, one a line;
-- thread i (1-based) of GH_BENCH_THREADS takes lines i, i+n, i+2n ...
local project = os.getenv("GH_BENCH_PROJECT")
local nthreads = tonumber(os.getenv("GH_BENCH_THREADS") or "1")
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end

function init(args)
  pool = {}
  local i = 0
  for line in io.lines(os.getenv("GH_BENCH_TOKENS")) do
    if (i % nthreads) + 1 == thread_id and #line > 0 then
      pool[#pool + 1] = line
    end
    i = i + 1
  end
  last = pool[1]
  rotated = 0
  missing = 0
end

function request()
  -- An empty pool only happens if answers failed; reusing the last token then stays
  -- inside the server's refresh grace window (the harness sets it to 300 s).
  local token = table.remove(pool) or last
  last = token
  return wrk.format("POST", "/v1/auth/refresh", {
    ["Authorization"] = "Bearer " .. project .. ":" .. token,
    ["Content-Type"] = "application/json",
  }, "{}")
end

function response(status, headers, body)
  local token = body and body:match('"refreshJwt":"([^"]+)"')
  if status == 200 and token then
    pool[#pool + 1] = token
    rotated = rotated + 1
  else
    missing = missing + 1
  end
end
