-- wrk script: rotate over the session cookies in BENCH_COOKIES (space-separated session keys),
-- so concurrent requests do not all update one session row, and print one machine-readable
-- result line with requests/s and latency percentiles (wrk's --latency has no p95).
-- A browser keeps the CSRF cookie the first page set (as Django's test client does in
-- benchmarks/profile.py); without it every request made a new secret of 32 random characters
-- before masking it. Any 32 letters and digits are a valid secret.
local csrf = "; csrftoken=benchmarkCsrfSecret0123456789abc"
local cookies = {}
for key in string.gmatch(os.getenv("BENCH_COOKIES") or "", "%S+") do
  table.insert(cookies, "sessionid=" .. key .. csrf)
end
local counter = 0

request = function()
  counter = counter + 1
  local headers = {}
  if #cookies > 0 then
    headers["Cookie"] = cookies[(counter % #cookies) + 1]
  end
  return wrk.format("GET", nil, headers)
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f p50=%.2f p95=%.2f p99=%.2f max=%.2f requests=%d bytes=%d non2xx=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests, summary.bytes, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
