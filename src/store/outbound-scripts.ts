// Lua for the outbound queue on redis: each decision one script, so two instances never take
// the same job and share one pace. Times inside the scripts are redis's own clock (TIME), so
// instances whose clocks differ still share one pace.
//
// A lane is a sorted set: score dueAt, member `seq|cost|id` (seq zero-padded, so jobs due at
// the same time keep the order they were added in). Jobs are a hash id → record JSON; the
// jobs being sent a hash id → {o: owner, t: claimed at, l: lane, d: dueAt, m: member}.

const NOW = `
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/** KEYS: jobs hash, lanes set, seq counter. ARGV: lane key prefix, then id, lane, dueAt, cost, record… */
export const OB_ADD = `
local added = 0
for i = 2, #ARGV, 5 do
  local id = ARGV[i]
  if redis.call('HSETNX', KEYS[1], id, ARGV[i + 4]) == 1 then
    local seq = redis.call('INCR', KEYS[3])
    redis.call('ZADD', ARGV[1] .. ARGV[i + 1], ARGV[i + 2], string.format('%015d', seq) .. '|' .. ARGV[i + 3] .. '|' .. id)
    redis.call('SADD', KEYS[2], ARGV[i + 1])
    added = added + 1
  end
end
return added
`;

/**
 * KEYS: lane zset, jobs hash, sending hash, lanes set, pace hash, paused hash. ARGV: max,
 * interval ms, owner, lane, lease ms, lookahead ms, pause key ('' none), lease owner (this process).
 * Returns {retry in ms from now ('' none, 'paused'), now, id, record, turn, id, record, turn…}.
 * The last paced job taken leases its pace key until OB_DEPART (outbound-rules.ts: paceStep, leaseStep).
 */
export const OB_CLAIM = `${NOW}
local now = nowMs()
if ARGV[7] ~= '' and redis.call('HEXISTS', KEYS[6], ARGV[7]) == 1 then
  return { 'paused', tostring(now) }
end
local max = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local lookahead = tonumber(ARGV[6])
local pace = redis.call('HMGET', KEYS[5], 'next', 'hold', 'leaseUntil', 'leaseOwner')
local nxt = tonumber(pace[1] or '0')
local hold = tonumber(pace[2] or '0')
local leaseUntil = tonumber(pace[3] or '0')
local leaseOwner = pace[4]
local lease = nil
local out = {}
local retry = ''
local taken = 0
while true do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if #head == 0 then
    redis.call('SREM', KEYS[4], ARGV[4])
    break
  end
  if taken >= max then retry = 0 break end
  local due = tonumber(head[2])
  if due > now then retry = due - now break end
  if hold > now then retry = hold - now break end
  if interval > 0 and taken == 0 and leaseUntil > now and leaseOwner ~= ARGV[8] then retry = math.min(leaseUntil - now, interval) break end
  local slot = now
  if interval > 0 then
    slot = math.max(now, nxt)
    if slot > now + lookahead then retry = slot - lookahead - now break end
  end
  local member = head[1]
  local a = string.find(member, '|', 1, true)
  local b = string.find(member, '|', a + 1, true)
  local cost = tonumber(string.sub(member, a + 1, b - 1))
  local id = string.sub(member, b + 1)
  redis.call('ZREM', KEYS[1], member)
  local record = redis.call('HGET', KEYS[2], id)
  if record then
    if interval > 0 then nxt = slot + cost * interval end
    redis.call('HSET', KEYS[3], id, cjson.encode({ o = ARGV[3], t = now, l = ARGV[4], d = due, m = member }))
    out[#out + 1] = id
    out[#out + 1] = record
    out[#out + 1] = string.format('%.3f', slot)
    taken = taken + 1
    if interval > 0 then
      lease = id
      leaseUntil = now + tonumber(ARGV[5])
    end
  end
end
if interval > 0 and taken > 0 then
  redis.call('HSET', KEYS[5], 'next', string.format('%.3f', nxt))
  if lease then redis.call('HSET', KEYS[5], 'lease', lease, 'leaseUntil', leaseUntil, 'leaseOwner', ARGV[8]) end
  redis.call('PEXPIRE', KEYS[5], math.max(math.ceil(nxt - now), math.max(hold - now, 0), math.max(leaseUntil - now, 0)) + 60000)
end
table.insert(out, 1, tostring(now))
table.insert(out, 1, tostring(retry))
return out
`;

/** KEYS: pace hash. ARGV: hold for ms. */
export const OB_HOLD = `${NOW}
local now = nowMs()
local untilMs = now + tonumber(ARGV[1])
local hold = tonumber(redis.call('HGET', KEYS[1], 'hold') or '0')
if untilMs > hold then
  redis.call('HSET', KEYS[1], 'hold', untilMs)
  local left = redis.call('PTTL', KEYS[1])
  -- -1: a hash this HSET just made (no sends yet), which would otherwise never expire.
  if left == -1 or (left >= 0 and left < untilMs - now + 60000) then redis.call('PEXPIRE', KEYS[1], untilMs - now + 60000) end
end
return 1
`;

/**
 * KEYS: pace hash. ARGV: id, cost, interval ms. The request of job id leaves now: the next unit
 * waits cost intervals from now, and the lease of id ends (outbound-rules.ts: departStep).
 */
export const OB_DEPART = `${NOW}
local now = nowMs()
local cost = tonumber(ARGV[2])
local interval = tonumber(ARGV[3])
local nxt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
if interval > 0 and cost > 0 and now + cost * interval > nxt then
  nxt = now + cost * interval
  redis.call('HSET', KEYS[1], 'next', string.format('%.3f', nxt))
end
if redis.call('HGET', KEYS[1], 'lease') == ARGV[1] then redis.call('HDEL', KEYS[1], 'lease', 'leaseUntil', 'leaseOwner') end
local need = math.max(math.ceil(nxt - now), 0) + 60000
local left = redis.call('PTTL', KEYS[1])
if left == -1 or (left >= 0 and left < need) then redis.call('PEXPIRE', KEYS[1], need) end
return 1
`;

/** KEYS: sending hash, jobs hash. ARGV: id. */
export const OB_FINISH = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
  redis.call('HDEL', KEYS[2], ARGV[1])
  return 1
end
return 0
`;

/** KEYS: sending hash, lanes set. ARGV: id, lane key prefix. */
export const OB_REQUEUE = `
local s = redis.call('HGET', KEYS[1], ARGV[1])
if not s then return 0 end
local e = cjson.decode(s)
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZADD', ARGV[2] .. e.l, e.d, e.m)
redis.call('SADD', KEYS[2], e.l)
return 1
`;

/** KEYS: sending hash, jobs hash. ARGV: owner ('' any), before (epoch ms, '' none). Returns id, record, owner, claimed at… */
export const OB_TAKE_SENDING = `
local all = redis.call('HGETALL', KEYS[1])
local out = {}
for i = 1, #all, 2 do
  local e = cjson.decode(all[i + 1])
  local match = (ARGV[1] ~= '' and e.o == ARGV[1]) or (ARGV[2] ~= '' and tonumber(e.t) < tonumber(ARGV[2]))
  if match then
    local record = redis.call('HGET', KEYS[2], all[i])
    redis.call('HDEL', KEYS[1], all[i])
    redis.call('HDEL', KEYS[2], all[i])
    if record then
      out[#out + 1] = all[i]
      out[#out + 1] = record
      out[#out + 1] = e.o
      out[#out + 1] = tostring(e.t)
    end
  end
end
return out
`;

/** KEYS: lane zset, jobs hash, lanes set. ARGV: lane. Returns id, record… */
export const OB_CLEAR = `
local members = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for _, member in ipairs(members) do
  local a = string.find(member, '|', 1, true)
  local b = string.find(member, '|', a + 1, true)
  local id = string.sub(member, b + 1)
  local record = redis.call('HGET', KEYS[2], id)
  if record then
    redis.call('HDEL', KEYS[2], id)
    out[#out + 1] = id
    out[#out + 1] = record
  end
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[1])
return out
`;

/** KEYS: lane zset, jobs hash. ARGV: max. Returns id, record… of the first jobs, in order. */
export const OB_PEEK = `
local members = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
local out = {}
for _, member in ipairs(members) do
  local a = string.find(member, '|', 1, true)
  local b = string.find(member, '|', a + 1, true)
  local id = string.sub(member, b + 1)
  local record = redis.call('HGET', KEYS[2], id)
  if record then
    out[#out + 1] = id
    out[#out + 1] = record
  end
end
return out
`;
