// Lua run inside redis: each decision is one script, so two instances never both win.

/**
 * A finished group into the inbox when its first part named an inbox id: the entry's JSON
 * is a HeldGroup, written as text (the parts already are JSON text).
 */
const MOVE_TO_INBOX = `
local function moveToInbox(group, key, inboxSet, entryPrefix, owner, now)
  local id = redis.call('HGET', key, 'inbox')
  if not id or id == '' then
    return
  end
  local total = redis.call('HGET', key, 'total')
  local parts = {}
  for i = 1, tonumber(total) do
    local value = redis.call('HGET', key, 'p:' .. i)
    if value then
      parts[#parts + 1] = '{"index":' .. i .. ',"value":' .. value .. '}'
    end
  end
  local json = '{"group":' .. cjson.encode(group) .. ',"total":' .. total .. ',"firstAt":' .. redis.call('HGET', key, 'first')
    .. ',"inboxId":' .. cjson.encode(id) .. ',"parts":[' .. table.concat(parts, ',') .. ']}'
  redis.call('HSET', entryPrefix .. id, 'owner', owner, 'receivedAt', now, 'deliveries', 1, 'json', json)
  redis.call('SADD', inboxSet, id)
end
`;

/** Inside a script: one group fewer for its sender (the senders hash). */
const UNCOUNT_SENDER = `
local function uncountSender(key, senders)
  local sender = redis.call('HGET', key, 'sender')
  if sender and sender ~= '' and redis.call('HINCRBY', senders, sender, -1) <= 0 then
    redis.call('HDEL', senders, sender)
  end
end
`;

/** Fields of a group hash that are not parts. */
const GROUP_FIELDS = 5;

/**
 * KEYS: group hash, groups zset, bytes counter, inbox set, senders hash.
 * ARGV: group, index, total, json, now, maxGroups, maxBytes for new groups, inbox id ('' none),
 * owner, inbox entry prefix, sender ('' none), maxGroupsPerSender.
 */
export const ADD_PART = `${MOVE_TO_INBOX}${UNCOUNT_SENDER}
local size = string.len(ARGV[4])
local field = 'p:' .. ARGV[2]
if redis.call('EXISTS', KEYS[1]) == 0 then
  local bytes = tonumber(redis.call('GET', KEYS[3]) or '0')
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[6]) or bytes + size > tonumber(ARGV[7]) then
    return {'full'}
  end
  if ARGV[11] ~= '' and tonumber(redis.call('HGET', KEYS[5], ARGV[11]) or '0') >= tonumber(ARGV[12]) then
    return {'full'}
  end
  redis.call('HSET', KEYS[1], 'total', ARGV[3], 'first', ARGV[5], 'bytes', 0, 'inbox', ARGV[8], 'sender', ARGV[11])
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
  if ARGV[11] ~= '' then
    redis.call('HINCRBY', KEYS[5], ARGV[11], 1)
  end
elseif redis.call('HEXISTS', KEYS[1], field) == 1
    or tonumber(ARGV[2]) > tonumber(redis.call('HGET', KEYS[1], 'total')) then
  return {'duplicate'}
end
redis.call('HSET', KEYS[1], field, ARGV[4])
redis.call('HINCRBY', KEYS[1], 'bytes', size)
redis.call('INCRBY', KEYS[3], size)
local total = tonumber(redis.call('HGET', KEYS[1], 'total'))
local received = redis.call('HLEN', KEYS[1]) - ${GROUP_FIELDS}
if received < total then
  return {'held', tostring(received), tostring(total)}
end
local out = {'complete', redis.call('HGET', KEYS[1], 'inbox')}
for i = 1, total do
  out[#out + 1] = redis.call('HGET', KEYS[1], 'p:' .. i)
end
redis.call('DECRBY', KEYS[3], tonumber(redis.call('HGET', KEYS[1], 'bytes')))
moveToInbox(ARGV[1], KEYS[1], KEYS[4], ARGV[10], ARGV[9], ARGV[5])
uncountSender(KEYS[1], KEYS[5])
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return out
`;

/**
 * KEYS: groups zset, bytes counter, inbox set, senders hash. ARGV: group key prefix, cutoff
 * (first <= it), limit, owner, inbox entry prefix, now. Returns group, fields, group, fields…
 */
export const TAKE_EXPIRED = `${MOVE_TO_INBOX}${UNCOUNT_SENDER}
local groups = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, group in ipairs(groups) do
  local key = ARGV[1] .. group
  local fields = redis.call('HGETALL', key)
  local bytes = tonumber(redis.call('HGET', key, 'bytes') or '0')
  moveToInbox(group, key, KEYS[3], ARGV[5], ARGV[4], ARGV[6])
  uncountSender(key, KEYS[4])
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

/** KEYS: seen key, entry hash, inbox set. ARGV: retention ms, id, owner, now, json. Returns 1 when admitted. */
export const ADMIT = `
if not redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'NX') then
  return 0
end
redis.call('HSET', KEYS[2], 'owner', ARGV[3], 'receivedAt', ARGV[4], 'deliveries', 1, 'json', ARGV[5])
redis.call('SADD', KEYS[3], ARGV[2])
return 1
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
