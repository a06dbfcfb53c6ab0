// The Lua scripts of the Redis backend. Each runs atomically on the Redis server and reads the
// server's clock (TIME), so every process sees one clock and one state. They mirror
// memory-backend.ts line for line; keep the two in step (the backend specs run both).
//
// Time is in milliseconds with fractions. Numbers are stored with string.format('%.3f') because
// Lua's tostring keeps only 14 significant digits. Replies are integers or strings: Redis truncates
// Lua numbers to integers on the way out.

const NOW = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
`;

// KEYS: buckets (nb), pauses (np), slot sets (ns), window (nw = 0 or 1)
// ARGV: nb, np, ns, nw, then per bucket interval and burst, then per slot its limit,
//       then leaseId, leaseTtlMs, slotPollMs, windowBucketMs, windowBuckets, lookaheadMs
// Reply: { granted (1|0), waitMs (when granted: delayMs), blockedBy, index, remaining1, resetMs1, ... }
export const ACQUIRE = `${NOW}
local nb, np, ns, nw = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local a = 5
local wait, blocked, at = 0, 'rate', 0
local tats, intervals, bursts = {}, {}, {}
for i = 1, nb do
  local interval, burst = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  a = a + 2
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  tats[i], intervals[i], bursts[i] = tat, interval, burst
  local w = tat + interval - now - burst * interval
  if w > wait then wait, blocked, at = w, 'rate', i - 1 end
end
for i = 1, np do
  local w = tonumber(redis.call('GET', KEYS[nb + i]) or '0') - now
  if w > wait then wait, blocked, at = w, 'pause', i - 1 end
end
local limits = {}
for i = 1, ns do
  limits[i] = tonumber(ARGV[a])
  a = a + 1
end
local leaseId, ttl, poll = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
local windowBucketMs, windowBuckets = tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
local lookahead = tonumber(ARGV[a + 5])
local slotWait, slotAt = 0, -1
for i = 1, ns do
  local key = KEYS[nb + np + i]
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) >= limits[i] then
    local earliest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local w = math.max(1, math.min(poll, tonumber(earliest[2]) - now))
    if w > slotWait then slotWait, slotAt = w, i - 1 end
  end
end
local reply = {}
-- A time-based wait within the lookahead becomes a reservation; a missing slot never does.
if slotAt >= 0 or wait > lookahead + 1e-9 then
  if slotWait > wait then wait, blocked, at = slotWait, 'concurrency', slotAt end
  reply = { 0, math.ceil(wait), blocked, at }
  for i = 1, nb do
    local remaining = math.floor((now + bursts[i] * intervals[i] - tats[i]) / intervals[i] + 1e-9)
    reply[#reply + 1] = math.max(0, math.min(bursts[i], remaining))
    reply[#reply + 1] = math.max(0, math.ceil(tats[i] - now))
  end
  return reply
end
local delay = 0
if wait > 1e-9 then delay = math.ceil(wait) end
reply = { 1, delay, '', 0 }
for i = 1, nb do
  local nextTat = tats[i] + intervals[i]
  redis.call('SET', KEYS[i], string.format('%.3f', nextTat), 'PX', math.ceil(nextTat - now) + 1)
  local remaining = math.floor((now + bursts[i] * intervals[i] - nextTat) / intervals[i] + 1e-9)
  reply[#reply + 1] = math.max(0, math.min(bursts[i], remaining))
  reply[#reply + 1] = math.max(0, math.ceil(nextTat - now))
end
for i = 1, ns do
  local key = KEYS[nb + np + i]
  redis.call('ZADD', key, string.format('%.3f', now + ttl), leaseId)
  redis.call('PEXPIRE', key, math.ceil(ttl) + 1000)
end
if nw == 1 then
  local key = KEYS[nb + np + ns + 1]
  local index = math.floor(now / windowBucketMs)
  redis.call('HINCRBY', key, 'f' .. index, 1)
  if redis.call('HLEN', key) > 2 * windowBuckets + 2 then
    for _, field in ipairs(redis.call('HKEYS', key)) do
      if tonumber(string.sub(field, 2)) <= index - windowBuckets then redis.call('HDEL', key, field) end
    end
  end
  redis.call('PEXPIRE', key, math.ceil(windowBucketMs * (windowBuckets + 1)))
end
return reply
`;

// KEYS: buckets. ARGV: byMs. Only a schedule still in the future moves.
export const SHIFT = `${NOW}
for i = 1, #KEYS do
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat > now then
    local moved = tat + tonumber(ARGV[1])
    redis.call('SET', KEYS[i], string.format('%.3f', moved), 'PX', math.ceil(moved - now) + 1)
  end
end
return 1
`;

// KEYS: leased slot sets. ARGV: leaseId, ttlMs. XX: an expired (removed) lease is not revived.
export const RENEW = `${NOW}
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  redis.call('ZADD', KEYS[i], 'XX', string.format('%.3f', now + tonumber(ARGV[2])), ARGV[1])
  redis.call('PEXPIRE', KEYS[i], math.ceil(tonumber(ARGV[2])) + 1000)
end
return 1
`;

// KEYS: slot sets (ns), pause keys (np), success key (nk = 0 or 1)
// ARGV: ns, np, nk, leaseId, pauseMs
export const RELEASE = `${NOW}
local ns, np, nk = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 1, ns do redis.call('ZREM', KEYS[i], ARGV[4]) end
local pauseMs = tonumber(ARGV[5])
if pauseMs > 0 then
  for i = 1, np do
    local key = KEYS[ns + i]
    if tonumber(redis.call('GET', key) or '0') < now + pauseMs then
      redis.call('SET', key, string.format('%.3f', now + pauseMs), 'PX', math.ceil(pauseMs) + 1000)
    end
  end
end
if nk == 1 then redis.call('SET', KEYS[ns + np + 1], string.format('%.3f', now), 'PX', 30 * 86400000) end
return 1
`;

// Sums a window's first attempts (f<index>) and retries (r<index>) and drops expired sub-buckets.
const WINDOW_SUM = `
local function windowSum(key, bucketMs, buckets)
  local index = math.floor(now / bucketMs)
  local first, retries = 0, 0
  local fields = redis.call('HGETALL', key)
  for j = 1, #fields, 2 do
    local field, count = fields[j], tonumber(fields[j + 1])
    local at = tonumber(string.sub(field, 2))
    if at <= index - buckets then
      redis.call('HDEL', key, field)
    elseif string.sub(field, 1, 1) == 'f' then
      first = first + count
    else
      retries = retries + count
    end
  end
  return index, first, retries
end
local function allowedRetries(first, ratio, minimum)
  return math.floor(ratio * first + 1e-9) + minimum
end
`;

// KEYS: window, backoff (optional). ARGV: bucketMs, buckets, ratio, minRetries, delayMs, attempt
// Reply: { granted, firstAttempts, retries, allowed, left }
export const TRY_RETRY = `${NOW}${WINDOW_SUM}
local bucketMs, buckets = tonumber(ARGV[1]), tonumber(ARGV[2])
local index, first, retries = windowSum(KEYS[1], bucketMs, buckets)
local allowed = allowedRetries(first, tonumber(ARGV[3]), tonumber(ARGV[4]))
if retries + 1 > allowed then return { 0, first, retries, allowed, 0 } end
redis.call('HINCRBY', KEYS[1], 'r' .. index, 1)
redis.call('PEXPIRE', KEYS[1], math.ceil(bucketMs * (buckets + 1)))
if #KEYS > 1 then
  local delay = tonumber(ARGV[5])
  redis.call('SET', KEYS[2], ARGV[6] .. ':' .. string.format('%.3f', now + delay), 'PX', math.ceil(delay) + 1)
end
return { 1, first, retries + 1, allowed, allowed - retries - 1 }
`;

// KEYS: buckets (nb), pauses (np), slot sets (ns), window (nw), backoff (no), success (nk)
// ARGV: nb, np, ns, nw, no, nk, per bucket interval and burst, then bucketMs, buckets, ratio, minRetries
// Reply: { nowMs (string), per bucket remaining and resetMs, per pause its end (string),
//          per slot set its leases, [first, retries, allowed, left], [backoff value], [success] }
export const INSPECT = `${NOW}${WINDOW_SUM}
local nb, np, ns = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local nw, no, nk = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local reply = { string.format('%.3f', now) }
local a = 7
for i = 1, nb do
  local interval, burst = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  a = a + 2
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  local remaining = math.floor((now + burst * interval - tat) / interval + 1e-9)
  reply[#reply + 1] = math.max(0, math.min(burst, remaining))
  reply[#reply + 1] = math.max(0, math.ceil(tat - now))
end
for i = 1, np do
  local pauseEnd = tonumber(redis.call('GET', KEYS[nb + i]) or '0')
  if pauseEnd <= now then pauseEnd = 0 end
  reply[#reply + 1] = string.format("%.3f", pauseEnd)
end
for i = 1, ns do
  local key = KEYS[nb + np + i]
  reply[#reply + 1] = redis.call('ZCOUNT', key, '(' .. string.format('%.3f', now), '+inf')
end
local k = nb + np + ns + 1
if nw == 1 then
  local _, first, retries = windowSum(KEYS[k], tonumber(ARGV[a]), tonumber(ARGV[a + 1]))
  local allowed = allowedRetries(first, tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]))
  reply[#reply + 1] = first
  reply[#reply + 1] = retries
  reply[#reply + 1] = allowed
  reply[#reply + 1] = math.max(0, allowed - retries)
  k = k + 1
end
if no == 1 then
  reply[#reply + 1] = redis.call('GET', KEYS[k]) or ''
  k = k + 1
end
if nk == 1 then reply[#reply + 1] = redis.call('GET', KEYS[k]) or '' end
return reply
`;
