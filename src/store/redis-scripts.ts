// Lua run inside redis: each decision is one script, so two instances never both win.

/** KEYS: group hash, groups zset, bytes counter. ARGV: group, index, total, json, now, maxGroups, maxBytes. */
export const ADD_PART = `
local size = string.len(ARGV[4])
local field = 'p:' .. ARGV[2]
if redis.call('EXISTS', KEYS[1]) == 0 then
  local bytes = tonumber(redis.call('GET', KEYS[3]) or '0')
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[6]) or bytes + size > tonumber(ARGV[7]) then
    return {'full'}
  end
  redis.call('HSET', KEYS[1], 'total', ARGV[3], 'first', ARGV[5], 'bytes', 0)
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
elseif redis.call('HEXISTS', KEYS[1], field) == 1
    or tonumber(ARGV[2]) > tonumber(redis.call('HGET', KEYS[1], 'total')) then
  return {'duplicate'}
end
redis.call('HSET', KEYS[1], field, ARGV[4])
redis.call('HINCRBY', KEYS[1], 'bytes', size)
redis.call('INCRBY', KEYS[3], size)
local total = tonumber(redis.call('HGET', KEYS[1], 'total'))
local received = redis.call('HLEN', KEYS[1]) - 3
if received < total then
  return {'held', tostring(received), tostring(total)}
end
local out = {'complete'}
for i = 1, total do
  out[#out + 1] = redis.call('HGET', KEYS[1], 'p:' .. i)
end
redis.call('DECRBY', KEYS[3], tonumber(redis.call('HGET', KEYS[1], 'bytes')))
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return out
`;

/** KEYS: groups zset, bytes counter. ARGV: group key prefix, cutoff (first <= it), limit. Returns group, fields, group, fields… */
export const TAKE_EXPIRED = `
local groups = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, group in ipairs(groups) do
  local key = ARGV[1] .. group
  local fields = redis.call('HGETALL', key)
  local bytes = tonumber(redis.call('HGET', key, 'bytes') or '0')
  redis.call('DEL', key)
  redis.call('ZREM', KEYS[1], group)
  redis.call('DECRBY', KEYS[2], bytes)
  out[#out + 1] = group
  out[#out + 1] = fields
end
return out
`;

/** KEYS: entry hash. ARGV: expected owner, expected deliveries, new owner. Returns the entry's fields, or nil. */
export const CLAIM_ENTRY = `
local e = redis.call('HMGET', KEYS[1], 'owner', 'deliveries')
if e[1] ~= ARGV[1] or e[2] ~= ARGV[2] then
  return false
end
redis.call('HSET', KEYS[1], 'owner', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'deliveries', 1)
return redis.call('HGETALL', KEYS[1])
`;

/** KEYS: value key, key set. ARGV: json, ttl ms ('0': none), key. */
export const SET_IF_ABSENT = `
local ok
if ARGV[2] == '0' then
  ok = redis.call('SET', KEYS[1], ARGV[1], 'NX')
else
  ok = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
end
if not ok then
  return 0
end
redis.call('SADD', KEYS[2], ARGV[3])
return 1
`;

/** KEYS: value key, key set. ARGV: key. Returns the value, or nil. */
export const TAKE_VALUE = `
local value = redis.call('GET', KEYS[1])
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return value
`;
