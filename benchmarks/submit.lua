-- wrk script: submit a different open attempt on every request (each submit closes one).
-- BENCH_POOL names a file of lines "path<TAB>cookie<TAB>form"; BENCH_THREADS is wrk's -t.
-- Each wrk thread takes every BENCH_THREADS-th line, so no attempt is submitted twice until
-- the pool runs out (run.py sizes the pool and reports when it did). The cookies were made
-- for BENCH_USER_AGENT, which each request sends.
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  lines = {}
  local threads = tonumber(os.getenv("BENCH_THREADS"))
  local index = 0
  for line in io.lines(os.getenv("BENCH_POOL")) do
    if index % threads == id then
      local path, cookie, body = line:match("([^\t]+)\t([^\t]+)\t(.*)")
      table.insert(lines, { path = path, cookie = cookie, body = body })
    end
    index = index + 1
  end
  sent = 0
  user_agent = os.getenv("BENCH_USER_AGENT")
end

function request()
  sent = sent + 1
  local line = lines[((sent - 1) % #lines) + 1]
  return wrk.format("POST", line.path, {
    ["Cookie"] = line.cookie,
    ["User-Agent"] = user_agent,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, line.body)
end
